"""The directory of services people are referred to (addiction, mental health, housing and
the rest) in the structure of Open Referral's Human Services Data Specification (HSDS 3.0):
organizations, their services, where each is delivered, when it is open, who is eligible and
how many beds or slots it has free. Ids are UUIDs, as HSDS asks, so the same record keeps its
id from one system to the next. Providers keep their own services current (ProviderAccount)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", "a place people go"
        POSTAL = "postal", "a postal address"
        VIRTUAL = "virtual", "online or by phone"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="locations"
    )
    location_type = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PHYSICAL)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    address_1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state_province = models.CharField(max_length=50, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name or self.address_1 or str(self.id)


class Service(models.Model):
    class Kind(models.TextChoices):
        ADDICTION = "addiction", "addiction treatment and recovery"
        MENTAL_HEALTH = "mental health", "mental health"
        HOUSING = "housing", "housing and shelter"
        CRISIS = "crisis", "crisis stabilization"
        YOUTH = "youth", "youth and family"
        JOBS = "jobs", "work and income"
        OTHER = "other", "other"

    class Status(models.TextChoices):  # HSDS's own words
        ACTIVE = "active", "active"
        INACTIVE = "inactive", "inactive"
        DEFUNCT = "defunct", "defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "temporarily closed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=200)
    alternate_name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    languages = models.CharField(
        max_length=200, blank=True, help_text="ISO 639 codes, comma-separated (en,es)"
    )
    assured_date = models.DateField(null=True, blank=True, help_text="last checked")
    modified_at = models.DateTimeField(auto_now=True, db_index=True)
    locations = models.ManyToManyField(Location, through="ServiceAtLocation", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_at")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "location"], name="equity_service_at_once")
        ]

    def __str__(self) -> str:
        return f"{self.service_id} at {self.location_id}"


class Schedule(models.Model):
    """Weekly opening hours (an RFC 5545 rule as HSDS keeps it: days, opens, closes)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(max_length=40, help_text="MO,TU,WE,TH,FR,SA,SU")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.byday} {self.opens_at}-{self.closes_at}"


class Capacity(models.Model):
    """How many of a unit (beds, slots, appointments) the service has free, and when the
    provider last said so."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="capacities")
    unit = models.CharField(max_length=40, help_text="bed, slot, appointment...")
    available = models.PositiveIntegerField()
    maximum = models.PositiveIntegerField(null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "unit"], name="equity_capacity_unit_once")
        ]

    def __str__(self) -> str:
        return f"{self.available} {self.unit}"


class ProviderAccount(models.Model):
    """Which organization a provider's staff member speaks for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="accounts"
    )

    def __str__(self) -> str:
        return f"{self.user} for {self.organization}"


class Referral(models.Model):
    """A person referred to a service, followed until the service is completed or declined.
    The person's details are only what the provider needs, shared with the person's consent;
    every read of them is audited, and they are purged once the referral has been closed for
    the retention period (SAFERCITY_REFERRAL_RETENTION_DAYS)."""

    class Source(models.TextChoices):
        CRISIS_CALL = "crisis call", "a 911 crisis call"
        CLINICIAN = "clinician", "a clinician's visit"
        ENCAMPMENT = "encampment", "a 311 request about an encampment"
        OUTREACH = "outreach", "street outreach"
        VIOLENCE_PROGRAM = "violence program", "a violence-reduction program"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        SENT = "sent", "sent, awaiting the provider"
        ACCEPTED = "accepted", "accepted by the provider"
        STARTED = "started", "service started"
        COMPLETED = "completed", "completed"
        DECLINED = "declined", "declined by the provider"
        REFUSED = "refused", "the person declined"
        WITHDRAWN = "withdrawn", "withdrawn by the referrer"

    class Consent(models.TextChoices):
        VERBAL = "verbal", "verbal consent, recorded by the referrer"
        WRITTEN = "written", "written consent on file"
        GUARDIAN = "guardian", "a parent's or guardian's consent"

    OPEN = (Status.SENT, Status.ACCEPTED, Status.STARTED)

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="referrals")
    source = models.CharField(max_length=20, choices=Source.choices)
    source_reference = models.CharField(
        max_length=60, blank=True, help_text="the 911 call, the 311 request, the program's case"
    )
    person_name = models.CharField(max_length=120, blank=True)
    contact = models.CharField(
        max_length=200, blank=True, help_text="how the provider reaches them"
    )
    needs = models.TextField(blank=True, help_text="only what the provider needs to know")
    consent = models.CharField(max_length=10, choices=Consent.choices)
    referred_by = models.CharField(max_length=150)
    referred_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    status_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reason = models.CharField(max_length=300, blank=True, help_text="why declined or withdrawn")
    reminded_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_at"]

    def __str__(self) -> str:
        return f"referral {self.pk} to {self.service_id} ({self.status})"


class ReferralEvent(models.Model):
    """Each change of a referral's status: when, by whom, and any note (no person details)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    by = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=Referral.Status.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.referral_id} {self.status} {self.at:%Y-%m-%d}"


class Theme(models.Model):
    """The Equity Indicators' framework, as data: themes, their topics, the topics'
    indicators."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["theme", "name"], name="equity_topic_once")]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    class Computed(models.TextChoices):
        NONE = "", "entered or imported"
        USE_OF_FORCE = "use_of_force", "use-of-force incidents per resident"
        ANSWER_911 = "answer_911", "911 callers' mean seconds waited"
        CLOSE_311 = "close_311", "311 requests' median days to close"

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=120, unique=True)
    definition = models.TextField(blank=True)
    direction = models.CharField(
        max_length=20, help_text="the ratio's groups in order, e.g. B-W: Black over white"
    )
    source = models.CharField(max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    computed_from = models.CharField(
        max_length=20,
        choices=Computed.choices,
        blank=True,
        default="",
        help_text="computed from SaferCity's own records, by the neighborhoods' majority",
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One year's two rates for an indicator, where they came from, and any score the city
    published for them."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField()
    first_rate = models.CharField(max_length=40, blank=True, help_text="as written: 27/763, 1124.0")
    second_rate = models.CharField(max_length=40, blank=True)
    published_score = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()
    computed_at = models.DateTimeField(
        null=True, blank=True, help_text="set when SaferCity computed it from its own records"
    )

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="equity_value_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class ScoreBand(models.Model):
    """A row of the ratio-to-score conversion table the city uses (CUNY ISLG's)."""

    low = models.FloatField(unique=True, help_text="ratios from this one up to the next band's")
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["low"]

    def __str__(self) -> str:
        return f"{self.low}+: {self.score}"


class NeighborhoodResidents(models.Model):
    """A census count of one neighborhood's residents, all and by race, for the indicators that
    compare neighborhoods by their majority (majority-Black with majority-white)."""

    neighborhood = models.ForeignKey(
        "core.Neighborhood", on_delete=models.CASCADE, related_name="residents_by_race"
    )
    year = models.PositiveSmallIntegerField(help_text="the census or survey year")
    total = models.PositiveIntegerField()
    white = models.PositiveIntegerField()
    black = models.PositiveIntegerField()
    hispanic = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "neighborhood"]
        verbose_name_plural = "neighborhood residents"
        constraints = [
            models.UniqueConstraint(fields=["neighborhood", "year"], name="equity_residents_once")
        ]

    def __str__(self) -> str:
        return f"{self.neighborhood} {self.year}: {self.total}"
