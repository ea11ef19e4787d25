"""Bounds for what comes in from outside (forms, APIs, files), checked in one place so that
every service refuses the same things with the same words: text that cannot be stored or
written as XML, numbers that are not finite, ids that are not plain ASCII digits, and dates a
database or a 90-day window cannot hold.

Each check raises `InputRefused` (a ValueError) with a message for the sender; the API layers
turn it into their own documented error format."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

# XML 1.0 allows tab, newline, carriage return and everything from U+0020 except the
# surrogates and U+FFFE/U+FFFF; PostgreSQL text cannot hold NUL at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("[\t\n\r]")
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2199, 12, 31, tzinfo=UTC)
MAX_ID_DIGITS = 18  # fits a 64-bit integer column


class InputRefused(ValueError):
    """A value from outside that this system will not take; the message says why."""


def clean_text(value: object, name: str, max_length: int, *, multiline: bool = False) -> str:
    """The text stripped of surrounding space, refused if longer than max_length or if it
    holds what no XML document or database column can (NUL, other control characters, lone
    surrogates, U+FFFE/U+FFFF). Line breaks and tabs are allowed only in multiline text."""
    text = "" if value is None else str(value)
    if _NOT_XML.search(text):
        raise InputRefused(f"{name} contains control characters or invalid Unicode")
    if not multiline and _LINE_BREAKS.search(text.strip()):
        raise InputRefused(f"{name} must be on one line")
    text = text.strip()
    if len(text) > max_length:
        raise InputRefused(f"{name} is longer than {max_length} characters")
    return text


def xml_safe(text: str) -> str:
    """What is left of stored text when written as XML: anything XML cannot hold removed
    (for rows stored before the door checked them)."""
    return _NOT_XML.sub("", text)


def finite(value: float | None, name: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not low <= value <= high:
        raise InputRefused(f"{name} must be a number from {low:g} to {high:g}")
    return value


def plain_id(text: str) -> int | None:
    """A record number written in ASCII digits (not "²" or "٣", which str.isdigit accepts),
    small enough for the database; None for anything else."""
    text = text.strip()
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def bounded_moment(moment: datetime, name: str) -> datetime:
    """An aware datetime from 1900 to 2199 (in UTC): a database stores it and a 90-day window
    around it can be computed."""
    if moment.tzinfo is None:
        raise InputRefused(f"{name} needs a time zone (Z or an offset such as -06:00)")
    try:
        utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise InputRefused(f"{name} is out of range (years 1900 to 2199)") from None
    if not EARLIEST <= utc <= LATEST:
        raise InputRefused(f"{name} is out of range (years 1900 to 2199)")
    return moment
