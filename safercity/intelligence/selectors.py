"""Reads of the criminal intelligence system. Every read of a record, every search (logged as
an inquiry: who searched what and why) and every look at the logs is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import and_
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_read
from safercity.core.inputs import clean_text
from safercity.core.permissions import requires
from safercity.core.roles import has_role
from safercity.intelligence.base import IntelligenceRefused
from safercity.intelligence.models import (
    Bulletin,
    BulletinRecipient,
    Conflict,
    Dissemination,
    InfoRequest,
    Inquiry,
    IntelRecord,
    ReceivedRecord,
    RecipientNotice,
    Tip,
)
from safercity.intelligence.rfi import UNIT
from safercity.intelligence.services import (
    ANALYSTS,
    LIAISONS,
    SUPERVISORS,
)

MAX_RESULTS = 50
READERS = ANALYSTS  # who may open a record: analysts and supervisors, never by kind of login
_WORD = re.compile(r"[\w'-]+")


@requires(*ANALYSTS)
def records_search(*, actor: Actor, terms: str, purpose: str) -> list[IntelRecord]:
    """Accepted records holding every word searched for (in the subject, the criminal activity
    or the content), newest first; the search is logged with its purpose, whatever it finds."""
    terms = clean_text(terms, "the search", 300)
    purpose = clean_text(purpose, "the purpose", 300)
    words = _WORD.findall(terms)[:8]
    if not words:
        raise IntelligenceRefused("say what to search for")
    if len(purpose.split()) < 2:
        raise IntelligenceRefused("say why you are searching (a case number or an inquiry)")
    # Every word, anywhere in the subject, the activity or the content (the haystack holds
    # the three in lower case; PostgreSQL answers from its trigram index).
    match = reduce(and_, (Q(haystack__contains=w.lower()) for w in words))
    found = list(
        IntelRecord.objects.in_use().filter(match).order_by("-submitted_at", "-id")[:MAX_RESULTS]
    )
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            searched_by=actor_label(actor), searched_at=timezone.now(), terms=terms,
            purpose=purpose, found=len(found), records=[r.pk for r in found],
        )  # fmt: skip
        audit_read(
            actor=actor, action="intelligence.records.search", obj=inquiry,
            detail={"found": len(found)},
        )  # fmt: skip
    return found


@requires(*READERS)
def record_read(*, actor: Actor, pk: int) -> IntelRecord:
    """One record. A submission still in the holding bin is seen only by its author and the
    supervisors who review it: it is not intelligence yet."""
    record = get_object_or_404(IntelRecord, pk=pk)
    held = record.status == IntelRecord.Status.HELD
    author = record.submitted_by_id == getattr(actor, "pk", None)
    if held and not author and not has_role(actor, *SUPERVISORS):
        raise PermissionDenied("A submission in the holding bin is seen by its reviewers only.")
    audit_read(actor=actor, action="intelligence.record.view", obj=record)
    return record


@requires(*SUPERVISORS)
def holding_bin(*, actor: Actor) -> list[IntelRecord]:
    held = list(IntelRecord.objects.filter(status=IntelRecord.Status.HELD).order_by("submitted_at"))
    audit_read(actor=actor, action="intelligence.holding.list", detail={"held": len(held)})
    return held


def due_for_review() -> QuerySet[IntelRecord]:
    """Accepted records whose period ends within the notice window (or has ended): each
    needs a review that validates it for a new period, or a purge."""
    until = timezone.localdate() + timedelta(days=settings.SAFERCITY_INTEL_REVIEW_NOTICE_DAYS)
    return (
        IntelRecord.objects.in_use().filter(retain_until__lte=until).order_by("retain_until", "id")
    )


def to_purge() -> QuerySet[IntelRecord]:
    """Found unreliable and not purged yet, with the deadline."""
    return IntelRecord.objects.found_unreliable().order_by("purge_by")


@requires(*SUPERVISORS)
def inquiry_log(*, actor: Actor, limit: int = 200) -> list[Inquiry]:
    found = list(Inquiry.objects.all()[:limit])
    audit_read(actor=actor, action="intelligence.inquiries.list", detail={"shown": len(found)})
    return found


@requires(*SUPERVISORS, *LIAISONS)
def dissemination_log(*, actor: Actor, limit: int = 200) -> list[Dissemination]:
    found = list(Dissemination.objects.select_related("partner")[:limit])
    audit_read(actor=actor, action="intelligence.disseminations.list", detail={"shown": len(found)})
    return found


def notices_pending() -> QuerySet[RecipientNotice]:
    return RecipientNotice.objects.filter(delivered_at=None).select_related(
        "dissemination__partner"
    )


def requests_open() -> QuerySet[InfoRequest]:
    """Requests still to answer, the soonest due first."""
    return InfoRequest.objects.filter(status__in=InfoRequest.WAITING).select_related(
        "partner", "assigned_to"
    )


def requests_recent(days: int = 90) -> QuerySet[InfoRequest]:
    since = timezone.now() - timedelta(days=days)
    return (
        InfoRequest.objects.exclude(status__in=InfoRequest.WAITING)
        .filter(answered_at__gte=since)
        .select_related("partner")
        .order_by("-answered_at")
    )


@requires(*UNIT)
def request_read(*, actor: Actor, pk: int) -> InfoRequest:
    request = get_object_or_404(InfoRequest.objects.select_related("partner"), pk=pk)
    audit_read(actor=actor, action="intelligence.request.view", obj=request)
    return request


@dataclass(frozen=True)
class Overdue:
    """What is late, for the supervisor: each list soonest-late first."""

    requests: list[InfoRequest]
    feedback: list[InfoRequest]
    bulletins: list[BulletinRecipient]
    tips_triage: list[Tip]
    tips_feedback: list[Tip]

    @property
    def count(self) -> int:
        return sum(
            len(part)
            for part in (self.requests, self.feedback, self.bulletins, self.tips_triage,
                         self.tips_feedback)
        )  # fmt: skip


def _late(now: datetime) -> dict[str, QuerySet[Any]]:
    """What is past its deadline at `now`, by kind, each soonest-late first."""
    return {
        "requests": requests_open().filter(due_at__lt=now).order_by("due_at"),
        "feedback": InfoRequest.objects.filter(
            status=InfoRequest.Status.ANSWERED, feedback_at=None, feedback_due_at__lt=now
        ).select_related("partner").order_by("feedback_due_at"),
        "bulletins": BulletinRecipient.objects.filter(
            feedback_at=None, bulletin__feedback_due_at__lt=now
        ).select_related("bulletin", "partner").order_by("bulletin__feedback_due_at"),
        "tips_triage": Tip.objects.filter(
            triaged_at=None, triage_due_at__lt=now
        ).order_by("triage_due_at"),
        "tips_feedback": Tip.objects.filter(first_feedback_at=None, feedback_due_at__lt=now)
        .exclude(status=Tip.Status.CLOSED).order_by("feedback_due_at"),
    }  # fmt: skip


def overdue() -> Overdue:
    return Overdue(**{kind: list(rows) for kind, rows in _late(timezone.now()).items()})


def overdue_count() -> int:
    """How many items are late (counted by the database, for the unit's home page)."""
    return sum(rows.count() for rows in _late(timezone.now()).values())


def tips_open() -> QuerySet[Tip]:
    """Tips not closed, the soonest triage deadline first (the text is not listed: it is read
    on the tip's own page, where the read is audited)."""
    return Tip.objects.exclude(status=Tip.Status.CLOSED).order_by("triage_due_at", "id")


@requires(*ANALYSTS)
def tip_read(*, actor: Actor, pk: int) -> Tip:
    tip = get_object_or_404(Tip, pk=pk)
    audit_read(actor=actor, action="intelligence.tip.view", obj=tip)
    return tip


def conflicts_untold() -> QuerySet[Conflict]:
    """The board's conflicts that one owner has not been told of."""
    return Conflict.objects.live(timezone.now()).filter(
        Q(first_told_at=None) | Q(second_told_at=None)
    )


@requires(*ANALYSTS)
def received_records(*, actor: Actor, limit: int = 200) -> list[ReceivedRecord]:
    """Records partners gave this department, newest first (purged ones as stubs)."""
    found = list(ReceivedRecord.objects.select_related("partner", "request")[:limit])
    audit_read(actor=actor, action="intelligence.received.list", detail={"shown": len(found)})
    return found


@requires(*UNIT)
def bulletin_read(*, actor: Actor, pk: int) -> Bulletin:
    bulletin = get_object_or_404(Bulletin, pk=pk)
    audit_read(actor=actor, action="intelligence.bulletin.view", obj=bulletin)
    return bulletin
