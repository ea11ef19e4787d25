"""Focused deterrence's partner roles (commitment 1): outreach and community partners, and the
police partner, each seeing only its side of the program."""

from django.db import migrations

ROLES = ("outreach_partner", "police_partner")


def create_roles(apps, schema_editor):
    for name in ROLES:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0008_address_street_key")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
