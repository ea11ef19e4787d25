"""The shared cache's table (settings.CACHES), so every deployment that migrates has it."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0003_alter_neighborhood_is_park")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
