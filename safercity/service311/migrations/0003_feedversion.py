"""The feed version row. Its triggers are installed after every migrate (triggers.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("service311", "0002_apikey_scopes"),
    ]

    operations = [
        migrations.CreateModel(
            name="FeedVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
    ]
