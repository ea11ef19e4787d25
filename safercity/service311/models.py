"""311: the service catalog, service requests and their history (Open311 GeoReport v2)."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from safercity.core.models import Address, Neighborhood


class Department(models.Model):
    """A city division that works requests (St. Louis CSB: "SUBMITTO")."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Type(models.TextChoices):
        REALTIME = "realtime"
        BATCH = "batch"
        BLACKBOX = "blackbox"

    service_code = models.CharField(max_length=60, unique=True)
    service_name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.REALTIME)
    keywords = models.CharField(max_length=300, blank=True)
    group = models.CharField(max_length=100, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="services")
    sla_days = models.PositiveIntegerField(
        default=5, help_text="Days within which a request should be closed"
    )
    service_notice = models.CharField(max_length=300, blank=True)
    duplicate_radius_m = models.PositiveIntegerField(default=50)
    duplicate_window_days = models.PositiveIntegerField(default=7)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["group", "service_name"]

    def __str__(self) -> str:
        return f"{self.service_code}: {self.service_name}"


class ServiceTerms(models.Model):
    """A service's deadline and department from a date on: what each export said was in force
    from its earliest request. The service's own sla_days and department are the terms in
    force now; a request is held to the terms in force when it was made."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="terms")
    effective_from = models.DateField()
    sla_days = models.PositiveIntegerField()
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="terms")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["service", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "effective_from"], name="one_terms_per_service_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.service_code} from {self.effective_from}: {self.sla_days} days"


class ServiceAttribute(models.Model):
    """A question a service asks (Open311 service definition attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string"
        NUMBER = "number"
        DATETIME = "datetime"
        TEXT = "text"
        SINGLEVALUELIST = "singlevaluelist"
        MULTIVALUELIST = "multivaluelist"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(max_length=60)
    variable = models.BooleanField(default=True)
    datatype = models.CharField(max_length=16, choices=Datatype.choices)
    required = models.BooleanField(default=False)
    datatype_description = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=300)
    values = models.JSONField(default=list, blank=True, help_text='[{"key": ..., "name": ...}]')

    class Meta:
        ordering = ["service", "order"]
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="attribute_code_per_service")
        ]

    def __str__(self) -> str:
        return f"{self.service.service_code}/{self.code}"


def default_scopes() -> list[str]:
    return ["requests:create"]


class ApiKey(models.Model):
    """An Open311 client allowed to create requests. Only a hash of the key is stored."""

    name = models.CharField(max_length=120)
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    # What the key may do; a key made before scopes existed could create requests.
    scopes = models.JSONField(default=default_scopes)

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(24)


class ServiceRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    class Source(models.TextChoices):
        API = "api", "Open311 API"
        WEB = "web", "resident web page"
        STAFF = "staff", "311 agent"
        TRANSFER_911 = "911", "transferred from 911"
        IMPORT = "import", "imported (CSB)"

    class MediaReview(models.TextChoices):
        NONE = "", "no photo"
        PENDING = "pending", "photo waiting for review"
        APPROVED = "approved", "photo published"
        REJECTED = "rejected", "photo not published"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    status_notes = models.TextField(blank=True)
    description = models.TextField(blank=True)
    requested_datetime = models.DateTimeField(db_index=True)
    updated_datetime = models.DateTimeField(db_index=True)
    expected_datetime = models.DateTimeField(null=True, blank=True)
    closed_datetime = models.DateTimeField(null=True, blank=True)
    address_string = models.CharField(max_length=300, blank=True)
    address = models.ForeignKey(Address, null=True, blank=True, on_delete=models.SET_NULL)
    # For a point chosen on the map: the nearest address on the list (core.geocode.nearest).
    nearest_address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    zipcode = models.CharField(max_length=10, blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    neighborhood = models.ForeignKey(
        Neighborhood, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests311"
    )
    media_url = models.URLField(max_length=500, blank=True)
    # The photo as re-encoded here (core.uploads.photo_clean), under a generated name.
    media = models.FileField(upload_to="311/%Y/%m/", blank=True)
    # A photo or link is published in media_url only once a 311 agent has approved it.
    media_review = models.CharField(
        max_length=8, choices=MediaReview.choices, blank=True, default=MediaReview.NONE
    )
    media_reviewed_at = models.DateTimeField(null=True, blank=True)
    media_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attributes = models.JSONField(default=dict, blank=True)
    # Who reported it: never published (Open311 GET responses do not include these).
    email = models.EmailField(blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, default="en")
    wants_email_updates = models.BooleanField(default=False)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.API)
    external_id = models.CharField(
        max_length=40, blank=True, db_index=True, help_text="Id in the system it came from"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text="The request this one was merged into",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-requested_datetime"]
        indexes = [
            models.Index(fields=["service", "requested_datetime"]),
            models.Index(fields=["status", "requested_datetime"]),
            # Found by its stored name when /media/ serves a photo; only rows with one.
            models.Index(fields=["media"], condition=~Q(media=""), name="request_media_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="one_request_per_external_id",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.service.service_name}"

    @property
    def service_request_id(self) -> str:
        return str(self.pk)


class RequestNote(models.Model):
    """The history of a request: status changes and notes (Open311 extension: notes)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField()
    author = models.CharField(max_length=150)
    kind = models.CharField(max_length=20, default="note")  # opened, note, status, merged, assigned
    status = models.CharField(max_length=6, blank=True)
    text = models.TextField(blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d}"


class FeedVersion(models.Model):
    """One row whose token changes with every write to what the Open311 feed shows
    (requests, their notes, services, departments), whatever wrote it: database triggers
    set it (service311/triggers.py). A new random token each time, so a rolled-back write's token
    never comes back; the feed's response cache is keyed by it."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
