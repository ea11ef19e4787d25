"""Database triggers that make the audit log append-only, on SQLite and PostgreSQL: entries
and checkpoints can be added, never changed or removed; the head row can only move forward
(writing it again unchanged is allowed).

There is no switch to turn them off from the application: only a schema change (by the
database owner) removes them, and that shows in the database's own logs; the signed
checkpoints kept outside the database (core.auditchain) catch what such a change then does.
They are installed after every migrate (core.apps), so a later migration that makes SQLite
rebuild one of these tables cannot leave them out.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_auditentry"
APPEND_ONLY = ("core_auditentry", "core_auditcheckpoint")
HEAD = "core_audithead"
MESSAGE = "the audit log is append-only"
HEAD_MESSAGE = "the audit head only moves forward"


def install_audit_guard(connection: BaseDatabaseWrapper) -> None:
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in APPEND_ONLY:
                if table not in tables:
                    continue
                for event in ("update", "delete"):
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{event} BEFORE "
                        f"{event.upper()} ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
                    )
            if HEAD in tables:
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {HEAD}_no_delete BEFORE DELETE ON {HEAD} "
                    f"BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END;"
                )
                cursor.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {HEAD}_forward BEFORE UPDATE ON {HEAD} "
                    "WHEN NEW.last_id < OLD.last_id OR NEW.id != OLD.id "
                    "OR (NEW.last_id = OLD.last_id AND NEW.last_hash != OLD.last_hash) "
                    f"BEGIN SELECT RAISE(ABORT, '{HEAD_MESSAGE}'); END;"
                )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION safercity_audit_append_only() RETURNS trigger AS $$ "
                f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;"
            )
            for table in APPEND_ONLY:
                if table not in tables:
                    continue
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION safercity_audit_append_only();"
                )
            if HEAD in tables:
                cursor.execute(
                    "CREATE OR REPLACE FUNCTION safercity_audit_head_forward() RETURNS trigger "
                    "AS $$ BEGIN IF TG_OP <> 'UPDATE' OR NEW.last_id < OLD.last_id "
                    "OR NEW.id <> OLD.id "
                    "OR (NEW.last_id = OLD.last_id AND NEW.last_hash <> OLD.last_hash) "
                    f"THEN RAISE EXCEPTION '{HEAD_MESSAGE}'; END IF; "
                    "RETURN NEW; END; $$ LANGUAGE plpgsql;"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_forward ON {HEAD}")
                cursor.execute(
                    f"CREATE TRIGGER {HEAD}_forward BEFORE UPDATE OR DELETE ON {HEAD} "
                    "FOR EACH ROW EXECUTE FUNCTION safercity_audit_head_forward();"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_truncate ON {HEAD}")
                cursor.execute(
                    f"CREATE TRIGGER {HEAD}_no_truncate BEFORE TRUNCATE ON {HEAD} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION safercity_audit_append_only();"
                )


def remove_audit_guard(connection: BaseDatabaseWrapper) -> None:
    """For tests and for the database owner's own schema changes only."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in APPEND_ONLY:
                for event in ("update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{event}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_delete")
            cursor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_forward")
        elif connection.vendor == "postgresql":
            for table in APPEND_ONLY:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_forward ON {HEAD}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {HEAD}_no_truncate ON {HEAD}")
