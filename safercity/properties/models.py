"""Parcels and their owners (the assessor's schema), land-bank holdings, vacancy estimates,
owner portfolios, problem-property scores and code-enforcement cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from safercity.core.models import Address, Neighborhood, Ward
from safercity.properties.engine.cases import LABELS, State
from safercity.properties.engine.occupancy import OCCUPANCY_LABELS, Occupancy


class Parcel(models.Model):
    """One assessor parcel. Field names follow the City of St. Louis parcel file (prcl)."""

    handle = models.CharField(max_length=11, unique=True, help_text="City parcel HANDLE")
    site_address = models.CharField(max_length=200)
    site_zip = models.CharField(max_length=10, blank=True)
    address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="parcels"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    neighborhood = models.ForeignKey(
        Neighborhood, null=True, blank=True, on_delete=models.SET_NULL, related_name="parcels"
    )
    ward = models.ForeignKey(
        Ward, null=True, blank=True, on_delete=models.SET_NULL, related_name="parcels"
    )
    owner_name = models.CharField(max_length=200, blank=True)
    owner_name2 = models.CharField(max_length=200, blank=True)
    owner_addr = models.CharField(max_length=200, blank=True)
    owner_city = models.CharField(max_length=80, blank=True)
    owner_state = models.CharField(max_length=20, blank=True)
    owner_zip = models.CharField(max_length=10, blank=True)
    owner_occ = models.CharField(max_length=5, blank=True, help_text="OWNEROCC as recorded")
    asr_class_code = models.CharField(max_length=5, blank=True)
    land_use = models.CharField(max_length=60, blank=True)
    units = models.PositiveIntegerField(default=0, help_text="NbrOfUnits")
    tax_delinquent_years = models.PositiveSmallIntegerField(default=0)
    vacant = models.BooleanField(null=True, help_text="SLU Urban Prairie estimate, when known")
    vacancy_source = models.CharField(max_length=100, blank=True)
    occupancy = models.CharField(
        max_length=12,
        choices=[(o.value, OCCUPANCY_LABELS[o]) for o in Occupancy],
        default=Occupancy.UNKNOWN,
    )
    occupancy_reasons = models.JSONField(default=list)
    portfolio = models.ForeignKey(
        "Portfolio", null=True, blank=True, on_delete=models.SET_NULL, related_name="parcels"
    )
    score = models.FloatField(default=0)
    score_components = models.JSONField(default=list)
    scored_on = models.DateField(null=True, blank=True)
    imported_from = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["occupancy", "-score"]),
            models.Index(fields=["portfolio"]),
        ]

    def __str__(self) -> str:
        return f"{self.handle} {self.site_address}"

    @property
    def non_owner_occupied(self) -> bool:
        return self.occupancy == Occupancy.NON_OWNER

    @property
    def owner_occ_said(self) -> str:
        """The assessor's owner-occupied flag (OWNEROCC), in words for the inspector."""
        flags = {"Y": "owner-occupied", "N": "not owner-occupied"}
        return flags.get(self.owner_occ.strip().upper(), "not recorded")


class LraHolding(models.Model):
    """A parcel the Land Reutilization Authority (the city's land bank) holds."""

    handle = models.CharField(max_length=11, unique=True)
    address = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=60, blank=True)
    usage = models.CharField(max_length=80, blank=True)
    property_source = models.CharField(max_length=80, blank=True)
    acquired_on = models.DateField(null=True, blank=True)
    units = models.PositiveIntegerField(default=0)
    ward = models.PositiveSmallIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"LRA {self.handle} {self.address}"


class VacancyEstimate(models.Model):
    """SLU Urban Prairie parcel vacancy, 2017: a high and a low estimate per parcel."""

    handle = models.CharField(max_length=11)
    estimate = models.CharField(max_length=4, choices=[("high", "high"), ("low", "low")])
    vacant = models.BooleanField()
    city_owned = models.BooleanField()
    year = models.PositiveSmallIntegerField(default=2017)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handle", "estimate", "year"], name="vacancy_once")
        ]

    def __str__(self) -> str:
        return f"{self.handle} vacant={self.vacant} ({self.estimate} {self.year})"


class Portfolio(models.Model):
    """Parcels that belong to one landlord, as the resolution found them (rebuilt each run)."""

    name = models.CharField(max_length=200, help_text="The owner name with the most parcels")
    owner_kind = models.CharField(max_length=10)
    parcels_count = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    non_owner_parcels = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0)
    score_components = models.JSONField(default=list)
    split_from = models.PositiveIntegerField(
        null=True, blank=True, help_text="Owners in the component a Louvain split cut this from"
    )
    links = models.JSONField(default=list, help_text="Why the owners are together")
    owners = models.JSONField(default=list, help_text="Normalized owner names and addresses")
    resolved_at = models.DateTimeField()

    class Meta:
        ordering = ["-score"]

    def __str__(self) -> str:
        return self.name


class ScoringPolicy(models.Model):
    """The weights and half-lives in force; the newest is used. Every change is kept."""

    weights = models.JSONField()
    note = models.CharField(max_length=300)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "scoring policies"

    def __str__(self) -> str:
        return f"Scoring policy of {self.created_at:%Y-%m-%d}: {self.note}"


class PropertyEvent(models.Model):
    """A dated record about a parcel that counts in its score (nuisance report, condemnation...).

    Violations and 311 complaints count from their own tables; this holds the others."""

    class Kind(models.TextChoices):
        NUISANCE = "nuisance", "Nuisance police report"
        CONDEMNATION = "condemnation", "Condemnation"

    parcel = models.ForeignKey(Parcel, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on}"


class Case(models.Model):
    class Source(models.TextChoices):
        COMPLAINT_311 = "311", "311 complaint"
        PLU = "plu", "Problem Landlord Unit"
        REFERRAL = "referral", "Referral"

    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="cases")
    source = models.CharField(max_length=10, choices=Source.choices)
    service_request = models.OneToOneField(
        "service311.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enforcement_case",
    )
    state = models.CharField(
        max_length=14, choices=[(s.value, LABELS[s]) for s in State], default=State.RECEIVED
    )
    state_before_appeal = models.CharField(max_length=14, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"Case {self.pk} at {self.parcel.site_address}"

    @property
    def state_label(self) -> str:
        """The state in words; a new case says how it came (a proactive case had no complaint)."""
        if self.state == State.RECEIVED:
            return OPENED_BY.get(self.source, LABELS[State.RECEIVED])
        return LABELS[State(self.state)]


OPENED_BY: dict[str, str] = {
    Case.Source.COMPLAINT_311: "Complaint received",
    Case.Source.PLU: "Opened by the Problem Landlord Unit, inspection to schedule",
    Case.Source.REFERRAL: "Referral received",
}


class Inspection(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial inspection"
        REINSPECTION = "reinspection", "Re-inspection"

    class Result(models.TextChoices):
        PENDING = "", "Not yet done"
        CLEAR = "clear", "No violations"
        VIOLATIONS = "violations", "Violations found"
        NO_ACCESS = "no_access", "No access"
        COMPLIED = "complied", "Violations corrected"
        NOT_COMPLIED = "not_complied", "Not corrected"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="inspections")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    scheduled_for = models.DateField()
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    done_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=14, choices=Result.choices, blank=True, default="")

    class Meta:
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.scheduled_for}"


class Violation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="violations")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="violations")
    parcel = models.ForeignKey(Parcel, on_delete=models.PROTECT, related_name="violations")
    code = models.CharField(max_length=40, help_text="Ordinance section")
    description = models.CharField(max_length=300)
    severity = models.PositiveSmallIntegerField(default=1, help_text="1 minor, 2 major, 3 hazard")
    issued_on = models.DateField()
    comply_by = models.DateField()
    corrected_on = models.DateField(null=True, blank=True)
    non_owner_occupied = models.BooleanField(
        help_text="The parcel's occupancy when the violation was issued (for the measure)"
    )

    class Meta:
        ordering = ["issued_on", "pk"]
        indexes = [models.Index(fields=["issued_on", "non_owner_occupied"])]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Notice(models.Model):
    class Kind(models.TextChoices):
        NOTICE = "notice", "Notice of violation"
        CITATION = "citation", "Citation"
        SUMMONS = "summons", "Housing court summons"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_on = models.DateField()
    comply_by = models.DateField(null=True, blank=True)
    mailed_to = models.CharField(max_length=300)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} sent {self.sent_on}"


class CaseEvent(models.Model):
    """The case's history, one line per action, in order."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField()
    action = models.CharField(max_length=30)
    from_state = models.CharField(max_length=14)
    to_state = models.CharField(max_length=14)
    by = models.CharField(max_length=150)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at}"
