"""Staff roles as groups, and database triggers that make the audit log append-only."""

from django.db import migrations

from safercity.core.guards import install_audit_guard, remove_audit_guard

ROLES = [
    "call_taker",
    "dispatcher",
    "supervisor_911",
    "agent_311",
    "inspector",
    "analyst",
    "program_staff",
    "administrator",
]
GENESIS = "0" * 64


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    AuditHead = apps.get_model("core", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"last_id": 0, "last_hash": GENESIS})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


def add_triggers(apps, schema_editor):
    install_audit_guard(schema_editor.connection)


def remove_triggers(apps, schema_editor):
    remove_audit_guard(schema_editor.connection)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS safercity_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
