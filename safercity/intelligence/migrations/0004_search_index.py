"""The search column, filled for the records there are, and on PostgreSQL its trigram index
(pg_trgm, a trusted extension: the database's owner may create it), so a search for any words
anywhere in a million records answers from the index instead of reading every row."""

from django.db import migrations, models

INDEX = "intel_record_haystack_trgm"


def fill(apps, schema_editor):
    IntelRecord = apps.get_model("intelligence", "IntelRecord")
    for record in IntelRecord.objects.exclude(subject="").iterator():
        record.haystack = " ".join(
            (record.subject, record.criminal_activity, record.content)
        ).lower()
        record.save(update_fields=["haystack"])


def index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON intelligence_intelrecord "
            "USING gin (haystack gin_trgm_ops) WHERE status = 'accepted'"
        )


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0003_exchange_api")]

    operations = [
        migrations.AddField(
            model_name="intelrecord",
            name="haystack",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
