"""Group violence intervention, group level only: the groups a group audit names, their
aliases, areas and relations to one another, and the audit sessions that assert them.

Nothing here describes a person. Every assertion about a group (an alias, an area, a
relation) says where it came from, when, who entered it and how sure it is, and expires unless
an audit session confirms it again: an expired assertion leaves every page and analysis and is
purged once its retention has passed (`assertions_purge`)."""

from __future__ import annotations

from datetime import date

from django.db import models


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "confirmed (more than one independent source)"
    PROBABLE = "probable", "probable (one reliable source)"
    POSSIBLE = "possible", "possible (to be checked at the next audit)"


class AuditSession(models.Model):
    """A group audit: front-line staff and partners meet and say what they know, by role."""

    held_on = models.DateField()
    scope = models.CharField(max_length=200, help_text="the area or groups the session covered")
    participant_roles = models.JSONField(
        default=list, help_text="who took part, by role (never by name): patrol, outreach..."
    )
    notes = models.TextField(blank=True)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Group audit of {self.held_on:%Y-%m-%d}: {self.scope}"


class Group(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        INACTIVE = "inactive", "inactive"
        DISSOLVED = "dissolved", "dissolved"

    name = models.CharField(max_length=120, unique=True, help_text="the name the program uses")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    first_named_at = models.ForeignKey(
        AuditSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Assertion(models.Model):
    """What every statement about a group carries: its source, date, author, confidence and
    the day it expires unless confirmed again."""

    source = models.CharField(max_length=300, help_text="where this came from (a report, a role)")
    asserted_on = models.DateField()
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()
    session = models.ForeignKey(
        AuditSession, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.ForeignKey(
        AuditSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="the last audit session that confirmed it",
    )
    expires_on = models.DateField(db_index=True)

    class Meta:
        abstract = True

    def is_current(self, today: date) -> bool:
        return self.expires_on >= today


class GroupAlias(Assertion):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(max_length=120)

    class Meta:
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.group}: also {self.alias}"


class GroupArea(Assertion):
    """Where a group is active: a polygon (GeoJSON, WGS84), named for people reading it."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="areas")
    label = models.CharField(max_length=120, help_text="blocks or a landmark, in words")
    geometry = models.JSONField(help_text="a GeoJSON Polygon or MultiPolygon, WGS84")

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return f"{self.group}: {self.label}"


class GroupRelation(Assertion):
    class Kind(models.TextChoices):
        RIVAL = "rival", "rival"
        ALLY = "ally", "ally"
        NEUTRAL = "neutral", "neutral"

    group_a = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    group_b = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    basis = models.CharField(max_length=300, help_text="what shows it: a dispute, an incident")

    class Meta:
        ordering = ["group_a__name", "group_b__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(group_a__lt=models.F("group_b")),
                name="relation_pair_in_order",
                violation_error_message="a relation joins two different groups, stored in order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_a} and {self.group_b}: {self.kind}"


class IncidentReview(models.Model):
    """A homicide or firearm assault from the crime records, reviewed for group involvement.
    SLMPD's codes do not tell a shooting from a threat with a gun: the reviewer says so."""

    class Involvement(models.TextChoices):
        PENDING = "pending", "not reviewed yet"
        VICTIM = "victim", "a group member was the victim"
        SUSPECT = "suspect", "a group member was the suspect"
        BOTH = "both", "group members on both sides"
        NONE = "none", "no group involvement"
        UNKNOWN = "unknown", "reviewed: cannot tell"

    class Motive(models.TextChoices):
        GROUP_DISPUTE = "group_dispute", "dispute between groups"
        RETALIATION = "retaliation", "retaliation"
        INTERNAL = "internal", "dispute within a group"
        ROBBERY = "robbery", "robbery or drugs"
        DOMESTIC = "domestic", "domestic"
        PERSONAL = "personal", "personal dispute, not group-related"
        OTHER = "other", "other"
        UNKNOWN = "unknown", "unknown"

    record = models.OneToOneField(
        "crime.CrimeRecord", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    identity = models.CharField(max_length=64, unique=True, help_text="the record's identity")
    fatal = models.BooleanField(help_text="a homicide (else a firearm assault)")
    occurred_on = models.DateField(db_index=True)
    district = models.PositiveSmallIntegerField(default=0)
    neighborhood_number = models.PositiveSmallIntegerField(default=0)
    shooting = models.BooleanField(
        null=True, blank=True, help_text="was anyone shot? (None until reviewed)"
    )
    involvement = models.CharField(
        max_length=8, choices=Involvement.choices, default=Involvement.PENDING, db_index=True
    )
    groups = models.ManyToManyField(Group, blank=True, related_name="incident_reviews")
    motive = models.CharField(max_length=14, choices=Motive.choices, blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, blank=True)
    reviewed_by = models.CharField(max_length=150, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "pk"]

    def __str__(self) -> str:
        kind = "Homicide" if self.fatal else "Firearm assault"
        return f"{kind} of {self.occurred_on:%Y-%m-%d}, district {self.district}"

    @property
    def group_connected(self) -> bool:
        return self.involvement in (self.Involvement.VICTIM, self.Involvement.SUSPECT,
                                    self.Involvement.BOTH)  # fmt: skip


class Intervention(models.Model):
    """What the program did with a group: a call-in, a custom notification, outreach, a
    mediation, or an enforcement action. Enforcement is refused without a prior notice to the
    group and a triggering incident involving it after that notice (GVI's prior-notice rule)."""

    class Kind(models.TextChoices):
        CALL_IN = "call_in", "call-in"
        NOTIFICATION = "notification", "custom notification"
        OUTREACH = "outreach", "outreach contact"
        MEDIATION = "mediation", "mediation"
        ENFORCEMENT = "enforcement", "group enforcement action"

    class Outcome(models.TextChoices):
        DELIVERED = "delivered", "delivered"
        REFUSED = "refused", "refused"
        NOT_FOUND = "not_found", "not found"
        HELD = "held", "held"

    NOTICES = (Kind.CALL_IN, Kind.NOTIFICATION)

    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField(db_index=True)
    groups = models.ManyToManyField(Group, related_name="interventions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    by_roles = models.JSONField(default=list, help_text="partner roles that took part")
    attended = models.PositiveIntegerField(null=True, blank=True, help_text="a call-in's count")
    services_offered = models.CharField(max_length=300, blank=True)
    referrals = models.PositiveIntegerField(default=0, help_text="referrals made, a count")
    notice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="enforcement: the prior call-in or notification to the group",
    )  # fmt: skip
    trigger = models.ForeignKey(
        IncidentReview, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="enforcement: the incident after the notice that triggered it",
    )  # fmt: skip
    legal_basis = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.on:%Y-%m-%d}"


class ShootingReview(models.Model):
    """The weekly shooting review: partners go through the shootings since the last one,
    decide a response to each, and give action items owners and due dates."""

    held_on = models.DateField(unique=True)
    participant_roles = models.JSONField(default=list, help_text="who took part, by role")
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"Shooting review of {self.held_on:%Y-%m-%d}"


class ReviewDecision(models.Model):
    meeting = models.ForeignKey(ShootingReview, on_delete=models.CASCADE, related_name="decisions")
    incident = models.ForeignKey(IncidentReview, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=500)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "incident"], name="one_decision_each")
        ]

    def __str__(self) -> str:
        return self.decision


class ActionItem(models.Model):
    meeting = models.ForeignKey(ShootingReview, on_delete=models.CASCADE, related_name="actions")
    incident = models.ForeignKey(
        IncidentReview, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.CharField(max_length=300)
    owner_role = models.CharField(max_length=40, help_text="the partner role that owns it")
    due_on = models.DateField(db_index=True)
    done_on = models.DateField(null=True, blank=True)
    done_note = models.CharField(max_length=300, blank=True)
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description

    def overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today


class NotificationRecipient(models.Model):
    """The one place a person appears: the recipient of a custom notification, entered by
    program staff with the basis for notifying them, so the notification can be delivered.
    Never scored, ranked, listed or exported; never shown to the police partner; every read
    audited; deleted on `purge_on` (SAFERCITY_GVI_RECIPIENT_DAYS after the notification)
    unless program staff extend it, with a reason, at a review."""

    notification = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="recipients"
    )
    name = models.CharField(max_length=120)
    basis = models.CharField(max_length=300, help_text="why this person is notified")
    entered_by = models.CharField(max_length=150)
    entered_at = models.DateTimeField()
    purge_on = models.DateField(db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Recipient of the {self.notification}"


class ReferralCount(models.Model):
    """How an intervention's referrals to one provider went, as counts: people referred,
    accepted by the provider, who started the service, who completed it. Person-level
    participation stays with the provider (its own case records)."""

    class Service(models.TextChoices):
        JOBS = "jobs", "jobs and job training"
        CBT = "cbt", "cognitive behavioural therapy"
        EDUCATION = "education", "education"
        RELOCATION = "relocation", "relocation"
        SUBSTANCE = "substance", "substance-use treatment"
        MENTAL_HEALTH = "mental_health", "mental-health care"
        HOUSING = "housing", "housing"
        MENTORING = "mentoring", "life coaching and mentoring"
        OTHER = "other", "other"

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="referral_counts"
    )
    service = models.CharField(max_length=14, choices=Service.choices)
    provider = models.CharField(max_length=120)
    referred = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    updated_by = models.CharField(max_length=150)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["service", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "service", "provider"], name="one_count_per_provider"
            ),
            models.CheckConstraint(
                condition=models.Q(completed__lte=models.F("started"))
                & models.Q(started__lte=models.F("accepted"))
                & models.Q(accepted__lte=models.F("referred")),
                name="referral_funnel_narrows",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} at {self.provider}"
