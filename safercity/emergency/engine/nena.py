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
