"""The Office of Equity and Inclusion's roles (commitment 10): the chief equity officer, and
the personnel staff who import the HR records."""

from django.db import migrations

ROLES = ("equity_officer", "personnel_staff")


def create_roles(apps, schema_editor):
    for name in ROLES:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0011_command_staff_role")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
