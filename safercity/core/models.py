"""Core: the city's geography, its addresses and the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models
from shapely.geometry.base import BaseGeometry

from safercity.core import geo
from safercity.core.addresses import street_key


class Boundary(models.Model):
    """A polygon of the city, stored as GeoJSON in WGS84 (no spatial database needed)."""

    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    geometry = models.JSONField(help_text="GeoJSON geometry, WGS84 longitude/latitude")
    area_sq_m = models.FloatField(default=0)
    population = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    @property
    def shape(self) -> BaseGeometry:
        return geo.from_geojson(self.geometry)


class City(models.Model):
    name = models.CharField(max_length=120, unique=True)
    state = models.CharField(max_length=2)
    geometry = models.JSONField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    is_demo = models.BooleanField(
        default=False, help_text="True when the geography is the synthetic demo city"
    )
    ward_plan = models.CharField(max_length=20, blank=True, help_text="The ward map in force")
    district_plan = models.CharField(
        max_length=20, blank=True, help_text="The police district map in force"
    )
    geography_version = models.PositiveIntegerField(
        default=0, help_text="Bumped on every boundary change so cached indexes rebuild"
    )

    class Meta:
        verbose_name_plural = "cities"

    def __str__(self) -> str:
        return f"{self.name}, {self.state}"


class Neighborhood(Boundary):
    is_park = models.BooleanField(
        default=False, help_text="Parks and other non-residential areas (St. Louis: 80 to 88)"
    )

    class Meta(Boundary.Meta):
        constraints = [models.UniqueConstraint(fields=["number"], name="neighborhood_number")]


class Ward(Boundary):
    plan = models.CharField(
        max_length=20, help_text="The ward map this ward belongs to, e.g. 2023 (14 wards)"
    )

    class Meta(Boundary.Meta):
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="ward_plan_number")]


class PoliceDistrict(Boundary):
    plan = models.CharField(max_length=20, help_text="e.g. 2014 (six districts)")

    class Meta(Boundary.Meta):
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="district_plan_number")
        ]


class Address(models.Model):
    """A street address with its location and the areas that hold it."""

    house_number = models.PositiveIntegerField()
    street = models.CharField(max_length=120)
    # The street in Publication 28 form ("N 12TH ST"), kept for matching what people type.
    street_key = models.CharField(max_length=120, blank=True, default="", editable=False)
    unit = models.CharField(max_length=20, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    lon = models.FloatField()
    lat = models.FloatField()
    neighborhood = models.ForeignKey(
        Neighborhood, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses"
    )
    district = models.ForeignKey(
        PoliceDistrict, null=True, blank=True, on_delete=models.SET_NULL, related_name="addresses"
    )

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [
            models.Index(fields=["street", "house_number"]),
            models.Index(fields=["street_key", "house_number"], name="address_street_key"),
            models.Index(fields=["lat", "lon"], name="address_lat_lon"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["house_number", "street", "unit"], name="address_unique_label"
            )
        ]

    def __str__(self) -> str:
        unit = f" #{self.unit}" if self.unit else ""
        return f"{self.house_number} {self.street}{unit}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.street_key = street_key(self.street)
        super().save(*args, **kwargs)


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only")


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log (see core.audit)."""

    class Kind(models.TextChoices):
        WRITE = "write", "write"
        READ = "read", "read of a sensitive record"

    at = models.DateTimeField()
    kind = models.CharField(max_length=5, choices=Kind.choices)
    actor = models.CharField(max_length=150, help_text="username, or system:<command>")
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit log is append-only")

    def content(self) -> dict[str, Any]:
        """What the hash covers."""
        return {
            "at": self.at,
            "kind": self.kind,
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "detail": self.detail,
        }


class AuditHead(models.Model):
    """The last entry's hash: lets verification notice entries removed from the end."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head at #{self.last_id}"


class Snapshot(models.Model):
    """A rollup computed by a background task (see core.rollups): public pages read these
    instead of summing live records in the request, and say when they were computed."""

    key = models.CharField(max_length=200, primary_key=True)
    data = models.JSONField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0, help_text="how long the computation took")

    def __str__(self) -> str:
        return f"{self.key} as of {self.computed_at:%Y-%m-%d %H:%M}"


class ScheduledRun(models.Model):
    """When a periodic job was last enqueued: lets several workers share one schedule without
    running a job twice (the row is locked while it is checked)."""

    name = models.CharField(max_length=100, primary_key=True)
    last_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} last enqueued {self.last_at:%Y-%m-%d %H:%M:%S}"


class AuditCheckpoint(models.Model):
    """A signed statement of the audit log's extent (see core.auditchain.Checkpoint). Kept
    here and, line for line, in a file outside the database that the operator ships off the
    machine; append-only like the log."""

    at = models.DateTimeField()
    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    entries = models.BigIntegerField()
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"checkpoint {self.at:%Y-%m-%d %H:%M} at #{self.last_id}"
