# SaferCity: `make run` serves the demo city on 127.0.0.1:8000; `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= 1

.PHONY: install run audit-key test test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	@echo "Installing SaferCity and its dependencies into $(VENV) (a few minutes the first time)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Development settings for every shell in this checkout (settings.py reads the file; the
# environment still wins). Written once, readable only by you.
var/local.env:
	mkdir -p var
	umask 077 && printf 'DEBUG=1\nSECRET_KEY=%s\n' "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

# The audit checkpoints' signing key, added to a checkout's settings that predate it.
audit-key: var/local.env
	@grep -q '^SAFERCITY_AUDIT_KEY=' var/local.env || (umask 077 && printf 'SAFERCITY_AUDIT_KEY=%s\n' "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" >> var/local.env)

# The task worker (rollups, e-mail, the schedule) runs beside the development server and
# stops with it.
run: install var/local.env audit-key
	$(BIN)/safercity migrate --noinput
	$(BIN)/safercity demo_load --if-empty
	$(BIN)/safercity worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/safercity runserver 127.0.0.1:8000

# The two legs run at the same time, each with its own folder; each leg's output is printed
# whole when it ends.
test: install
	$(MAKE) -j2 --output-sync=target test-sqlite test-postgres

test-sqlite: install
	SAFERCITY_TESTING=1 SAFERCITY_VAR=var/test-sqlite $(BIN)/pytest

# The suite starts its own throwaway PostgreSQL server (initdb + pg_ctl) and stops it after.
test-postgres: install
	SAFERCITY_TESTING=1 SAFERCITY_TEST_DB=postgres SAFERCITY_VAR=var/test-postgres \
	  DATABASE_URL=postgres://postgres@127.0.0.1/safercity $(BIN)/pytest

lint: install
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy safercity

bench: install
	$(BIN)/python bench/point_in_polygon.py
	$(BIN)/python bench/staffing.py
	$(BIN)/python bench/open311.py
	$(BIN)/python bench/crime.py
	$(BIN)/python bench/emergency.py
	$(BIN)/python bench/desk.py
	$(BIN)/python bench/portfolio.py
	$(BIN)/python bench/csb.py
	$(BIN)/python bench/replay.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/intelligence.py
	$(BIN)/python bench/patrol.py
	$(BIN)/python bench/directory.py
	$(BIN)/python bench/indicators.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
