"""The intelligence roles (commitment 3): analysts, supervisors and partner liaisons."""

from django.db import migrations

ROLES = ("intel_analyst", "intel_supervisor", "partner_liaison")


def create_roles(apps, schema_editor):
    for name in ROLES:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0009_focused_deterrence_partner_roles")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
