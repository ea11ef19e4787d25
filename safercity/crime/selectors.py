"""Reads of crime records: homicide series and CompStat-style counts."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class YearToDate:
    """This year's homicides so far, against the same months of last year: a partial year is
    only ever compared with the same months, never with a whole year."""

    year: int
    through: date  # the last month loaded
    count: int
    last_year: int | None  # the same months a year before (None when not loaded)

    @property
    def months(self) -> int:
        return self.through.month

    @property
    def partial(self) -> bool:
        return self.through.month < 12

    def pace(self, target_a_year: int) -> int:
        """At most this many by now, to stay within the target for the whole year."""
        return round(target_a_year * self.months / 12)


def homicides_year_to_date(series: dict[date, int] | None = None) -> YearToDate | None:
    """The latest year loaded, through its last loaded month (of `series`, homicides by month
    coded, when the caller has already read it)."""
    series = homicides_by_month() if series is None else series
    if not series:
        return None
    through = max(series)
    months = [date(through.year, m, 1) for m in range(1, through.month + 1)]
    before = [date(through.year - 1, m, 1) for m in range(1, through.month + 1)]
    loaded_before = any(m in series for m in before)
    return YearToDate(
        year=through.year,
        through=through,
        count=sum(series.get(m, 0) for m in months),
        last_year=sum(series.get(m, 0) for m in before) if loaded_before else None,
    )


def so_far_for_the_scorecard(target: int) -> dict[str, Any] | None:
    """What the scorecard's homicide goal shows of this year (see accountability.registry)."""
    found = homicides_year_to_date()
    if found is None:
        return None
    return {
        "year": found.year,
        "through": found.through.isoformat(),
        "count": found.count,
        "last_year": found.last_year,
        "pace": found.pace(target),
    }
