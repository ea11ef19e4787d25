"""Business days in the city's calendar: weekends and the public holidays of the country and
state in SAFERCITY_HOLIDAYS (the maintained `holidays` package, e.g. "US-MO" adds Missouri's
Truman Day to the federal holidays)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone


@cache
def _calendar(code: str) -> holidays.HolidayBase:
    country, _, subdivision = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar(settings.SAFERCITY_HOLIDAYS)


def next_business_day(day: date) -> date:
    """The first business day after `day`."""
    following = day + timedelta(days=1)
    while not is_business_day(following):
        following += timedelta(days=1)
    return following


def end_of_next_business_day(moment: datetime) -> datetime:
    """Within one business day of `moment`: the end of the next business day, in the city's
    time zone (found on a Friday evening, it is due by the end of Monday)."""
    local = timezone.localtime(moment)
    last = next_business_day(local.date())
    return timezone.make_aware(datetime.combine(last, time(23, 59, 59)))
