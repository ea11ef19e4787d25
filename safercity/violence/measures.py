"""Commitment 1's figures: group-connected shootings and homicides this quarter against the
same days of the quarter a year earlier, and how much of the violence has been reviewed; the
public quarterly table (counts only, small ones suppressed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.publication import is_small, suppress_table
from safercity.core.rollups import rollup
from safercity.violence.models import IncidentReview, Intervention, ReferralCount

CONNECTED = ("victim", "suspect", "both")
# A homicide, or an incident the reviewer said someone was shot in.
VIOLENCE = Q(fatal=True) | Q(shooting=True)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _year_before(day: date) -> date:
    return (
        day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) else day - timedelta(366)
    )


def connected(start: date, end: date) -> QuerySet[IncidentReview]:
    """Group-connected homicides and shootings from `start` to `end`, both included."""
    return IncidentReview.objects.filter(
        VIOLENCE, involvement__in=CONNECTED, occurred_on__gte=start, occurred_on__lte=end
    )


def _shown(count: int) -> str:
    return gettext_noop("fewer than 11") if is_small(count) else f"{count:,}"


def figures() -> list[Figure]:
    today = timezone.localdate()
    start = quarter_start(today)
    now = connected(start, today).count()
    before = connected(_year_before(start), _year_before(today)).count()
    verdict = None if is_small(now) or is_small(before) or before == 0 else now < before
    period = gettext_noop("this quarter so far")
    rows = [
        Figure(gettext_noop("Group-connected shootings and homicides"), _shown(now), verdict,
               period),
        Figure(gettext_noop("The same days a year earlier"), _shown(before), None, period),
    ]  # fmt: skip
    year = IncidentReview.objects.filter(occurred_on__gt=today - timedelta(days=365))
    total = year.filter(Q(fatal=True) | Q(shooting=True) | Q(shooting=None)).count()
    if total and not is_small(total):
        reviewed = year.exclude(involvement="pending").count() / year.count()
        rows.append(
            Figure(
                gettext_noop("Homicides and firearm assaults reviewed for group involvement"),
                f"{reviewed:.0%}",
                None,
                gettext_noop("last 12 months"),
            )
        )
    return rows


@dataclass(frozen=True)
class QuarterRow:
    quarter: str
    cells: list[str]  # as published: a count, or "*"


COLUMNS = (
    gettext_noop("Homicides"),
    gettext_noop("Shootings (reviewed)"),
    gettext_noop("Group-connected"),
    gettext_noop("Share group-connected"),
    gettext_noop("Call-ins held"),
    gettext_noop("Notifications delivered"),
    gettext_noop("Referrals made"),
    gettext_noop("Services completed"),
)


def _quarter_counts(start: date, end: date) -> list[int]:
    incidents = IncidentReview.objects.filter(occurred_on__gte=start, occurred_on__lte=end)
    done = Intervention.objects.filter(on__gte=start, on__lte=end)
    return [
        incidents.filter(fatal=True).count(),
        incidents.filter(fatal=False, shooting=True).count(),
        incidents.filter(VIOLENCE, involvement__in=CONNECTED).count(),
        done.filter(kind="call_in", outcome="held").count(),
        done.filter(kind="notification", outcome="delivered").count(),
        int(done.aggregate(n=Sum("referrals"))["n"] or 0),
        int(
            ReferralCount.objects.filter(intervention__in=done).aggregate(n=Sum("completed"))["n"]
            or 0
        ),
    ]


@rollup("violence:quarterly")
def _quarterly() -> dict[str, Any]:
    """The last eight quarters (the latest one so far), each column suppressed as a table."""
    today = timezone.localdate()
    starts = [quarter_start(today)]
    while len(starts) < 8:
        previous = starts[-1] - timedelta(days=1)
        starts.append(quarter_start(previous))
    starts.reverse()
    ends = [s - timedelta(days=1) for s in starts[1:]] + [today]
    counts = [_quarter_counts(s, e) for s, e in zip(starts, ends, strict=True)]
    # Each count column is its own series: its hidden cells cannot be worked out from its total.
    counted = len(counts[0])
    columns = [suppress_table([[row[c] for row in counts]])[0][0] for c in range(counted)]
    rows = []
    for i, s in enumerate(starts):
        cells = [str(columns[c][i]) for c in range(counted)]
        # The share of the quarter's homicides and shootings that were group-connected, shown
        # only when every count it comes from is.
        homicides, shootings, connected = (columns[c][i] for c in range(3))
        base = (homicides.value or 0) + (shootings.value or 0)
        shown = None not in (homicides.value, shootings.value, connected.value) and base > 0
        share = "*" if not shown else f"{(connected.value or 0) / base:.0%}"
        if base == 0 and None not in (homicides.value, shootings.value):
            share = "—"  # no homicide or shooting in the quarter
        rows.append(
            {"quarter": f"{s.year} Q{(s.month - 1) // 3 + 1}", "cells": [*cells[:3], share,
             *cells[3:]]}
        )  # fmt: skip
    return {"columns": list(COLUMNS), "rows": rows, "through": today.isoformat()}
