"""911 calls as the phone system reports them, and the callback every abandoned call gets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Position(models.Model):
    """A call-taker's seat. Backups take calls only once a caller has waited past rollover.

    Its agent state is the call-taker's: signed in and ready for the next call, not ready
    (with a reason), or in wrap-up after a call; the router sends calls only to ready ones."""

    class State(models.TextChoices):
        SIGNED_OUT = "signed_out", "signed out"
        READY = "ready", "ready"
        NOT_READY = "not_ready", "not ready"
        WRAP_UP = "wrap_up", "wrap-up"

    NOT_READY_REASONS = ("break", "meal", "training", "with a supervisor", "outbound call", "other")

    name = models.CharField(max_length=64, unique=True)
    languages = models.JSONField(default=list, blank=True, help_text='e.g. ["es", "vi"]')
    handles_text = models.BooleanField(default=True, help_text="takes text-to-911")
    is_backup = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SIGNED_OUT)
    state_reason = models.CharField(max_length=64, blank=True, help_text="why not ready")
    state_since = models.DateTimeField(null=True, blank=True)
    staffed_by = models.CharField(max_length=150, blank=True, help_text="who is signed in")

    class Meta:
        ordering = ["is_backup", "name"]

    def __str__(self) -> str:
        return self.name

    def can_take(self, call: Call) -> bool:
        if call.is_text and not self.handles_text:
            return False
        return call.language == "en" or call.language in self.languages


MAX_TIME_SCALE = 10_000.0  # an exercise played faster: at most this many times real time


class Call(models.Model):
    class Line(models.TextChoices):
        EMERGENCY = "911", "9-1-1"
        ADMIN = "admin", "administrative line"

    class State(models.TextChoices):
        WAITING = "waiting"
        ANSWERED = "answered"
        TRANSFERRED = "transferred"
        ABANDONED = "abandoned"
        RELEASED = "released"

    # A call that still holds (or waits for) a call-taker.
    LIVE_STATES = (State.WAITING, State.ANSWERED)

    call_id = models.CharField(max_length=64, unique=True, help_text="the phone system's id")
    line = models.CharField(max_length=5, choices=Line.choices, default=Line.EMERGENCY)
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    ani = models.CharField(max_length=32, blank=True, help_text="the caller's number")
    ali = models.CharField(max_length=300, blank=True, help_text="the location the network gave")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    language = models.CharField(max_length=8, default="en")
    is_text = models.BooleanField(default=False)
    arrived_at = models.DateTimeField(null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=64, blank=True, help_text="position that answered")
    abandoned_at = models.DateTimeField(null=True, blank=True)
    transferred_at = models.DateTimeField(null=True, blank=True)
    transferred_to = models.CharField(max_length=64, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        help_text="where the queue sent it (or who answered it)",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    rolled_to_partner_at = models.DateTimeField(null=True, blank=True)
    # An exercise (a drill, the demo's call stream) is handled like any call, marked on every
    # staff page, and left out of every published figure; played faster than real time, its
    # deadlines (the supervisor's alert, the callback) shrink by the same factor.
    exercise = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="the exercise's name; blank: real"
    )
    time_scale = models.FloatField(default=1.0, help_text="an exercise's speed-up over real time")
    # Triage (see engine/triage.py): what the call was, and who was sent.
    call_type = models.CharField(max_length=20, blank=True)
    priority_code = models.PositiveSmallIntegerField(null=True, blank=True)
    disciplines = models.JSONField(default=list, blank=True)
    clinician_eligible = models.BooleanField(default=False)
    triage_reasons = models.JSONField(default=list, blank=True)
    triage_answers = models.JSONField(default=dict, blank=True, help_text="what the caller said")
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.CharField(max_length=150, blank=True)
    service_request_id = models.PositiveIntegerField(
        null=True, blank=True, help_text="the 311 request this call became"
    )
    imported_from = models.CharField(
        max_length=200, blank=True, help_text="history: the file this call came from"
    )

    class Meta:
        indexes = [models.Index(fields=["state", "line", "arrived_at"])]
        constraints = [
            # A position handles one live call at a time: the database enforces it.
            models.UniqueConstraint(
                fields=["position"],
                condition=models.Q(state__in=["waiting", "answered"], position__isnull=False),
                name="one_live_call_per_position",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line} call {self.call_id}"

    @property
    def priority(self) -> int:
        return 0 if self.line == self.Line.EMERGENCY else 1

    @property
    def answer_seconds(self) -> float | None:
        if self.arrived_at is None or self.answered_at is None:
            return None
        return (self.answered_at - self.arrived_at).total_seconds()


class AnswerInterval(models.Model):
    """A phone system's interval report (history): calls answered per answer-time bucket in
    one interval, and those abandoned. `answered[i]` counts answers in (edges[i-1], edges[i]]
    seconds (the first bucket from 0, the last above the last edge)."""

    start = models.DateTimeField(db_index=True)
    minutes = models.PositiveSmallIntegerField(default=60)
    line = models.CharField(max_length=5, default="911")
    edges = models.JSONField(help_text="bucket edges in seconds, e.g. [10, 15, 20, 30, 60]")
    answered = models.JSONField(help_text="answered calls per bucket")
    abandoned = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=200, blank=True, help_text="the file it came from")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["start", "line"], name="one_interval_per_start_line")
        ]

    def __str__(self) -> str:
        return f"{self.line} interval {self.start:%Y-%m-%d %H:%M} ({self.minutes} min)"


class CallEvent(models.Model):
    """Every event received, kept as received: the calls are derived from these."""

    event_id = models.CharField(max_length=64, unique=True)
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12)
    at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.call.call_id} {self.at:%H:%M:%S}"


class Callback(models.Model):
    """One per abandoned call. A call-taker claims it before calling (the claim lapses after
    SAFERCITY_CALLBACK_CLAIM_S), so two never call the same person back."""

    class Outcome(models.TextChoices):
        OPEN = "open"
        REACHED = "reached", "caller reached"
        NO_ANSWER = "no_answer", "no answer (will retry)"
        NO_EMERGENCY = "no_emergency", "reached: no emergency"
        UNREACHABLE = "unreachable", "unreachable after every attempt"

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="callback")
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, default=Outcome.OPEN)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=150, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.CharField(max_length=150, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at"]

    def __str__(self) -> str:
        return f"callback for {self.call.call_id} ({self.outcome})"


class QueueAlert(models.Model):
    """Raised by the worker once a caller has waited past SAFERCITY_ALERT_S; the supervisor
    acknowledges it on the board."""

    call = models.OneToOneField(Call, on_delete=models.CASCADE, related_name="alert")
    raised_at = models.DateTimeField()
    reason = models.CharField(max_length=120)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["raised_at"]

    def __str__(self) -> str:
        return f"alert for {self.call.call_id}: {self.reason}"


class Unit(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available"
        DISPATCHED = "dispatched"
        EN_ROUTE = "en_route", "en route"
        ON_SCENE = "on_scene", "on scene"
        OUT = "out", "out of service"

    call_sign = models.CharField(max_length=20, unique=True)
    discipline = models.CharField(max_length=10)  # police, fire, ems, clinician
    co_responder = models.BooleanField(
        default=False, help_text="a clinician riding with an officer (a clinician unit)"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["call_sign"]

    def __str__(self) -> str:
        return f"{self.call_sign} ({self.discipline}, {self.status})"


class Incident(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        ACTIVE = "active"
        CLOSED = "closed"
        CANCELLED = "cancelled"

    OPEN_STATUSES = (Status.PENDING, Status.ACTIVE)

    call = models.OneToOneField(
        Call, null=True, blank=True, on_delete=models.PROTECT, related_name="incident"
    )
    call_type = models.CharField(max_length=20)
    priority = models.PositiveSmallIntegerField()
    disciplines = models.JSONField(default=list)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    entered_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=40, blank=True, help_text="how it ended")
    cancel_reason = models.CharField(max_length=200, blank=True)
    number = models.CharField(
        max_length=40, null=True, blank=True, unique=True, help_text="the CAD's incident number"
    )
    imported_from = models.CharField(max_length=200, blank=True, help_text="history: the file")
    # Patrol workload (staffing): the district the CAD gave (blank: found from the place), and
    # whether an officer started it (a traffic stop, an on-view) rather than a caller.
    district = models.CharField(max_length=20, blank=True, help_text="as the CAD names it")
    officer_initiated = models.BooleanField(default=False)

    class Meta:
        ordering = ["priority", "received_at"]
        indexes = [models.Index(fields=["status", "priority", "received_at"])]

    def __str__(self) -> str:
        return f"incident {self.pk} {self.call_type} P{self.priority}"


class Assignment(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    dispatched_at = models.DateTimeField()
    en_route_at = models.DateTimeField(null=True, blank=True)
    on_scene_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=40, blank=True, help_text="the unit's, on clearing")
    # Taken off the incident before clearing it (cancelled, or sent elsewhere).
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["dispatched_at"]

    def __str__(self) -> str:
        return f"{self.unit.call_sign} on incident {self.incident_id}"

    @property
    def open(self) -> bool:
        return self.cleared_at is None and self.cancelled_at is None

    @property
    def stage(self) -> str:
        if self.cancelled_at:
            return "cancelled"
        if self.cleared_at:
            return "cleared"
        if self.on_scene_at:
            return "on scene"
        if self.en_route_at:
            return "en route"
        return "dispatched"


class CrisisResponse(models.Model):
    """Commitment 8: for every call eligible for a clinician (or sent to one), who handled it
    and what came of it; when no clinician went, why."""

    class HandledBy(models.TextChoices):
        COUNSELOR = "counselor", "crisis counselor (911 diversion by phone)"
        CLINICIAN = "clinician", "clinician team on scene"
        CO_RESPONDER = "co_responder", "co-responder team (clinician with an officer)"
        NONE = "none", "no clinician"

    class Outcome(models.TextChoices):
        BY_PHONE = "by_phone", _("resolved by phone")
        ON_SCENE = "on_scene", _("resolved on scene")
        REFERRED = "referred", _("referred to a service")
        COMMUNITY_FACILITY = "facility", _("taken to a community facility")
        EMERGENCY_DEPARTMENT = "ed", _("taken to an emergency department")
        POLICE_BACKUP = "backup", _("police backup requested")
        ARREST = "arrest", _("arrest")

    class NoClinician(models.TextChoices):
        NONE_AVAILABLE = "none_available", _("no clinician was available")
        DECLINED = "declined", _("the caller declined")
        SAFETY = "safety", _("safety: police or EMS needed")
        OUTSIDE_HOURS = "outside_hours", _("outside the clinicians' hours")

    CLINICIAN_KINDS = (HandledBy.COUNSELOR, HandledBy.CLINICIAN, HandledBy.CO_RESPONDER)

    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="crisis")
    handled_by = models.CharField(max_length=12, choices=HandledBy.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    referred_to = models.CharField(max_length=200, blank=True, help_text="which service")
    backup_reason = models.CharField(max_length=200, blank=True)
    no_clinician_reason = models.CharField(max_length=14, choices=NoClinician.choices, blank=True)
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"crisis response to {self.call.call_id}: {self.handled_by} {self.outcome}"
