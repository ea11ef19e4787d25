"""Calendar months, for figures kept by month (plain date arithmetic, no dependencies)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TypeVar

Day = TypeVar("Day", bound=date)  # a date, or a datetime (which is one)


def month_after(first: Day) -> Day:
    """The first day of the month after the one `first` falls in (time and zone kept)."""
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def month_before(first: Day) -> Day:
    """The first day of the month before the one `first` falls in (time and zone kept)."""
    return (first.replace(day=1) - timedelta(days=1)).replace(day=1)
