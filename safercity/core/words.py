"""Words that arrive as data (a figure's label, a suppressed cell's reason, a period's name,
a 311 service's name) said in the reader's language: `say(text)`, or `{{ text|say }}` in a
template (core.templatetags.words).

The code that makes such words marks them with gettext_noop, so the catalog has them; a word
the catalog lacks (a city's own name for something, a number) is shown as it is."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_YEAR = re.compile(rf"^({'|'.join(_MONTHS)}) (\d{{4}})( so far)?$")


def say(value: Any) -> Any:
    if not isinstance(value, str) or not value:
        return value
    translated = gettext(value)
    if translated != value:
        return translated
    month = _MONTH_YEAR.match(value)
    if month:  # "November 2026", "November 2026 so far": a period as the measures name it
        named = formats.date_format(
            date(int(month[2]), _MONTHS.index(month[1]) + 1, 1), "YEAR_MONTH_FORMAT"
        )
        return gettext("{period} so far").format(period=named) if month[3] else named
    return value
