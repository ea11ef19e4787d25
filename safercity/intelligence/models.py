"""Criminal intelligence under 28 CFR Part 23: records that state their criminal predicate,
reviewed out of a holding bin, kept at most five years unless validated again, purged with a
notice to everyone they were given to; every search and every dissemination logged.

A purged or rejected record keeps only its stub (number, dates, status, reason): its content
is gone from the database, while the logs that mention it stay."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.db import models


class Partner(models.Model):
    """A law-enforcement agency records may be given to, only while an agreement binding it to
    the same rules (28 CFR 23.20(f)) is on file and in force."""

    name = models.CharField(max_length=200, unique=True)
    jurisdiction = models.CharField(max_length=200, blank=True)
    agreement_reference = models.CharField(
        max_length=200, blank=True, help_text="the signed agreement's number or file name"
    )
    agreement_signed_on = models.DateField(null=True, blank=True)
    agreement_until = models.DateField(null=True, blank=True)
    binds_to_part_23 = models.BooleanField(
        default=False, help_text="the agreement binds the partner to 28 CFR Part 23's rules"
    )
    contact = models.CharField(max_length=200, blank=True, help_text="a desk, not a person")
    # The partner's own SaferCity installation, when it has one: requests, answers, feedback,
    # purge notices and operations go to it over the exchange API, signed with this
    # installation's key; what it sends is checked against its public key.
    exchange_url = models.URLField(blank=True, help_text="its installation, e.g. https://...")
    exchange_key_id = models.CharField(
        max_length=100, blank=True, help_text="the key id it signs with"
    )
    exchange_public_key = models.TextField(
        blank=True, help_text="its Ed25519 public key (PEM), from its exchange page"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange_key_id"], condition=~models.Q(exchange_key_id=""),
                name="partner_key_id_once",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def agreement_holds(self, on: date) -> bool:
        return bool(
            self.binds_to_part_23
            and self.agreement_reference
            and self.agreement_signed_on
            and self.agreement_signed_on <= on
            and (self.agreement_until is None or on <= self.agreement_until)
        )


class SourceReliability(models.TextChoices):
    """The submitting agency's judgement of the source (the 4x4 system's letters)."""

    RELIABLE = "A", "A: reliable"
    USUALLY = "B", "B: usually reliable"
    UNRELIABLE = "C", "C: unreliable"
    UNKNOWN = "X", "X: reliability cannot be judged"


class ContentValidity(models.TextChoices):
    CONFIRMED = "1", "1: confirmed"
    PROBABLE = "2", "2: probably true"
    DOUBTFUL = "3", "3: doubtful"
    UNKNOWN = "4", "4: cannot be judged"


class RecordQuerySet(models.QuerySet["IntelRecord"]):
    def in_use(self) -> RecordQuerySet:
        """Accepted and not found unreliable: the only records searched, given out or kept."""
        return self.filter(status=IntelRecord.Status.ACCEPTED, unreliable_since=None)

    def found_unreliable(self) -> RecordQuerySet:
        """Found unreliable and not purged yet."""
        return self.filter(status=IntelRecord.Status.ACCEPTED, unreliable_since__isnull=False)


class IntelRecord(models.Model):
    class Status(models.TextChoices):
        HELD = "held", "in the holding bin, not reviewed"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected at review"
        PURGED = "purged", "purged"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    # What the record says; blanked when it is rejected or purged.
    subject = models.CharField(max_length=300, help_text="who or what the record is about")
    criminal_activity = models.CharField(max_length=300, help_text="the criminal activity")
    predicate = models.TextField(help_text="why there is reasonable suspicion of involvement")
    relevance = models.TextField(help_text="how the information is relevant to that activity")
    content = models.TextField()
    source_reliability = models.CharField(max_length=1, choices=SourceReliability.choices)
    content_validity = models.CharField(max_length=1, choices=ContentValidity.choices)
    submitting_agency = models.CharField(max_length=200)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    # The review out of the holding bin.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    checklist = models.JSONField(default=dict, blank=True, help_text="{question: answer}")
    rejection_reason = models.TextField(blank=True)
    retain_until = models.DateField(null=True, blank=True)
    # Found unreliable or misleading: out of every search at once, purged by purge_by.
    unreliable_since = models.DateTimeField(null=True, blank=True)
    unreliable_reason = models.TextField(blank=True)
    purge_by = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    purge_reason = models.TextField(blank=True)
    # What a search reads: subject, activity and content in lower case, in one column that
    # PostgreSQL indexes by trigrams (migration 0004); blanked with the rest.
    haystack = models.TextField(blank=True, editable=False)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "retain_until"]),
            models.Index(fields=["purge_by"]),
            # The records in use, newest first: a search for common words reads them in this
            # order and stops at the fiftieth match instead of sorting thousands.
            models.Index(
                fields=["-submitted_at", "-id"], name="intel_record_newest_in_use",
                condition=models.Q(status="accepted", unreliable_since=None),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Intelligence record {self.pk}"

    def fill_haystack(self) -> None:
        self.haystack = " ".join((self.subject, self.criminal_activity, self.content)).lower()

    @property
    def searchable(self) -> bool:
        return self.status == self.Status.ACCEPTED and self.unreliable_since is None


class RetentionDecision(models.Model):
    """A review before the record's period ends: validated (with a new period) or purged;
    who decided, when and why."""

    class Decision(models.TextChoices):
        VALIDATED = "validated"
        PURGED = "purged"

    record = models.ForeignKey(IntelRecord, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    decided_by = models.CharField(max_length=200)
    decided_at = models.DateTimeField()
    retain_until = models.DateField(null=True, blank=True, help_text="the new period's end")

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"Record {self.record_id} {self.decision} on {self.decided_at:%Y-%m-%d}"


class Inquiry(models.Model):
    """Who searched for what, and why: every search, whatever it found."""

    searched_by = models.CharField(max_length=200)
    searched_at = models.DateTimeField()
    terms = models.CharField(max_length=300)
    purpose = models.CharField(max_length=300)
    found = models.PositiveIntegerField()
    records = models.JSONField(default=list, help_text="the numbers of the records it showed")

    class Meta:
        ordering = ["-searched_at", "-id"]
        verbose_name_plural = "inquiries"

    def __str__(self) -> str:
        return f"Search by {self.searched_by} on {self.searched_at:%Y-%m-%d}"


class Dissemination(models.Model):
    """A record given outside the unit: to whom, on what need and right to know, when and by
    whom (28 CFR 23.20(g)). An imminent-danger assessment may go to someone without an
    agreement; it is recorded as such."""

    record = models.ForeignKey(IntelRecord, on_delete=models.PROTECT, related_name="given")
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="received"
    )
    recipient = models.CharField(max_length=200, help_text="the desk or official it went to")
    need_to_know = models.TextField()
    right_to_know = models.TextField()
    imminent_danger = models.BooleanField(default=False)
    assessment = models.TextField(blank=True, help_text="what was said, for imminent danger")
    given_by = models.CharField(max_length=200)
    given_at = models.DateTimeField()

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"Record {self.record_id} to {self.recipient} on {self.given_at:%Y-%m-%d}"


class RecipientNotice(models.Model):
    """A record given out was purged as unreliable: every recipient is told to purge it too."""

    dissemination = models.ForeignKey(
        Dissemination, on_delete=models.PROTECT, related_name="notices"
    )
    reason = models.TextField()
    made_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-made_at", "-id"]

    def __str__(self) -> str:
        return f"Notice for dissemination {self.dissemination_id}"


class Priority(models.TextChoices):
    """How soon a request must be answered; the hours are the city's setting."""

    URGENT = "urgent", "urgent"
    PRIORITY = "priority", "priority"
    ROUTINE = "routine", "routine"


class InfoRequest(models.Model):
    """A request for information: made inside the department, by this department to a partner,
    or by a partner to this department; assigned, answered or declined by its deadline, and
    then the requester says whether the answer was useful and what it led to."""

    class Direction(models.TextChoices):
        INTERNAL = "internal", "inside the department"
        OUTGOING = "outgoing", "to a partner agency"
        INCOMING = "incoming", "from a partner agency"

    class Status(models.TextChoices):
        OPEN = "open", "open, not assigned"
        ASSIGNED = "assigned", "assigned"
        ANSWERED = "answered", "answered"
        DECLINED = "declined", "declined"

    WAITING = (Status.OPEN, Status.ASSIGNED)  # not answered or declined yet

    direction = models.CharField(max_length=10, choices=Direction.choices)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="requests"
    )
    requested_by = models.CharField(max_length=200, help_text="the desk or official asking")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="the person here who asked, and who gives the feedback",
    )  # fmt: skip
    priority = models.CharField(max_length=10, choices=Priority.choices)
    question = models.TextField()
    purpose = models.TextField(help_text="the law-enforcement purpose: the need to know")
    made_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    assigned_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True, help_text="the answer, or why it was declined")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)
    feedback_due_at = models.DateTimeField(null=True, blank=True)
    useful = models.BooleanField(null=True, blank=True)
    led_to = models.TextField(blank=True, help_text="what the answer led to")
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.CharField(max_length=200, blank=True)
    # The same request's number at the partner's installation, once the exchange delivered it.
    remote_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"Request {self.pk}"

    def on_time(self) -> bool | None:
        """Answered or declined by the deadline; None while still open."""
        return None if self.answered_at is None else self.answered_at <= self.due_at


class Bulletin(models.Model):
    """A bulletin sent to desks and partner agencies, each of which owes feedback by a date."""

    class Kind(models.TextChoices):
        OFFICER_SAFETY = "officer_safety", "officer safety"
        TREND = "trend", "crime trend or pattern"
        WANTED = "wanted", "wanted or missing"
        OTHER = "other", "other"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    issued_by = models.CharField(max_length=200)
    issued_at = models.DateTimeField()
    feedback_due_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.title


class BulletinRecipient(models.Model):
    """One desk or agency a bulletin went to, and the feedback it gave."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="recipients")
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="bulletins"
    )
    desk = models.CharField(max_length=200, help_text="the desk or unit it went to")
    useful = models.BooleanField(null=True, blank=True)
    led_to = models.TextField(blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["desk", "id"]

    def __str__(self) -> str:
        return f"{self.bulletin_id} to {self.desk}"


class Tip(models.Model):
    """An anonymous tip from the public. Nothing about the sender is kept: no address, no
    device, no name unless they write one. The sender holds a key (only its hash is stored)
    to read the status, answer the coordinator's questions and see the outcome."""

    class Status(models.TextChoices):
        RECEIVED = "received", "received"
        UNDER_REVIEW = "under_review", "under review"
        PASSED_ON = "passed_on", "passed on"
        CLOSED = "closed", "closed"

    class Route(models.TextChoices):
        SUBMISSION = "submission", "an intelligence submission"
        REQUEST = "request", "a request for information"
        REFERRAL = "referral", "a referral to a case or unit"
        NO_ACTION = "no_action", "no action"

    class Outcome(models.TextChoices):
        ARREST = "arrest", "an arrest"
        CLEARED = "cleared", "a case cleared"
        INVESTIGATING = "investigating", "under investigation"
        UNFOUNDED = "unfounded", "unfounded"
        DUPLICATE = "duplicate", "a duplicate of an earlier tip"
        NO_ACTION = "no_action", "no action possible"

    key_hash = models.CharField(max_length=64, unique=True)
    about = models.CharField(max_length=20)
    text = models.TextField()
    where = models.CharField(max_length=300, blank=True)
    when = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    triage_due_at = models.DateTimeField()
    feedback_due_at = models.DateTimeField()
    first_feedback_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.CharField(max_length=200, blank=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    record = models.ForeignKey(
        IntelRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips"
    )
    request = models.ForeignKey(
        InfoRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="tips"
    )
    referred_to = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status_checks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "triage_due_at"])]

    def __str__(self) -> str:
        return f"Tip {self.pk}"


class TipMessage(models.Model):
    """The two-way conversation on a tip: the coordinator asks, the tipster answers."""

    class From(models.TextChoices):
        TIPSTER = "tipster", "the tipster"
        COORDINATOR = "coordinator", "the coordinator"

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=12, choices=From.choices)
    body = models.TextField()
    sent_at = models.DateTimeField()
    sent_by = models.CharField(max_length=200, blank=True, help_text="the coordinator's name")

    class Meta:
        ordering = ["sent_at", "id"]

    def __str__(self) -> str:
        return f"Message on tip {self.tip_id}"


class Operation(models.Model):
    """A planned operation registered for deconfliction: where (a point and a radius) and when;
    overlapping operations, from this department or any partner, are flagged to both owners."""

    class Kind(models.TextChoices):
        WARRANT = "warrant", "warrant service"
        SURVEILLANCE = "surveillance", "surveillance"
        UNDERCOVER = "undercover", "undercover or buy"
        RAID = "raid", "search or raid"
        OTHER = "other", "other"

    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="operations",
        help_text="empty for this department's own operations",
    )  # fmt: skip
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reference = models.CharField(max_length=100, help_text="the owner's case or plan number")
    place = models.CharField(max_length=300)
    latitude = models.FloatField()
    longitude = models.FloatField()
    radius_m = models.PositiveIntegerField(default=150)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    contact = models.CharField(max_length=200, help_text="who to call, day and night")
    registered_by = models.CharField(max_length=200)
    registered_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # A partner's operation its installation sent: its number there.
    remote_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"

    @property
    def owner(self) -> str:
        return self.partner.name if self.partner else settings.SAFERCITY_AGENCY_NAME


class ConflictQuerySet(models.QuerySet["Conflict"]):
    def live(self, now: datetime) -> ConflictQuerySet:
        """Conflicts between two operations neither over at `now` nor cancelled."""
        return self.filter(
            first__ends_at__gt=now, second__ends_at__gt=now,
            first__cancelled_at=None, second__cancelled_at=None,
        )  # fmt: skip


class Conflict(models.Model):
    """Two operations overlapping in place and time; each owner acknowledges it."""

    first = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField()
    distance_m = models.PositiveIntegerField()
    first_told_at = models.DateTimeField(null=True, blank=True)
    second_told_at = models.DateTimeField(null=True, blank=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-found_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="conflict_once"),
        ]

    def __str__(self) -> str:
        return f"Conflict {self.first_id} / {self.second_id}"


class OutboundMessage(models.Model):
    """A message for a partner's installation, written in the same transaction as what it
    tells, and delivered by the task worker until the partner's receipt comes back: the
    exchange's outbox. Its id is the idempotency key: sent twice, it is received once."""

    class Kind(models.TextChoices):
        REQUEST = "request", "a request for information"
        ANSWER = "answer", "an answer to its request"
        FEEDBACK = "feedback", "feedback on its answer"
        NOTICE = "notice", "a purge notice"
        RECORD = "record", "a record given to it"
        OPERATION = "operation", "a planned operation"

    id = models.UUIDField(primary_key=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    payload = models.JSONField()
    made_at = models.DateTimeField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt = models.JSONField(null=True, blank=True, help_text="what the partner answered")
    last_error = models.TextField(blank=True)
    given_up_at = models.DateTimeField(null=True, blank=True)
    # What the message is about here, so the receipt can be applied to it.
    request = models.ForeignKey(
        InfoRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notice = models.ForeignKey(
        RecipientNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    operation = models.ForeignKey(
        "Operation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-made_at"]
        indexes = [models.Index(fields=["delivered_at", "given_up_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.partner}"


class InboundMessage(models.Model):
    """A message a partner's installation sent, kept with what it did here: the exchange's
    inbox. The same message id from the same partner is answered with the same receipt."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="inbox")
    message_id = models.UUIDField()
    kind = models.CharField(max_length=12, choices=OutboundMessage.Kind.choices)
    received_at = models.DateTimeField()
    digest = models.CharField(max_length=64, help_text="SHA-256 of the body as received")
    receipt = models.JSONField()

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "message_id"], name="inbound_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.partner}"


class ReceivedRecord(models.Model):
    """A criminal intelligence record a partner gave this department (in answer to a
    request): kept with its labels, and purged when the partner's notice says so."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="records_given")
    remote_number = models.CharField(max_length=40)
    request = models.ForeignKey(
        InfoRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="received"
    )
    subject = models.CharField(max_length=300)
    criminal_activity = models.CharField(max_length=300)
    content = models.TextField()
    source_reliability = models.CharField(max_length=1, choices=SourceReliability.choices)
    content_validity = models.CharField(max_length=1, choices=ContentValidity.choices)
    received_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)
    purge_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "remote_number"], name="received_once"),
        ]

    def __str__(self) -> str:
        return f"Record {self.remote_number} from {self.partner}"
