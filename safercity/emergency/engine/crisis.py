"""Commitment 8's measures, plain Python: repeat calls after a crisis call, and response-time
percentiles."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Contact:
    """A call as the repeat measure sees it: when, from which number, from which address."""

    at: datetime
    number: str = ""
    address: str = ""


@dataclass(frozen=True)
class Repeats:
    followed: int  # index calls whose whole window has passed (the others cannot be judged yet)
    repeated: int  # of those, how many had another call from the same number or address

    @property
    def share(self) -> float | None:
        return self.repeated / self.followed if self.followed else None


def _key(text: str) -> str:
    return " ".join(text.upper().split())


def repeats(
    index: Sequence[Contact], others: Sequence[Contact], days: int, until: datetime
) -> Repeats:
    """Of the `index` calls whose `days`-day window ended by `until`, those followed within
    the window by any call in `others` (the index calls among them) from the same number or
    the same address (compared without case or spacing). A call with neither is not counted."""
    window = timedelta(days=days)
    seen: dict[str, list[datetime]] = defaultdict(list)
    for contact in others:
        for key in _keys(contact):
            seen[key].append(contact.at)
    for moments in seen.values():
        moments.sort()
    followed = repeated = 0
    for call in index:
        keys = _keys(call)
        if not keys or call.at + window > until:
            continue
        followed += 1
        for key in keys:
            moments = seen.get(key, [])
            after = bisect_right(moments, call.at)
            if after < len(moments) and moments[after] <= call.at + window:
                repeated += 1
                break
    return Repeats(followed, repeated)


def _keys(contact: Contact) -> list[str]:
    keys = []
    if contact.number.strip():
        keys.append("n:" + _key(contact.number))
    if contact.address.strip():
        keys.append("a:" + _key(contact.address))
    return keys


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share 0.5 is the median); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]
