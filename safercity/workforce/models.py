"""Personnel records for the Office of Equity and Inclusion: each person the HR system knows
(an applicant, an officer) by the HR's own reference, with voluntary self-identification
(every answer optional, "declined" kept apart from "not asked"); each step of the hiring and
promotion pipeline they reached and how it ended; and the equity officer's review of every
step where a group's selection rate fell below four-fifths of the highest. No person is ever
scored: analyses count people at a step, by group."""

from __future__ import annotations

from django.db import models

DECLINED = "declined"
RACE_ETHNICITY = (
    "American Indian or Alaska Native",
    "Asian",
    "Black or African American",
    "Hispanic or Latino",
    "Native Hawaiian or Other Pacific Islander",
    "White",
    "two or more races",
)
SEXES = ("female", "male", "intersex")
GENDER_IDENTITIES = (
    "woman",
    "man",
    "non-binary",
    "transgender woman",
    "transgender man",
    "another identity",
)
ORIENTATIONS = ("heterosexual or straight", "gay or lesbian", "bisexual", "another orientation")
DIMENSIONS = {
    "race_ethnicity": ("race and ethnicity", RACE_ETHNICITY),
    "sex": ("sex", SEXES),
    "gender_identity": ("gender identity", GENDER_IDENTITIES),
    "sexual_orientation": ("sexual orientation", ORIENTATIONS),
}
HIRING = (
    "application",
    "written test",
    "physical test",
    "background",
    "academy",
    "probation",
    "hire",
)
PROMOTION = ("promotion exam", "eligibility list", "promotion")
PROCESSES = {"hiring": HIRING, "promotion": PROMOTION}


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class Person(models.Model):
    reference = models.CharField(max_length=40, unique=True, help_text="the HR system's id")
    race_ethnicity = models.CharField(
        max_length=60, blank=True, help_text="blank: not asked; or declined"
    )
    sex = models.CharField(max_length=20, blank=True)
    gender_identity = models.CharField(max_length=40, blank=True)
    sexual_orientation = models.CharField(max_length=40, blank=True)
    hired_on = models.DateField(null=True, blank=True)
    separated_on = models.DateField(null=True, blank=True)
    separation_reason = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"person {self.reference}"


class Step(models.Model):
    """One person at one step of one cycle (a recruit class, a promotion exam), and how it
    ended for them."""

    class Outcome(models.TextChoices):
        PASSED = "passed", "passed or selected"
        FAILED = "failed", "did not pass or was not selected"
        WITHDREW = "withdrew", "withdrew"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="steps")
    process = models.CharField(max_length=12, choices=_choices(tuple(PROCESSES)))
    cycle = models.CharField(max_length=80, db_index=True, help_text="e.g. 2025 recruit class")
    stage = models.CharField(max_length=30)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="the file it came from")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "cycle", "stage"], name="workforce_step_once")
        ]
        indexes = [models.Index(fields=["cycle", "stage"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.cycle} {self.stage}: {self.outcome}"


class Review(models.Model):
    """A flagged step: one group's impact ratio below four-fifths at one stage of one cycle,
    and what the chief equity officer found and will do about it."""

    class Status(models.TextChoices):
        OPEN = "open", "awaiting explanation"
        EXPLAINED = "explained", "explained, with actions"

    cycle = models.CharField(max_length=80)
    stage = models.CharField(max_length=30)
    dimension = models.CharField(max_length=30)
    group = models.CharField(max_length=60)
    selected = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    reference_group = models.CharField(max_length=60)
    reference_rate = models.FloatField()
    impact_ratio = models.FloatField()
    opened_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    explanation = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    explained_by = models.CharField(max_length=150, blank=True)
    explained_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "stage", "dimension", "group"], name="workforce_review_once"
            )
        ]

    def __str__(self) -> str:
        return f"review of {self.group} at {self.stage}, {self.cycle}"


class Event(models.Model):
    """What happened to an employee in the job, from the HR and internal-affairs systems: a
    complaint received, an allegation sustained, discipline imposed, training assigned,
    completed or evaluated. Counted by group per year; never scored per person."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "complaint received"
        SUSTAINED = "sustained", "allegation sustained"
        DISCIPLINE = "discipline", "discipline imposed"
        TRAINING_ASSIGNED = "training assigned", "training assigned"
        TRAINING_COMPLETED = "training completed", "training completed"
        TRAINING_PASSED = "training passed", "training evaluation passed"
        TRAINING_FAILED = "training failed", "training evaluation not passed"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField()
    detail = models.CharField(
        max_length=120,
        blank=True,
        help_text="the allegation's category, the discipline, the course",
    )
    source = models.CharField(max_length=200, blank=True, help_text="the file it came from")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "on", "detail"], name="workforce_event_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "on"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.on}"


class PopulationShare(models.Model):
    """The city's residents by group (e.g. the 2020 Census), to compare the workforce with;
    entered by the equity officer with its source."""

    dimension = models.CharField(max_length=30)
    group = models.CharField(max_length=60)
    share = models.FloatField(help_text="of all residents, 0 to 1")
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["dimension", "group"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "group"], name="workforce_population_once")
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.share:.1%}"
