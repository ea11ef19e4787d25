"""Matching a republished SLMPD file against what is stored, record by record.

SLMPD republishes a month's file as records are reclassified or unfounded. A record is known by
its complaint number, offence (UCR code) and Count, and, as one complaint can carry the same
offence more than once, by which of those it is (its ordinal). The 2008-2013 files carry no
complaint number: there a record is known by a digest of its content, so a changed row shows
as one withdrawn and one new.

Plain Python over plain values: the write path in `services` reads and writes the rows.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

# The columns a file states, in this order everywhere (the rest are derived from them).
STATED = (
    "complaint",
    "coded_month",
    "occurred_at",
    "count",
    "ucr_code",
    "description",
    "district",
    "neighborhood_number",
    "address",
    "location_name",
    "x",
    "y",
    "unfounded",
    "administrative",
    "cleanup",
)
COMPLAINT, UCR_CODE, COUNT = STATED.index("complaint"), STATED.index("ucr_code"), 3


def plain(value: Any) -> str:
    """A stated value as text that is the same whether it came from a file or the database."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool):
        return "Y" if value else ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def identity(values: tuple[Any, ...]) -> str:
    """complaint|offence|count, or "~" and a digest of every stated value without a complaint."""
    complaint = values[COMPLAINT]
    if complaint:
        return f"{complaint}|{values[UCR_CODE]}|{values[COUNT]}"[:64]
    text = "\x1f".join(plain(v) for v in values)
    return "~" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:24]


@dataclass(frozen=True)
class Stored:
    pk: int
    month: str  # the source key
    identity: str
    ordinal: int
    values: tuple[Any, ...]  # STATED


@dataclass(frozen=True)
class Incoming:
    month: str
    identity: str
    values: tuple[Any, ...]  # STATED


@dataclass
class Plan:
    new: list[tuple[int, int]] = field(default_factory=list)  # (incoming index, ordinal)
    changed: list[tuple[int, Stored]] = field(default_factory=list)  # (incoming index, stored)
    unchanged: int = 0
    withdrawn: list[Stored] = field(default_factory=list)


def differences(before: tuple[Any, ...], after: tuple[Any, ...]) -> dict[str, list[str]]:
    """{column: [before, after]} for each stated value that differs, as text."""
    return {
        name: [plain(old), plain(new)]
        for name, old, new in zip(STATED, before, after, strict=True)
        if plain(old) != plain(new)
    }


def match(stored: list[Stored], incoming: list[Incoming]) -> Plan:
    """What turning `stored` into `incoming` takes. Within one month and identity, records
    whose values are equal pair first (unchanged); the rest pair in order (changed); what is
    left is new, or withdrawn."""
    plan = Plan()
    before: dict[tuple[str, str], list[Stored]] = defaultdict(list)
    for record in sorted(stored, key=lambda s: s.ordinal):
        before[(record.month, record.identity)].append(record)
    after: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, row in enumerate(incoming):
        after[(row.month, row.identity)].append(index)
    for key in before.keys() | after.keys():
        olds, news = before.get(key, []), after.get(key, [])
        by_values: dict[tuple[str, ...], list[Stored]] = defaultdict(list)
        for old in olds:
            by_values[tuple(plain(v) for v in old.values)].append(old)
        paired: set[int] = set()
        unmatched = []
        for index in news:
            same = by_values.get(tuple(plain(v) for v in incoming[index].values))
            if same:
                paired.add(same.pop(0).pk)
                plan.unchanged += 1
            else:
                unmatched.append(index)
        left = [old for old in olds if old.pk not in paired]
        for index, old in zip(unmatched, left, strict=False):
            plan.changed.append((index, old))
        next_ordinal = max((old.ordinal for old in olds), default=0) + 1
        for index in unmatched[len(left) :]:
            plan.new.append((index, next_ordinal))
            next_ordinal += 1
        plan.withdrawn.extend(left[len(unmatched) :])
    return plan
