"""Crime records as SLMPD publishes them: one row per record coded in a month, with
Count = -1 rows that cancel earlier ones (so sums of Count are crimes)."""

from __future__ import annotations

from django.db import models

from safercity.core.models import Neighborhood


class CrimeRecord(models.Model):
    class Category(models.TextChoices):
        SEXUAL = "sexual"
        FAMILY = "family"
        JUVENILE = "juvenile"
        OTHER = "other"

    source = models.CharField(max_length=20, default="slmpd-legacy")
    source_key = models.CharField(max_length=20, help_text="the coded month the file holds")
    source_line = models.PositiveIntegerField(help_text="its line in the file last imported")
    identity = models.CharField(
        max_length=64,
        default="",
        help_text="complaint|offence|count, or a digest of the row where a file has no "
        "complaint numbers: what a republished file is matched on",
    )
    ordinal = models.PositiveSmallIntegerField(
        default=1, help_text="which of the records with this identity in the month"
    )
    complaint = models.CharField(max_length=20, blank=True)
    coded_month = models.DateField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    count = models.SmallIntegerField()
    ucr_code = models.PositiveIntegerField()
    ucr_class = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=10, choices=Category.choices, default=Category.OTHER)
    description = models.CharField(max_length=120, blank=True)
    district = models.PositiveSmallIntegerField(default=0)
    district_plan = models.CharField(max_length=10, help_text="2008 (nine districts) or 2014 (six)")
    neighborhood_number = models.PositiveSmallIntegerField(default=0)
    neighborhood = models.ForeignKey(
        Neighborhood, null=True, blank=True, on_delete=models.SET_NULL, related_name="crimes"
    )
    address = models.CharField(max_length=120, blank=True)
    location_name = models.CharField(max_length=120, blank=True)
    x = models.FloatField(default=0)
    y = models.FloatField(default=0)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    unfounded = models.BooleanField(default=False)
    administrative = models.BooleanField(default=False)
    cleanup = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_key", "identity", "ordinal"],
                name="one_record_per_identity",
            )
        ]
        indexes = [
            models.Index(fields=["ucr_class", "coded_month"]),
            models.Index(fields=["coded_month"]),
            models.Index(fields=["neighborhood_number", "coded_month"]),
            models.Index(fields=["district_plan", "district", "coded_month"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.complaint} {self.description} ({self.coded_month:%Y-%m})"


class CrimeImport(models.Model):
    """One file imported: what it did to the records of the months it holds."""

    source = models.CharField(max_length=20)
    file_name = models.CharField(max_length=200)
    months = models.CharField(max_length=200, help_text="the coded months, e.g. 2019-01")
    imported_at = models.DateTimeField()
    imported_by = models.CharField(max_length=200)
    matched_by = models.CharField(max_length=60)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(
        default=0, help_text="stored records missing from a file with rejected lines: kept"
    )

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.imported_at:%Y-%m-%d})"


class CrimeRecordChange(models.Model):
    """What a re-import did to one record: added it, changed fields (before and after), or
    withdrew it (its last values kept here, as the record itself is gone)."""

    class Kind(models.TextChoices):
        NEW = "new"
        CHANGED = "changed"
        WITHDRAWN = "withdrawn"

    batch = models.ForeignKey(CrimeImport, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source_key = models.CharField(max_length=20)
    complaint = models.CharField(max_length=20, blank=True)
    ucr_code = models.PositiveIntegerField()
    identity = models.CharField(max_length=64)
    ordinal = models.PositiveSmallIntegerField()
    fields = models.JSONField(default=dict, help_text="{field: [before, after]}")

    class Meta:
        indexes = [models.Index(fields=["complaint"]), models.Index(fields=["source_key"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.complaint or self.identity} ({self.source_key})"


class PeerHomicides(models.Model):
    """One city's homicides in one year, from a published table (the FBI's Uniform Crime
    Reports for peer cities): what the home city's change is set against."""

    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    year = models.PositiveSmallIntegerField()
    homicides = models.PositiveIntegerField()
    source = models.CharField(max_length=300, help_text="who published the table, and where")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["city", "state", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "state", "year"], name="one_count_per_city_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}: {self.homicides}"
