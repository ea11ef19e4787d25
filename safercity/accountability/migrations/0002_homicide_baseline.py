import datetime
from decimal import Decimal

from django.db import migrations


def add_baseline(apps, schema_editor):
    Parameter = apps.get_model("accountability", "Parameter")
    Parameter.objects.get_or_create(
        key="homicides_baseline_2020",
        defaults={
            "label": "Homicides in 2020 (murder and non-negligent manslaughter)",
            "value": Decimal(263),
            "unit": "homicides",
            "source": "FBI Uniform Crime Reporting program, St. Louis city, 2020",
            "source_url": "https://cde.ucr.cjis.gov/",
            "as_of": datetime.date(2020, 12, 31),
        },
    )


def remove_baseline(apps, schema_editor):
    apps.get_model("accountability", "Parameter").objects.filter(
        key="homicides_baseline_2020"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("accountability", "0001_initial")]
    operations = [migrations.RunPython(add_baseline, remove_baseline)]
