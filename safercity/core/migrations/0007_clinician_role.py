"""The crisis clinician's role (commitment 8): clinicians and crisis counselors record what
happened on the calls they took."""

from django.db import migrations


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="clinician")


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="clinician").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_checkpoints"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
