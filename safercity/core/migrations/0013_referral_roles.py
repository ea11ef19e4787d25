"""Root causes' roles (commitment 7): the coordinator of the service directory and referrals,
and the service providers who keep their own services current."""

from django.db import migrations

ROLES = ("referral_coordinator", "service_provider")


def create_roles(apps, schema_editor):
    for name in ROLES:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0012_equity_roles")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
