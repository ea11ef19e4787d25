"""Commitments 4 and 8's live figures: NENA-STA-020.1 for the current month and callbacks;
crisis calls handled by clinicians, their outcomes, response times and repeat calls."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.months import month_after, month_before
from safercity.core.publication import is_small
from safercity.core.rollups import rollup
from safercity.emergency.engine.crisis import Contact, percentile, repeats
from safercity.emergency.engine.nena import answer_times
from safercity.emergency.exercises import exercise_call_ids
from safercity.emergency.models import Assignment, Call, Callback, CrisisResponse


def _month_so_far() -> tuple[datetime, datetime, str]:
    """From the first of this month (city time) to now, and how to say so. Both bounds: a
    call dated in the future (a wrong clock) stays out of this month's figures."""
    now = timezone.localtime()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return start, now, f"{now:%B %Y} so far"


def clinician_figures() -> list[Figure]:
    """Commitment 8: eligible behavioural-health calls a clinician or counselor handled, and
    how many callers called again within 30 days."""
    start, end, period = _month_so_far()
    month = crisis_month(start, end)
    label = gettext_noop("Eligible calls handled by a clinician or counselor")
    if month.eligible == 0:
        return [Figure(label, gettext_noop("no eligible calls yet"), None, period)]
    if is_small(month.eligible):
        return [Figure(label, gettext_noop("too few calls to publish"), None, period)]
    share = month.by_clinician / month.eligible
    rows = [Figure(label, f"{share:.1%}", share >= 0.75, period)]
    last = crisis_month(month_before(start), end)
    if last.repeat_30_followed and not is_small(last.repeat_30_followed):
        repeat = last.repeat_30 / last.repeat_30_followed
        rows.append(
            Figure(
                gettext_noop("Crisis callers who called again within 30 days"),
                f"{repeat:.1%}",
                None,
                f"{last.month:%B %Y}",
            )
        )
    return rows


# The scorecard shows the standard's own definition and says so (the NENA report shows both):
# of all calls, abandoned ones counting as not answered in time. Labels are English in the
# snapshot; the scorecard says them in the reader's language.
WITHIN_15 = gettext_noop(
    "911 calls answered within 15 s, of all calls, abandoned ones counting as not answered in time"
)
WITHIN_20 = gettext_noop(
    "911 calls answered within 20 s, of all calls, abandoned ones counting as not answered in time"
)


def figures() -> list[Figure]:
    start, end, period = _month_so_far()
    calls = [
        (arrived, answered)
        for arrived, answered in Call.objects.filter(
            line=Call.Line.EMERGENCY, arrived_at__range=(start, end), exercise=""
        ).values_list("arrived_at", "answered_at")
        if arrived is not None
    ]
    if not calls:
        return [Figure(WITHIN_15, gettext_noop("no calls yet"), None, period)]
    if is_small(len(calls)):
        return [Figure(WITHIN_15, gettext_noop("too few calls to publish"), None, period)]
    arrivals = [timezone.localtime(a) for a, _ in calls]
    seconds = [(b - a).total_seconds() if b else None for a, b in calls]
    [month] = answer_times(arrivals, seconds, "month")
    due = Callback.objects.filter(call__arrived_at__range=(start, end), call__exercise="")
    done_in_time = sum(1 for c in due if c.completed_at is not None and c.completed_at <= c.due_at)
    rows = [
        Figure(WITHIN_15, f"{month.within_15:.1%}", month.within_15 >= 0.90, period),
        Figure(WITHIN_20, f"{month.within_20:.1%}", month.within_20 >= 0.95, period),
    ]
    total = due.count()
    if total and not is_small(total):
        share = done_in_time / total
        rows.append(
            Figure(
                gettext_noop("Abandoned calls called back in time"),
                f"{share:.1%}",
                share >= 1.0,
                period,
            )
        )
    return rows


def crisis_calls() -> Q:
    """Calls commitment 8 is about: eligible for a clinician, sent to the crisis line, or
    with a clinician unit sent."""
    return (
        Q(clinician_eligible=True)
        | Q(transferred_to=settings.SAFERCITY_CRISIS_LINE)
        | Q(incident__assignments__unit__discipline="clinician")
    )


@dataclass(frozen=True)
class CrisisMonth:
    month: str  # "2026-11"
    eligible: int
    recorded: int
    by_clinician: int
    outcomes: dict[str, int]
    no_clinician: dict[str, int]
    clinician_minutes_p50: float | None
    clinician_minutes_p90: float | None
    repeat_30_followed: int
    repeat_30: int
    repeat_90_followed: int
    repeat_90: int


def crisis_month(start: datetime, now: datetime) -> CrisisMonth:
    begin, end = start, month_after(start)
    calls = list(
        Call.objects.filter(crisis_calls(), arrived_at__gte=begin, arrived_at__lt=end, exercise="")
        .distinct()
        .select_related("crisis")
    )
    records = [c.crisis for c in calls if hasattr(c, "crisis")]
    kinds = {h.value for h in CrisisResponse.CLINICIAN_KINDS}
    outcomes = {value: 0 for value in CrisisResponse.Outcome.values}
    reasons = {value: 0 for value in CrisisResponse.NoClinician.values}
    for entry in records:
        if entry.outcome:
            outcomes[entry.outcome] += 1
        if entry.no_clinician_reason:
            reasons[entry.no_clinician_reason] += 1
    assignments = Assignment.objects.filter(
        unit__discipline="clinician",
        incident__received_at__gte=begin,
        incident__received_at__lt=end,
        on_scene_at__isnull=False,
    ).exclude(incident__call_id__in=exercise_call_ids())  # an exercise's: not published
    on_scene = assignments.values_list("dispatched_at", "on_scene_at")
    minutes = [(arrived - sent).total_seconds() / 60 for sent, arrived in on_scene if arrived]
    index = [Contact(c.arrived_at, c.ani, c.ali) for c in calls if c.arrived_at]
    numbers = {c.ani for c in calls if c.ani}
    places = {c.ali for c in calls if c.ali}
    later = Call.objects.filter(
        Q(ani__in=numbers) | Q(ali__in=places),
        arrived_at__gt=begin,
        arrived_at__lte=end + timedelta(days=90),
        exercise="",
    ).values_list("arrived_at", "ani", "ali")
    others = [Contact(at, ani, ali) for at, ani, ali in later if at]
    within_30, within_90 = repeats(index, others, 30, now), repeats(index, others, 90, now)
    return CrisisMonth(
        month=f"{begin:%Y-%m}",
        eligible=len(calls),
        recorded=sum(1 for r in records if r.outcome or r.no_clinician_reason),
        by_clinician=sum(1 for r in records if r.handled_by in kinds),
        outcomes=outcomes,
        no_clinician=reasons,
        clinician_minutes_p50=percentile(minutes, 0.5),
        clinician_minutes_p90=percentile(minutes, 0.9),
        repeat_30_followed=within_30.followed,
        repeat_30=within_30.repeated,
        repeat_90_followed=within_90.followed,
        repeat_90=within_90.repeated,
    )


MONTHS_KEPT = 13


@rollup("crisis:monthly")
def _crisis_rollup() -> list[dict[str, Any]]:
    now = timezone.localtime()
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    months = []
    for _ in range(MONTHS_KEPT):
        months.append(asdict(crisis_month(start, now)))
        start = month_before(start)
    return months
