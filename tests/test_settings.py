import os
from pathlib import Path

import pytest
from django.db import connection

from safercity.env import database_from_url, env_bool, env_int, env_list


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_it_was_asked_for():
    wanted = os.environ.get("SAFERCITY_TEST_DB", "sqlite")
    assert connection.vendor == {"sqlite": "sqlite", "postgres": "postgresql"}[wanted]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_postgres_url_becomes_django_settings():
    settings = database_from_url(
        "postgres://city:s%40fe@db.internal:6543/safercity?sslmode=require"
    )
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert (settings["USER"], settings["PASSWORD"]) == ("city", "s@fe")
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == (
        "db.internal",
        "6543",
        "safercity",
    )
    assert settings["OPTIONS"] == {"sslmode": "require"}


def test_a_sqlite_url_gets_wal_and_durable_commits():
    settings = database_from_url("sqlite:////srv/city/db.sqlite3")
    assert settings["NAME"] == str(Path("/srv/city/db.sqlite3"))
    assert "journal_mode=WAL" in settings["OPTIONS"]["init_command"]
    assert "synchronous=FULL" in settings["OPTIONS"]["init_command"]


def test_other_database_urls_are_refused():
    with pytest.raises(ValueError, match="not supported"):
        database_from_url("mysql://x@y/z")


def test_environment_helpers_read_booleans_and_lists(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env_bool("X_FLAG", False) is True
    assert env_bool("X_MISSING", True) is True
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    monkeypatch.setenv("X_NUMBER", " 30 ")
    assert env_int("X_NUMBER", 0) == 30
    assert env_int("X_MISSING", 7) == 7
    monkeypatch.setenv("X_NUMBER", "thirty")
    with pytest.raises(ValueError, match="X_NUMBER must be a whole number"):
        env_int("X_NUMBER", 0)
