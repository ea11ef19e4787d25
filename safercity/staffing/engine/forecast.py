"""Call volume per 30-minute interval, by weekday and season, from history.

The model is multiplicative: expected calls = level x month factor x weekday-and-slot shape.
It is simple on purpose: a supervisor can read each factor, and it is judged on a holdout
period against the noise no forecast can remove (Poisson variation of the counts).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import numpy.typing as npt

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
SLOTS_PER_WEEK = 7 * SLOTS_PER_DAY

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class History:
    """Calls counted per 30-minute slot, for whole local days starting at `first_day`."""

    first_day: date
    counts: FloatArray  # shape (days, SLOTS_PER_DAY)

    @property
    def days(self) -> int:
        return int(self.counts.shape[0])

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)

    def split(self, holdout_days: int) -> tuple[History, History]:
        if not 0 < holdout_days < self.days:
            raise ValueError("the holdout must leave some history to learn from")
        cut = self.days - holdout_days
        return (
            History(self.first_day, self.counts[:cut]),
            History(self.day(cut), self.counts[cut:]),
        )


def count_calls(arrivals: list[datetime]) -> History:
    """Count timezone-aware local arrival times into slots, whole days from the first call."""
    if not arrivals:
        raise ValueError("no calls to count")
    first = min(arrivals).date()
    last = max(arrivals).date()
    counts = np.zeros(((last - first).days + 1, SLOTS_PER_DAY))
    for moment in arrivals:
        slot = (moment.hour * 60 + moment.minute) // SLOT_MINUTES
        counts[(moment.date() - first).days, slot] += 1
    return History(first, counts)


@dataclass(frozen=True)
class Forecast:
    level: float  # calls per day in an average month on an average weekday
    month_factor: FloatArray  # 12 values, mean 1
    shape: FloatArray  # (7, SLOTS_PER_DAY): share of a week's calls in each slot, x 7

    def expected(self, day: date) -> FloatArray:
        """Expected calls in each slot of `day`."""
        factor = self.level * float(self.month_factor[day.month - 1])
        return np.asarray(factor * self.shape[day.weekday()], dtype=np.float64)

    def week(self, monday: date) -> FloatArray:
        """Expected calls in each slot of the week starting `monday` (SLOTS_PER_WEEK values)."""
        return np.concatenate([self.expected(monday + timedelta(days=d)) for d in range(7)])


def _month_factors(daily: FloatArray, months: npt.NDArray[np.int64]) -> FloatArray:
    """Seasonal factors by ratio to a centred one-year moving average, so that growth over
    the years (or a recent surge) is not mistaken for a season. Needs over a year of days;
    months never seen against a full year stay at 1."""
    factors = np.ones(12)
    window = 365
    if len(daily) <= window:
        return factors
    trend = np.convolve(daily, np.ones(window) / window, mode="valid")
    half = window // 2
    ratio = daily[half : half + len(trend)] / trend
    centred_months = months[half : half + len(trend)]
    for month in range(1, 13):
        seen = centred_months == month
        if seen.any():
            factors[month - 1] = ratio[seen].mean()
    seen_months = np.unique(centred_months) - 1
    factors[seen_months] /= factors[seen_months].mean()
    return factors


def fit(history: History, recent_weeks: int = 8) -> Forecast:
    """Learn the factors. The level is set from the most recent weeks, so trends carry on."""
    counts = history.counts
    days = [history.day(i) for i in range(history.days)]
    months = np.array([d.month for d in days], dtype=np.int64)
    weekdays = np.array([d.weekday() for d in days])
    daily = counts.sum(axis=1)
    overall = daily.mean() if daily.mean() > 0 else 1.0
    weekday_factor = np.array([daily[weekdays == w].mean() / overall for w in range(7)])
    month_factor = _month_factors(daily / weekday_factor[weekdays], months)

    deseasoned = counts / month_factor[months - 1][:, None]
    shape = np.vstack([deseasoned[weekdays == w].mean(axis=0) for w in range(7)])
    shape = shape / shape.sum() * 7  # a week's shape sums to 7 days of 1

    recent = min(history.days, recent_weeks * 7)
    tail = deseasoned[-recent:].sum(axis=1)
    tail_shape = shape[weekdays[-recent:]].sum(axis=1)
    level = float(tail.sum() / tail_shape.sum()) if tail_shape.sum() else float(overall)
    return Forecast(level=level, month_factor=month_factor, shape=shape)


@dataclass(frozen=True)
class Accuracy:
    wape: float  # sum |actual - forecast| / sum actual, over 30-minute slots
    daily_wape: float
    noise_floor_wape: float  # what a perfect forecast would still score against Poisson counts
    bias: float  # (forecast - actual) / actual, over the whole holdout

    def __str__(self) -> str:
        return (
            f"30-min WAPE {self.wape:.1%} (Poisson floor {self.noise_floor_wape:.1%}), "
            f"daily WAPE {self.daily_wape:.1%}, bias {self.bias:+.1%}"
        )


def evaluate(forecast: Forecast, holdout: History) -> Accuracy:
    predicted = np.vstack([forecast.expected(holdout.day(i)) for i in range(holdout.days)])
    actual = holdout.counts
    total = actual.sum()
    if total == 0:
        raise ValueError("the holdout period has no calls")
    # E|N - lambda| for Poisson N is about sqrt(2 lambda / pi) once lambda is not tiny.
    floor = float(np.sqrt(2 * predicted / math.pi).sum() / total)
    return Accuracy(
        wape=float(np.abs(actual - predicted).sum() / total),
        daily_wape=float(np.abs(actual.sum(axis=1) - predicted.sum(axis=1)).sum() / total),
        noise_floor_wape=floor,
        bias=float((predicted.sum() - total) / total),
    )
