"""Commitment 6's live figure: violations issued on non-owner-occupied units per month, against
the baseline year's monthly average (the target is double)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from safercity.accountability.models import Parameter
from safercity.accountability.registry import Figure
from safercity.core.publication import is_small
from safercity.properties.models import Violation

BASELINE_KEY = "plu-baseline-year"
TARGET_MULTIPLE = 2


def baseline_year() -> int | None:
    found = Parameter.objects.filter(key=BASELINE_KEY).first()
    return int(found.value) if found else None


def monthly_counts(first: date, last: date) -> dict[date, int]:
    """Violations on non-owner-occupied parcels per calendar month, first..last inclusive."""
    rows = (
        Violation.objects.filter(non_owner_occupied=True, issued_on__range=(first, last))
        .annotate(month=TruncMonth("issued_on"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    found = {(m.date() if hasattr(m, "date") else m).replace(day=1): n for m, n in rows}
    months: dict[date, int] = {}
    cursor = first.replace(day=1)
    while cursor <= last:
        months[cursor] = found.get(cursor, 0)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def baseline_per_month() -> float | None:
    year = baseline_year()
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
    end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    count = Violation.objects.filter(
        non_owner_occupied=True, issued_on__gte=month, issued_on__lt=end
    ).count()
    baseline = baseline_per_month()
    period = f"{month:%B %Y}"
    label = "Violations issued on non-owner-occupied units"
    if baseline is None:
        return [Figure(label, "no baseline year is set", None, period)]
    target = baseline * TARGET_MULTIPLE
    shown = "fewer than 11" if is_small(count) else f"{count:,}"
    verdict = None if is_small(count) else count >= target
    return [
        Figure(label, shown, verdict, period),
        Figure(
            f"Baseline ({baseline_year()}) and target",
            f"{baseline:,.0f} a month; target {target:,.0f}",
            None,
            "monthly average",
        ),
    ]
