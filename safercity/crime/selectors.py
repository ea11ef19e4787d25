"""Reads of crime records: homicide series and CompStat-style counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Sum
from django.db.models.functions import ExtractYear, TruncMonth

from safercity.crime.models import CrimeRecord

HOMICIDE = 1


def _homicides(period: ExtractYear | TruncMonth) -> dict[Any, int]:
    """Sum of Count for UCR class 01 by the period the records were coded in, as the FBI counts."""
    rows = (
        CrimeRecord.objects.filter(ucr_class=HOMICIDE)
        .annotate(period=period)
        .values("period")
        .annotate(total=Sum("count"))
        .order_by("period")
    )
    return {row["period"]: row["total"] for row in rows}


def homicides_by_year() -> dict[int, int]:
    return _homicides(ExtractYear("coded_month"))


def homicides_by_month() -> dict[date, int]:
    return _homicides(TruncMonth("coded_month"))
