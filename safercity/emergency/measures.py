"""Commitment 4's live figures: NENA-STA-020.1 for the current month, and callbacks."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from safercity.accountability.registry import Figure
from safercity.core.publication import is_small
from safercity.emergency.engine.nena import answer_times
from safercity.emergency.models import Call, Callback


def _month_so_far() -> tuple[datetime, datetime, str]:
    """From the first of this month (city time) to now, and how to say so. Both bounds: a
    call dated in the future (a wrong clock) stays out of this month's figures."""
    now = timezone.localtime()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, now, f"{now:%B %Y} so far"


def clinician_figures() -> list[Figure]:
    """Commitment 8: eligible behavioural-health calls that a clinician went to."""
    start, end, period = _month_so_far()
    eligible = Call.objects.filter(clinician_eligible=True, arrived_at__range=(start, end))
    total = eligible.count()
    label = "Eligible calls routed to a clinician"
    if total == 0:
        return [Figure(label, "no eligible calls yet", None, period)]
    if is_small(total):
        return [Figure(label, "too few calls to publish", None, period)]
    routed = sum(
        1
        for disciplines in eligible.values_list("disciplines", flat=True)
        if "clinician" in disciplines
    )
    share = routed / total
    return [Figure(label, f"{share:.1%}", share >= 0.75, period)]


def figures() -> list[Figure]:
    start, end, period = _month_so_far()
    calls = [
        (arrived, answered)
        for arrived, answered in Call.objects.filter(
            line=Call.Line.EMERGENCY, arrived_at__range=(start, end)
        ).values_list("arrived_at", "answered_at")
        if arrived is not None
    ]
    if not calls:
        return [Figure("911 calls answered within 15 s", "no calls yet", None, period)]
    if is_small(len(calls)):
        return [Figure("911 calls answered within 15 s", "too few calls to publish", None, period)]
    arrivals = [timezone.localtime(a) for a, _ in calls]
    seconds = [(b - a).total_seconds() if b else None for a, b in calls]
    [month] = answer_times(arrivals, seconds, "month")
    due = Callback.objects.filter(call__arrived_at__range=(start, end))
    done_in_time = sum(1 for c in due if c.completed_at is not None and c.completed_at <= c.due_at)
    rows = [
        Figure(
            "911 calls answered within 15 s",
            f"{month.within_15:.1%}",
            month.within_15 >= 0.90,
            period,
        ),
        Figure(
            "911 calls answered within 20 s",
            f"{month.within_20:.1%}",
            month.within_20 >= 0.95,
            period,
        ),
    ]
    total = due.count()
    if total and not is_small(total):
        share = done_in_time / total
        rows.append(
            Figure("Abandoned calls called back in time", f"{share:.1%}", share >= 1.0, period)
        )
    return rows
