"""The city's change in homicides from one year to another, against peer cities' change over
the same years (the FBI's counts for cities of 250,000 or more, as FiveThirtyEight compiled
them for 2014 and 2015, or any table of the same shape).

The comparison is a ratio of rate ratios: (the city's count after / before) over (the peers'
pooled count after / before), with a Wald interval on the log scale (0.5 added to every count
when one is zero); 1 means the city moved as its peers did. Beside it, where the city's own
change falls among the peers' changes, so a reader sees whether the year was the city's or
the whole country's. Cities are places: nothing here is about a person.

Plain Python: counts in, a comparison out."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

MIN_PEERS = 5  # fewer peer cities than this compare with nothing steady enough to say


@dataclass(frozen=True)
class PeerComparison:
    year_from: int
    year_to: int
    home_from: int
    home_to: int
    peers: int  # peer cities with a count in both years (the home city never among them)
    peers_from: int
    peers_to: int
    median_change: float  # the peers' median percent change
    rose_less: int  # peer cities whose change was smaller than the home city's
    rate_ratio: float
    low: float
    high: float

    @property
    def home_change(self) -> float:
        return _percent(self.home_from, self.home_to)

    @property
    def peers_change(self) -> float:
        return _percent(self.peers_from, self.peers_to)

    @property
    def relative_change(self) -> float:
        return (self.rate_ratio - 1) * 100

    def describe(self) -> str:
        return (
            f"{self.relative_change:+.0f}% against {self.peers} peer cities "
            f"(95% CI {(self.low - 1) * 100:+.0f}% to {(self.high - 1) * 100:+.0f}%)"
        )


def _percent(before: int, after: int) -> float:
    return (after - before) / before * 100 if before else math.inf if after else 0.0


def peer_comparison(
    home: tuple[int, int],
    peers: Mapping[str, tuple[int, int]],
    year_from: int,
    year_to: int,
    z: float = 1.959964,
) -> PeerComparison:
    """`home` and each peer: (count in year_from, count in year_to)."""
    if year_to <= year_from:
        raise ValueError("the second year must come after the first")
    if min(home) < 0 or any(min(pair) < 0 for pair in peers.values()):
        raise ValueError("a count cannot be negative")
    if len(peers) < MIN_PEERS:
        raise ValueError(
            f"only {len(peers)} peer cities have counts for both {year_from} and {year_to}; "
            f"at least {MIN_PEERS} are needed"
        )
    a, b = home
    c = sum(before for before, _ in peers.values())
    d = sum(after for _, after in peers.values())
    cells = [float(n) for n in (a, b, c, d)]
    if 0 in cells:
        cells = [n + 0.5 for n in cells]
    ha, hb, pa, pb = cells
    ratio = (hb / ha) / (pb / pa)
    error = math.sqrt(sum(1 / n for n in cells))
    mine = _percent(a, b)
    changes = [_percent(before, after) for before, after in peers.values()]
    return PeerComparison(
        year_from=year_from,
        year_to=year_to,
        home_from=a,
        home_to=b,
        peers=len(peers),
        peers_from=c,
        peers_to=d,
        median_change=statistics.median(changes),
        rose_less=sum(1 for change in changes if change < mine),
        rate_ratio=ratio,
        low=ratio * math.exp(-z * error),
        high=ratio * math.exp(z * error),
    )
