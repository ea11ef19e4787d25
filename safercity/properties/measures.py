"""Commitment 6's live figure: violations issued on non-owner-occupied units per month, against
the baseline year's monthly average (the target is double)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.models import Parameter
from safercity.accountability.registry import Figure
from safercity.core.publication import is_small
from safercity.properties.models import Violation

BASELINE_KEY = "plu-baseline-year"
TARGET_MULTIPLE = 2


def baseline_year() -> int | None:
    found = Parameter.objects.filter(key=BASELINE_KEY).first()
    return int(found.value) if found else None


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of the calendar months from first's to last's, inclusive."""
    found, cursor = [], first.replace(day=1)
    while cursor <= last:
        found.append(cursor)
        cursor = next_month(cursor)
    return found


def monthly_counts(first: date, last: date, *, non_owner_occupied: bool = True) -> dict[date, int]:
    """Violations per calendar month, first..last inclusive, on non-owner-occupied parcels
    (or, with non_owner_occupied=False, on the others)."""
    rows = (
        Violation.objects.filter(
            non_owner_occupied=non_owner_occupied, issued_on__range=(first, last)
        )
        .annotate(month=TruncMonth("issued_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    found = {(m.date() if hasattr(m, "date") else m).replace(day=1): n for m, n in rows}
    return {month: found.get(month, 0) for month in months_between(first, last)}


def baseline_per_month(year: int | None) -> float | None:
    """The baseline year's monthly average (None without a baseline year)."""
    if year is None:
        return None
    months = monthly_counts(date(year, 1, 1), date(year, 12, 31))
    return sum(months.values()) / 12


def last_full_month(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def figures() -> list[Figure]:
    today = timezone.localdate()
    month = last_full_month(today)
    count = monthly_counts(month, next_month(month) - timedelta(days=1))[month]
    year = baseline_year()
    baseline = baseline_per_month(year)
    period = f"{month:%B %Y}"
    label = gettext_noop("Violations issued on non-owner-occupied units")
    if baseline is None:
        return [Figure(label, gettext_noop("no baseline year is set"), None, period)]
    target = baseline * TARGET_MULTIPLE
    shown = gettext_noop("fewer than 11") if is_small(count) else f"{count:,}"
    verdict = None if is_small(count) else count >= target
    return [
        Figure(label, shown, verdict, period),
        Figure(gettext_noop("Baseline: violations a month"), f"{baseline:,.0f}", None, str(year)),
        Figure(
            gettext_noop("Target: violations a month"),
            f"{target:,.0f}",
            None,
            gettext_noop("double the baseline"),
        ),
    ]
