"""The feed version row and the triggers that change it on every write to what the Open311
feed shows. PostgreSQL: one trigger per statement; SQLite: one per row (it has no others)."""

from django.db import migrations, models

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
    "BEGIN UPDATE service311_feedversion SET token = hex(randomblob(16)) WHERE id = 1; END"
)


def install(apps, schema_editor):
    run = schema_editor.execute
    run("INSERT INTO service311_feedversion (id, token) VALUES (1, 'initial')")
    if schema_editor.connection.vendor == "postgresql":
        run(PG_FUNCTION)
        for table in TABLES:
            run(
                f"CREATE TRIGGER {table}_feed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION service311_feed_changed()"
            )
        return
    for table in TABLES:
        for event in EVENTS:
            # Table and event names come from TABLES and EVENTS above, never from input.
            trigger = f"CREATE TRIGGER {table}_feed_{event.lower()} AFTER {event} ON {table} "
            run(trigger + SQLITE_BODY)


def remove(apps, schema_editor):
    run = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            run(f"DROP TRIGGER IF EXISTS {table}_feed ON {table}")
        run("DROP FUNCTION IF EXISTS service311_feed_changed()")
        return
    for table in TABLES:
        for event in EVENTS:
            run(f"DROP TRIGGER IF EXISTS {table}_feed_{event.lower()}")


class Migration(migrations.Migration):
    dependencies = [
        ("service311", "0002_apikey_scopes"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(install, remove),
    ]
