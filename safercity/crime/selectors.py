"""Reads of crime records: homicide series and CompStat-style counts."""

from __future__ import annotations

from datetime import date

from django.db.models import Sum
from django.db.models.functions import ExtractYear, TruncMonth

from safercity.crime.models import CrimeRecord

HOMICIDE = 1


def homicides_by_year() -> dict[int, int]:
    """Sum of Count for UCR class 01 by the year the records were coded, as the FBI counts."""
    rows = (
        CrimeRecord.objects.filter(ucr_class=HOMICIDE)
        .annotate(year=ExtractYear("coded_month"))
        .values("year")
        .annotate(total=Sum("count"))
        .order_by("year")
    )
    return {row["year"]: row["total"] for row in rows}


def homicides_by_month() -> dict[date, int]:
    rows = (
        CrimeRecord.objects.filter(ucr_class=HOMICIDE)
        .annotate(month=TruncMonth("coded_month"))
        .values("month")
        .annotate(total=Sum("count"))
        .order_by("month")
    )
    return {row["month"]: row["total"] for row in rows}
