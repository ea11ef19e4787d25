"""NENA-STA-020.1 answer-time measures, plain Python.

The clock runs from the call's arrival at the PSAP to its answer by a person: an automated
attendant does not stop it. A call that was never answered counts against the measure (it
was not answered within 15 or 20 seconds). The standard judges a month as a whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Period = Literal["hour", "day", "month"]
TARGETS = ((15.0, 0.90), (20.0, 0.95))


@dataclass(frozen=True)
class AnswerTimes:
    period: str  # "2026-11", "2026-11-24", "2026-11-24 13:00"
    calls: int
    answered: int
    within_15: float
    within_20: float
    abandoned: float

    @property
    def meets_standard(self) -> bool:
        return self.within_15 >= TARGETS[0][1] and self.within_20 >= TARGETS[1][1]


def _key(moment: datetime, period: Period) -> str:
    if period == "month":
        return f"{moment:%Y-%m}"
    if period == "day":
        return f"{moment:%Y-%m-%d}"
    return f"{moment:%Y-%m-%d %H}:00"


@dataclass(frozen=True)
class Shares:
    calls: int
    answered: int
    within_15: float
    within_20: float
    abandoned: float


def shares(answer_seconds: Sequence[float | None]) -> Shares:
    """Shares of all calls answered within 15 and 20 s (unanswered calls count against)."""
    answered = [t for t in answer_seconds if t is not None and not math.isnan(t)]
    if any(t < 0 for t in answered):
        raise ValueError("an answer cannot come before the arrival")
    total = len(answer_seconds)
    if total == 0:
        return Shares(0, 0, 1.0, 1.0, 0.0)
    return Shares(
        calls=total,
        answered=len(answered),
        within_15=sum(t <= 15 for t in answered) / total,
        within_20=sum(t <= 20 for t in answered) / total,
        abandoned=1 - len(answered) / total,
    )


def answer_times(
    arrivals: Sequence[datetime],
    answer_seconds: Sequence[float | None],
    period: Period,
) -> list[AnswerTimes]:
    """Per period (in the arrival's own time zone): shares answered within 15 and 20 s.

    `answer_seconds` is the time from arrival to a person answering; None or NaN when nobody
    answered (the caller hung up, or the call is still waiting).
    """
    if len(arrivals) != len(answer_seconds):
        raise ValueError("one answer time per arrival")
    groups: dict[str, list[float | None]] = {}
    for moment, seconds in zip(arrivals, answer_seconds, strict=True):
        groups.setdefault(_key(moment, period), []).append(seconds)
    rows = []
    for key in sorted(groups):
        share = shares(groups[key])
        rows.append(
            AnswerTimes(
                key, share.calls, share.answered, share.within_15, share.within_20, share.abandoned
            )
        )
    return rows


# --- The report for any period: hourly counts rolled up, from per-call records or from a
# phone system's interval reports (answer-time buckets), each counted as exactly as it allows.

ReportPeriod = Literal["hour", "day", "week", "month"]
REPORT_PERIODS: tuple[ReportPeriod, ...] = ("hour", "day", "week", "month")


@dataclass(frozen=True)
class Range:
    """A count known between `low` and `high` (equal when exact)."""

    low: int
    high: int

    def __add__(self, other: Range) -> Range:
        return Range(self.low + other.low, self.high + other.high)

    @property
    def exact(self) -> bool:
        return self.low == self.high


NONE = Range(0, 0)


@dataclass(frozen=True)
class HourCounts:
    """One hour of per-call records (local time)."""

    hour: datetime
    calls: int
    answered: int
    within_15: int
    within_20: int
    callbacks_due: int = 0
    callbacks_in_time: int = 0


@dataclass(frozen=True)
class IntervalCounts:
    """One interval of a phone system's answer-time report. `answered[i]` counts answers in
    the bucket (edges[i-1], edges[i]] (the first from 0, the last above the last edge)."""

    start: datetime
    edges: tuple[float, ...]
    answered: tuple[int, ...]
    abandoned: int

    def __post_init__(self) -> None:
        if len(self.answered) != len(self.edges) + 1:
            raise ValueError("one answered count per bucket: the edges plus one")
        if list(self.edges) != sorted(set(self.edges)) or any(e <= 0 for e in self.edges):
            raise ValueError("bucket edges must be positive and increasing")
        if any(n < 0 for n in (*self.answered, self.abandoned)):
            raise ValueError("counts cannot be negative")

    def within(self, seconds: float) -> Range:
        """Answers within `seconds`: exact when it is a bucket edge, else the bounds."""
        low = high = 0
        lower = 0.0
        for upper, count in zip((*self.edges, math.inf), self.answered, strict=True):
            if upper <= seconds:
                low += count
                high += count
            elif lower < seconds:
                high += count
            lower = upper
        return Range(low, high)


@dataclass(frozen=True)
class ReportRow:
    period: str
    calls: int
    answered: int
    within_15: Range
    within_20: Range
    callbacks_due: int
    callbacks_in_time: int
    from_calls: bool
    from_intervals: bool

    @property
    def abandoned(self) -> int:
        return self.calls - self.answered

    def _share(self, part: Range, whole: int) -> tuple[float, float] | None:
        if whole == 0:
            return None
        return part.low / whole, part.high / whole

    def of_answered(self, seconds: int) -> tuple[float, float] | None:
        """The share most centres report: answered calls answered within `seconds`."""
        return self._share(self.within_15 if seconds == 15 else self.within_20, self.answered)

    def of_all(self, seconds: int) -> tuple[float, float] | None:
        """The standard's wording, 'all 9-1-1 calls': abandoned calls count as not in time."""
        return self._share(self.within_15 if seconds == 15 else self.within_20, self.calls)

    @property
    def abandoned_share(self) -> float | None:
        return self.abandoned / self.calls if self.calls else None

    @property
    def callbacks_share(self) -> float | None:
        return self.callbacks_in_time / self.callbacks_due if self.callbacks_due else None


def report_key(moment: datetime, period: ReportPeriod) -> str:
    if period == "week":
        year, week, _ = moment.isocalendar()
        return f"{year}-W{week:02d}"
    return _key(moment, period)


def report(
    hours: Sequence[HourCounts], intervals: Sequence[IntervalCounts], period: ReportPeriod
) -> tuple[list[ReportRow], ReportRow]:
    """Rows per period, oldest first, and the total. Intervals are counted only for hours with
    no per-call records (a centre's history may hold both for the same time)."""
    covered = {h.hour.replace(minute=0, second=0, microsecond=0) for h in hours if h.calls}
    parts: dict[str, list[ReportRow]] = {}
    for hour in hours:
        parts.setdefault(report_key(hour.hour, period), []).append(
            ReportRow(
                "", hour.calls, hour.answered, Range(hour.within_15, hour.within_15),
                Range(hour.within_20, hour.within_20), hour.callbacks_due,
                hour.callbacks_in_time, True, False,
            )
        )  # fmt: skip
    for interval in intervals:
        if interval.start.replace(minute=0, second=0, microsecond=0) in covered:
            continue
        answered = sum(interval.answered)
        parts.setdefault(report_key(interval.start, period), []).append(
            ReportRow(
                "", answered + interval.abandoned, answered, interval.within(15),
                interval.within(20), 0, 0, False, True,
            )
        )  # fmt: skip
    rows = [_sum(key, parts[key]) for key in sorted(parts)]
    return rows, _sum("total", rows)


def _sum(key: str, rows: Sequence[ReportRow]) -> ReportRow:
    within_15, within_20 = NONE, NONE
    for row in rows:
        within_15 += row.within_15
        within_20 += row.within_20
    return ReportRow(
        key,
        sum(r.calls for r in rows),
        sum(r.answered for r in rows),
        within_15,
        within_20,
        sum(r.callbacks_due for r in rows),
        sum(r.callbacks_in_time for r in rows),
        any(r.from_calls for r in rows),
        any(r.from_intervals for r in rows),
    )
