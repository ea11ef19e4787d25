# SaferCity: `make run` serves the demo city on 127.0.0.1:8000; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1

.PHONY: install run test test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/safercity migrate --noinput
	$(BIN)/safercity demo_load --if-empty
	$(BIN)/safercity runserver 127.0.0.1:8000

test: test-sqlite test-postgres

test-sqlite: install
	SAFERCITY_TESTING=1 $(BIN)/pytest

# The suite starts its own throwaway PostgreSQL server (initdb + pg_ctl) and stops it after.
test-postgres: install
	SAFERCITY_TESTING=1 SAFERCITY_TEST_DB=postgres \
	  DATABASE_URL=postgres://postgres@127.0.0.1/safercity $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy safercity

bench: install
	$(BIN)/python bench/point_in_polygon.py
	$(BIN)/python bench/staffing.py
	$(BIN)/python bench/open311.py
	$(BIN)/python bench/crime.py
	$(BIN)/python bench/emergency.py
	$(BIN)/python bench/portfolio.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
