"""Commitment 3's measures, published monthly: requests and tips answered within their
deadlines, the median time to a first word to a tipster, records reviewed before their period
ended, purges, and disseminations by partner. Counts only: no record's content, no tip's text,
no person; counts of 1 to 10 are hidden, and a share is given only over more than ten items.

A request counts in the month it was made, a tip in the month it came in; one still open and
not yet due is left out until it is answered or late."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from statistics import median
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.months import month_after, month_before
from safercity.core.publication import is_small, suppress_series
from safercity.core.rollups import rollup
from safercity.intelligence.models import (
    Dissemination,
    InfoRequest,
    IntelRecord,
    RetentionDecision,
    Tip,
)

TARGET = 0.90
EXPIRED = "retention period ended without a validation"  # services.purge_due's reason
MONTHS = 12


def _bounds(first: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    return start, datetime.combine(month_after(first), time.min, tzinfo=zone)


@dataclass(frozen=True)
class MonthCounts:
    first: date
    requests: int  # made in the month and answered, declined or past due
    requests_on_time: int
    tips: int  # received in the month and written to, or past the feedback date
    tips_on_time: int
    tip_days: list[float]  # days from each tip to the first word to its tipster
    validated: int
    expired: int  # purged because nobody reviewed them in time
    unreliable: int  # purged after being found unreliable
    disseminations: int

    @property
    def answered(self) -> int:
        return self.requests + self.tips

    @property
    def answered_on_time(self) -> int:
        return self.requests_on_time + self.tips_on_time


def month_counts(first: date) -> MonthCounts:
    start, end = _bounds(first)
    now = timezone.now()
    made = InfoRequest.objects.filter(made_at__gte=start, made_at__lt=end)
    counted = made.filter(Q(answered_at__isnull=False) | Q(due_at__lt=now))
    received = Tip.objects.filter(received_at__gte=start, received_at__lt=end)
    tips = received.filter(Q(first_feedback_at__isnull=False) | Q(feedback_due_at__lt=now))
    waits = [
        (answered - came).total_seconds() / 86400
        for came, answered in received.exclude(first_feedback_at=None).values_list(
            "received_at", "first_feedback_at"
        )
        if answered is not None
    ]
    decided = RetentionDecision.objects.filter(decided_at__gte=start, decided_at__lt=end)
    purged = IntelRecord.objects.filter(purged_at__gte=start, purged_at__lt=end)
    return MonthCounts(
        first=first,
        requests=counted.count(),
        requests_on_time=counted.filter(answered_at__lte=F("due_at")).count(),
        tips=tips.count(),
        tips_on_time=tips.filter(first_feedback_at__lte=F("feedback_due_at")).count(),
        tip_days=waits,
        validated=decided.filter(decision=RetentionDecision.Decision.VALIDATED).count(),
        expired=decided.filter(decision=RetentionDecision.Decision.PURGED, reason=EXPIRED).count(),
        unreliable=purged.exclude(unreliable_since=None).count(),
        disseminations=Dissemination.objects.filter(given_at__gte=start, given_at__lt=end).count(),
    )


def _share(part: int, whole: int) -> str:
    """A share over more than ten items, or a dash: a share of a few would show the few."""
    return "—" if whole == 0 or is_small(whole) else f"{part / whole:.0%}"


def _last_complete_month(today: date) -> date:
    return month_before(today.replace(day=1))


def figures() -> list[Figure]:
    """The scorecard's line for commitment 3: last month's share on time, against 90%."""
    month = month_counts(_last_complete_month(timezone.localdate()))
    period = gettext_noop("last month")
    whole, part = month.answered, month.answered_on_time
    verdict = None if whole == 0 or is_small(whole) else part / whole >= TARGET
    rows = [
        Figure(gettext_noop("Tips and requests answered within their deadline"),
               _share(part, whole), verdict, period),
    ]  # fmt: skip
    reviewed_whole = month.validated + month.expired
    if reviewed_whole:
        rows.append(
            Figure(gettext_noop("Records reviewed before their retention period ended"),
                   _share(month.validated, reviewed_whole), month.expired == 0, period)
        )  # fmt: skip
    if len(month.tip_days) > 10:
        rows.append(
            Figure(gettext_noop("Median days to a first answer to a tipster"),
                   f"{median(month.tip_days):.1f}", None, period)
        )  # fmt: skip
    return rows


COLUMNS = (
    gettext_noop("Tips and requests due"),
    gettext_noop("Answered on time"),
    gettext_noop("Median days to answer a tipster"),
    gettext_noop("Records validated"),
    gettext_noop("Records purged unreviewed"),
    gettext_noop("Records purged as unreliable"),
    gettext_noop("Records given to partners"),
)


def _months(today: date) -> list[date]:
    firsts = [today.replace(day=1)]
    while len(firsts) < MONTHS:
        firsts.append(month_before(firsts[-1]))
    return list(reversed(firsts))


@rollup("intelligence:monthly")
def _monthly() -> dict[str, Any]:
    """The last twelve months (the latest so far), each count column suppressed as a series,
    and the year's disseminations by partner."""
    today = timezone.localdate()
    months = [month_counts(first) for first in _months(today)]

    def series(values: list[int]) -> list[str]:
        return [str(cell) for cell in suppress_series(values)[0]]

    due = series([m.answered for m in months])
    validated = series([m.validated for m in months])
    expired = series([m.expired for m in months])
    unreliable = series([m.unreliable for m in months])
    given = series([m.disseminations for m in months])
    rows = []
    for i, m in enumerate(months):
        days = f"{median(m.tip_days):.1f}" if len(m.tip_days) > 10 else "—"
        on_time = _share(m.answered_on_time, m.answered) if due[i] != "*" else "*"
        rows.append(
            {"month": m.first.strftime("%Y-%m"),
             "cells": [due[i], on_time, days, validated[i], expired[i], unreliable[i], given[i]]}
        )  # fmt: skip
    start, _ = _bounds(months[0].first)
    by_partner = list(
        Dissemination.objects.filter(given_at__gte=start, partner__isnull=False)
        .values("partner__name")
        .annotate(n=Count("id"))
        .order_by("partner__name")
    )
    cells, total = suppress_series([p["n"] for p in by_partner])
    partners = [
        {"partner": p["partner__name"], "given": str(cell)}
        for p, cell in zip(by_partner, cells, strict=True)
    ]
    return {
        "columns": list(COLUMNS),
        "rows": rows,
        "partners": partners,
        "partners_total": str(total),
        "through": today.isoformat(),
    }
