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
    source_line = models.PositiveIntegerField()
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
                fields=["source", "source_key", "source_line"], name="one_record_per_source_line"
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
