"""The triggers that give the Open311 feed a new version token on every write to what it
shows (requests, their notes, services, departments), whichever code path writes.

They are (re)installed after every `migrate` (see apps.py), not by one migration: SQLite
rebuilds a table to alter it and drops its triggers, so a later migration of one of these
tables would otherwise switch the feed's cache invalidation off without a word.
PostgreSQL: one trigger per statement; SQLite: one per row (it has no others)."""

from __future__ import annotations

from typing import Any

from django.db import connections

TABLES = (
    "service311_servicerequest",
    "service311_requestnote",
    "service311_service",
    "service311_department",
)
EVENTS = ("INSERT", "UPDATE", "DELETE")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION service311_feed_changed() RETURNS trigger AS $$
BEGIN
    UPDATE service311_feedversion SET token = md5(random()::text || clock_timestamp()::text)
    WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
SQLITE_BODY = (
    " BEGIN UPDATE service311_feedversion SET token = hex(randomblob(16)) WHERE id = 1; END"
)


def feed_triggers_install(using: str = "default", **_: Any) -> None:
    """Create the version row and the triggers where they are missing (idempotent)."""
    connection = connections[using]
    if "service311_feedversion" not in connection.introspection.table_names():
        return  # migrating backwards, or before service311's tables exist
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO service311_feedversion (id, token) SELECT 1, 'initial' "
            "WHERE NOT EXISTS (SELECT 1 FROM service311_feedversion WHERE id = 1)"
        )
        # Table and event names come from TABLES and EVENTS above, never from input.
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            for table in TABLES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_feed ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_feed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION service311_feed_changed()"
                )
            return
        for table in TABLES:
            for event in EVENTS:
                name = f"{table}_feed_{event.lower()}"
                trigger = f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} ON {table}"
                cursor.execute(trigger + SQLITE_BODY)
