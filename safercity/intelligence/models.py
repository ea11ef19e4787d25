"""Criminal intelligence under 28 CFR Part 23: records that state their criminal predicate,
reviewed out of a holding bin, kept at most five years unless validated again, purged with a
notice to everyone they were given to; every search and every dissemination logged.

A purged or rejected record keeps only its stub (number, dates, status, reason): its content
is gone from the database, while the logs that mention it stay."""

from __future__ import annotations

from datetime import date

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

    class Meta:
        ordering = ["name"]

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

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["status", "retain_until"]),
            models.Index(fields=["purge_by"]),
        ]

    def __str__(self) -> str:
        return f"Intelligence record {self.pk}"

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
