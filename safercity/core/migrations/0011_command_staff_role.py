"""The police command staff role (commitment 2, patrol reorganizations; commitment 9 too), and
the use-of-force roles (commitment 9)."""

from django.db import migrations

ROLES = (
    "command_staff",
    "police_officer",
    "police_supervisor",
    "force_investigator",
    "internal_affairs",
    "oversight_liaison",
)


def create_roles(apps, schema_editor):
    for name in ROLES:
        apps.get_model("auth", "Group").objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0010_intelligence_roles")]

    operations = [migrations.RunPython(create_roles, remove_roles)]
