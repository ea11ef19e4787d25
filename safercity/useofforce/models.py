"""Use-of-force incidents in the FBI National Use-of-Force Data Collection's three segments
(incident, subjects, officers) with the city's own fields; each investigation stage on its
clock; hand-offs to outside bodies as a ledger; complaints as officer-by-allegation records
(the Citizens Police Data Project's structure)."""

from __future__ import annotations

from django.db import models

from safercity.useofforce import engine


def _choices(values: tuple[str, ...] | list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


LOCATION_TYPES = ("residence or home", "street, highway or alley", "park or playground",
                  "business or retail", "school or college", "government or public building",
                  "jail or correctional facility", "hospital or medical facility",
                  "parking lot or garage", "public transit", "other")  # fmt: skip
CONTACT_REASONS = ("call for service", "traffic stop", "officer-initiated (not traffic)",
                   "warrant service", "court order or detention", "pursuit", "other")  # fmt: skip
RACES = ("American Indian or Alaska Native", "Asian", "Black or African American",
         "Native Hawaiian or Other Pacific Islander", "White", "unknown")  # fmt: skip
ETHNICITIES = ("Hispanic or Latino", "not Hispanic or Latino", "unknown")
SEXES = ("female", "male", "unknown")
CAMERA = ("recorded", "equipped, not recorded", "not equipped", "unknown")


class PolicyVersion(models.Model):
    """A version of the use-of-force policy: published with the data, and the stage deadlines
    it sets (days; a stage not named takes the default)."""

    version = models.CharField(max_length=40, unique=True)
    effective_from = models.DateField()
    summary = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="the policy as published")
    stage_days = models.JSONField(default=dict)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"use-of-force policy {self.version}"

    def days_for(self, stage: str) -> float:
        return float(self.stage_days.get(stage, engine.DEFAULT_DAYS[stage]))


class ForceIncident(models.Model):
    class Status(models.TextChoices):
        REPORTED = "reported", "reported, awaiting supervisor review"
        UNDER_REVIEW = "under_review", "under review or investigation"
        CLOSED = "closed", "closed"

    case_number = models.CharField(max_length=20, unique=True, help_text="the agency's case")
    occurred_at = models.DateTimeField(db_index=True)
    address = models.CharField(max_length=300, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    district = models.CharField(max_length=20, blank=True)
    neighborhood = models.PositiveIntegerField(null=True, blank=True)
    location_type = models.CharField(max_length=40, choices=_choices(LOCATION_TYPES))
    contact_reason = models.CharField(max_length=40, choices=_choices(CONTACT_REASONS))
    cad_incident = models.ForeignKey(
        "emergency.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    officers_applying_force = models.PositiveSmallIntegerField(
        default=1, help_text="all agencies' officers who applied force"
    )
    ambush = models.BooleanField(default=False)
    supervisor_present = models.BooleanField(default=False, help_text="present or consulted")
    de_escalation_attempted = models.BooleanField(default=False)
    de_escalation_methods = models.JSONField(default=list)
    body_camera = models.CharField(max_length=30, choices=_choices(CAMERA), default="unknown")
    policy = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="incidents")
    level = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=30, choices=_choices(engine.PATHS))
    fbi_reportable = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REPORTED)
    narrative = models.TextField(blank=True, help_text="restricted; never published")
    reported_by = models.CharField(max_length=150)
    reported_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    public_id = models.CharField(max_length=16, unique=True, help_text="opaque, for the public")

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"use of force {self.case_number}"


class Subject(models.Model):
    incident = models.ForeignKey(ForceIncident, on_delete=models.CASCADE, related_name="subjects")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=_choices(SEXES), default="unknown")
    races = models.JSONField(default=list)
    ethnicity = models.CharField(max_length=30, choices=_choices(ETHNICITIES), default="unknown")
    impairments = models.JSONField(default=list)  # alcohol, drugs, mental health crisis, ...
    resistance = models.JSONField(default=list)
    weapons = models.JSONField(default=list)  # believed to have: firearm, knife, none, ...
    force_types = models.JSONField(default=list)
    injury = models.CharField(max_length=30, choices=_choices(engine.INJURIES), default="none")
    firearm_at_subject = models.BooleanField(default=False, help_text="discharged at them")

    def __str__(self) -> str:
        return f"subject on {self.incident_id}"


class OfficerInvolved(models.Model):
    incident = models.ForeignKey(ForceIncident, on_delete=models.CASCADE, related_name="officers")
    employee_number = models.CharField(max_length=20, help_text="restricted")
    name = models.CharField(max_length=150, blank=True, help_text="restricted; never published")
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=_choices(SEXES), default="unknown")
    races = models.JSONField(default=list)
    years_of_service = models.PositiveSmallIntegerField(null=True, blank=True)
    on_duty = models.BooleanField(default=True)
    injury = models.CharField(max_length=30, choices=_choices(engine.INJURIES), default="none")
    force_types = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"officer on {self.incident_id}"


class Stage(models.Model):
    """One stage of the review or investigation, on its clock."""

    incident = models.ForeignKey(ForceIncident, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(max_length=30, choices=_choices(engine.STAGES))
    opened_at = models.DateTimeField()
    allowed_days = models.FloatField()
    due_at = models.DateTimeField(db_index=True)
    holder = models.CharField(max_length=150, blank=True, help_text="who has the file")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    finding = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["opened_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "stage"], name="force_stage_once")
        ]

    def __str__(self) -> str:
        return f"{self.stage} of {self.incident_id}"


class Extension(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="extensions")
    days = models.FloatField()
    approved_by = models.CharField(max_length=150)
    reason = models.CharField(max_length=500)
    granted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"+{self.days:g} days on {self.stage_id}"


class Handoff(models.Model):
    """A file sent to an outside body and what came back: who holds it always has an answer."""

    class Body(models.TextChoices):
        CIRCUIT_ATTORNEY = "circuit_attorney", "Circuit Attorney"
        OVERSIGHT_BOARD = "oversight_board", "Civilian Oversight Board"
        OTHER = "other", "other body"

    incident = models.ForeignKey(ForceIncident, on_delete=models.CASCADE, related_name="handoffs")
    body = models.CharField(max_length=20, choices=Body.choices)
    sent_at = models.DateTimeField()
    sent_by = models.CharField(max_length=150)
    received_at = models.DateTimeField(null=True, blank=True, help_text="acknowledged by them")
    determined_at = models.DateTimeField(null=True, blank=True)
    determination = models.CharField(max_length=300, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True, help_text="the file came back")
    reference = models.CharField(max_length=60, blank=True, help_text="their case number")

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.get_body_display()} for {self.incident_id}"


# Complaints, in the Citizens Police Data Project's structure: a complaint with the people
# who made it (optional demographics), and one allegation per officer and category, where the
# finding, the outcome and any discipline live.
ALLEGATION_CATEGORIES = ("excessive force", "racial profiling or bias", "illegal search",
                         "false arrest", "verbal abuse or discourtesy", "discreditable conduct",
                         "neglect of duty", "disobedience of orders",
                         "failure to report force", "other")  # fmt: skip
FINDINGS = ("open", "sustained", "not sustained", "unfounded", "exonerated",
            "closed, withdrawn", "officer resigned", "no cooperation")  # fmt: skip
OUTCOMES = ("none", "counseling or training", "written reprimand", "suspension", "demotion",
            "termination", "resigned before discipline")  # fmt: skip
COMPLAINT_SOURCES = ("civilian", "internal (department)", "oversight board", "anonymous")


class Complaint(models.Model):
    number = models.CharField(max_length=20, unique=True, help_text="the complaint's number")
    received_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=30, choices=_choices(COMPLAINT_SOURCES))
    summary = models.TextField(blank=True, help_text="restricted; never published")
    incident = models.ForeignKey(ForceIncident, null=True, blank=True,
                                 on_delete=models.SET_NULL,
                                 related_name="complaints")  # fmt: skip
    complainant_age = models.PositiveSmallIntegerField(null=True, blank=True)
    complainant_sex = models.CharField(max_length=10, choices=_choices(SEXES), blank=True)
    complainant_races = models.JSONField(default=list, blank=True)
    filed_by = models.CharField(max_length=150)
    public_id = models.CharField(max_length=16, unique=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"complaint {self.number}"


class Allegation(models.Model):
    """One officer, one category: the finding, the outcome, the discipline."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="allegations")  # fmt: skip
    employee_number = models.CharField(max_length=20, help_text="restricted")
    officer_name = models.CharField(max_length=150, blank=True, help_text="restricted")
    category = models.CharField(max_length=40, choices=_choices(ALLEGATION_CATEGORIES))
    finding = models.CharField(max_length=20, choices=_choices(FINDINGS), default="open")
    outcome = models.CharField(max_length=30, choices=_choices(OUTCOMES), default="none")
    suspension_days = models.PositiveSmallIntegerField(default=0)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["complaint_id", "pk"]

    def __str__(self) -> str:
        return f"{self.category} against {self.employee_number}"


class PopulationShare(models.Model):
    """The area's residents by race, for the public comparison of who force is used on (e.g.
    the 2020 Census for the city); entered with its source."""

    race = models.CharField(max_length=60, choices=_choices(RACES), unique=True)
    share = models.FloatField(help_text="of all residents, 0 to 1")
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["race"]

    def __str__(self) -> str:
        return f"{self.race}: {self.share:.1%}"
