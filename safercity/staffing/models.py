import uuid

from django.conf import settings
from django.db import models


class PlanJob(models.Model):
    """A staffing plan asked for on the page: the worker makes it (forecast, shifts, weeks of
    simulated calls) while the page polls, and the finished report is kept here."""

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for the worker"
        DONE = "done", "done"
        FAILED = "failed", "could not plan"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The uploaded history, kept only until the plan is made (then emptied).
    calls = models.BinaryField(blank=True, default=b"")
    source = models.CharField(max_length=200)
    params = models.JSONField(default=dict)
    report_html = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"staffing plan {self.id} ({self.status})"


# Patrol staffing by workload (issue 18): the model's settings, each call type's time off the
# CAD, workloads built from the CAD, rosters of who was on duty, the department's units and the
# reorganization scenarios drawn on them.


class PatrolModel(models.Model):
    """The staffing model's settings (one row): the share of patrol time workload may take,
    the least on duty in a district, and one officer's year, from which the relief factor."""

    target_share = models.FloatField(
        default=0.60, help_text="most of on-duty time workload may take (0.60: ICMA's rule of 60)"
    )
    minimum_on_duty = models.PositiveSmallIntegerField(
        default=2, help_text="fewest officers on duty in a district in any hour"
    )
    scheduled_hours = models.FloatField(default=2080, help_text="an officer's scheduled hours")
    vacation_hours = models.FloatField(default=120)
    holiday_hours = models.FloatField(default=88)
    training_hours = models.FloatField(default=80)
    sick_hours = models.FloatField(default=56)
    other_hours = models.FloatField(default=40, help_text="court, light duty, other leave")
    shift_starts = models.CharField(
        max_length=40, default="7,15,23", help_text="hours the patrol shifts start, e.g. 7,15,23"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"patrol model (target {self.target_share:.0%})"


class CallTypeTime(models.Model):
    """A call type's report-writing and booking time (off the CAD, once per call), and whether
    civilian responders could take it (CPE 2022 found about 18% of SLMPD's calls could)."""

    call_type = models.CharField(max_length=20, unique=True)
    extra_minutes = models.FloatField(default=0, help_text="report writing and booking, per call")
    civilian_suitable = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["call_type"]

    def __str__(self) -> str:
        return f"{self.call_type}: +{self.extra_minutes:g} min"


class Workload(models.Model):
    """Patrol workload built from the CAD over a period: by district, call type, who started
    it and hour of the week, in an average week; with the unit times that could not be used."""

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for the worker"
        DONE = "done", "done"
        FAILED = "failed", "could not build"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    start = models.DateField()
    end = models.DateField(help_text="the day after the last day counted")
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    incidents = models.PositiveIntegerField(default=0)
    unit_times = models.PositiveIntegerField(default=0)
    weeks = models.FloatField(default=1.0)
    # {"minutes" | "calls" | "units": {"district\tcall type\t0|1": [168 numbers]}}
    cube = models.JSONField(default=dict)
    defect_counts = models.JSONField(default=dict)  # reason -> unit times
    defects = models.JSONField(default=list)  # [[incident, unit, reason]], the first DEFECTS_KEPT
    without_district = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"patrol workload {self.start} to {self.end} ({self.status})"


class RosterShift(models.Model):
    """Officers on patrol duty in a district from `starts_at` to `ends_at` (one row per post or
    per officer: `post` tells them apart; no names)."""

    district = models.CharField(max_length=20)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    officers = models.PositiveSmallIntegerField(default=1)
    post = models.CharField(max_length=40, blank=True, help_text="car, beat or badge number")
    source = models.CharField(max_length=200, help_text="the file it came from, or 'entered'")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at", "district"]
        indexes = [models.Index(fields=["starts_at", "district"])]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "starts_at", "ends_at", "post"], name="roster_shift_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="roster_shift_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officers} on duty in {self.district} from {self.starts_at:%Y-%m-%d %H:%M}"


class DepartmentUnit(models.Model):
    """A unit of the department with its sworn positions (what a reorganization moves)."""

    class Kind(models.TextChoices):
        PATROL = "patrol", "patrol"
        INVESTIGATIVE = "investigative", "investigative"
        SPECIALIZED = "specialized", "specialized"
        ADMINISTRATIVE = "administrative", "administrative"

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=15, choices=Kind.choices)
    sworn = models.PositiveIntegerField()
    functions = models.CharField(max_length=300, blank=True, help_text="comma-separated")
    source = models.CharField(max_length=300, blank=True, help_text="where the figure comes from")

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.sworn} sworn)"


class Scenario(models.Model):
    """A reorganization what-if: steps (merge, eliminate, move, civilianize) applied in order to
    the department's units, judged against the latest workload beside today."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    target_share = models.FloatField(
        null=True, blank=True, help_text="blank: the model's; e.g. 0.55 to keep 45% proactive"
    )
    steps = models.JSONField(default=list)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
