"""Adverse impact, without Django: for one step of the pipeline (a test, the academy, a
promotion list) and each group, the selection rate, the impact ratio against the group with
the highest rate, the four-fifths flag (Uniform Guidelines, 29 CFR 1607.4(D): a rate below
four-fifths of the highest is generally regarded as evidence of adverse impact), the pooled
two-sample Z test and Fisher's exact test (both two-sided), and the shortfall: how many more
of the group would have been selected at the highest group's rate.

Groups too small to judge are "insufficient numbers": the Guidelines themselves warn that
small numbers make the ratio unreliable (1607.4(D)), and the product never publishes a count
from 1 to 10. Nothing here is about a person: the inputs are counts of a step's candidates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import fisher_exact, norm

FOUR_FIFTHS = 0.8
MIN_GROUP = 11  # candidates a group needs at a step to be judged (counts of 1-10 not shown)
ALPHA = 0.05


@dataclass(frozen=True)
class Tally:
    """A group's candidates at a step and how many went through."""

    group: str
    selected: int
    total: int

    def __post_init__(self) -> None:
        if self.total < 0 or not 0 <= self.selected <= self.total:
            raise ValueError(f"{self.group}: {self.selected} selected of {self.total}")

    @property
    def rate(self) -> float | None:
        return self.selected / self.total if self.total else None


def impact_ratio(focal_rate: float, reference_rate: float) -> float | None:
    return None if reference_rate == 0 else focal_rate / reference_rate


def pooled_z(a: int, n1: int, b: int, n2: int) -> tuple[float, float] | None:
    """The two-sample Z test with the pooled proportion: z (focal minus reference) and its
    two-sided p. None when it is undefined (an empty group, or everyone or no one selected)."""
    if n1 == 0 or n2 == 0:
        return None
    pooled = (a + b) / (n1 + n2)
    spread = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if spread == 0:
        return None
    z = (a / n1 - b / n2) / math.sqrt(spread)
    return z, float(2 * norm.sf(abs(z)))


def fisher_p(a: int, n1: int, b: int, n2: int) -> float | None:
    """Fisher's exact test on the 2x2 table (selected, not selected) x (focal, reference)."""
    if n1 == 0 or n2 == 0:
        return None
    _, p = fisher_exact([[a, n1 - a], [b, n2 - b]], alternative="two-sided")
    return float(p)


@dataclass(frozen=True)
class GroupResult:
    group: str
    selected: int
    total: int
    rate: float | None
    status: str  # "reference", "no adverse impact", "adverse impact", "insufficient numbers"
    impact_ratio: float | None = None
    four_fifths: bool = False  # below four-fifths of the reference rate
    z: float | None = None
    z_p: float | None = None
    fisher_p: float | None = None
    shortfall: float | None = None  # selections short of the reference group's rate

    @property
    def significant(self) -> bool:
        return any(p is not None and p < ALPHA for p in (self.z_p, self.fisher_p))


def analyze(tallies: Sequence[Tally], *, min_group: int = MIN_GROUP) -> list[GroupResult]:
    """Every group at one step, judged against the judged group with the highest rate. Groups
    with fewer than `min_group` candidates are listed as insufficient numbers, not compared
    and not the reference."""
    names = [t.group for t in tallies]
    if len(set(names)) != len(names):
        raise ValueError("a group appears twice")
    judged = [t for t in tallies if t.total >= min_group]
    reference = max(judged, key=lambda t: (t.rate or 0.0, t.total), default=None)
    results = []
    for t in tallies:
        if t not in judged or reference is None:
            results.append(
                GroupResult(t.group, t.selected, t.total, t.rate, "insufficient numbers")
            )
            continue
        if t is reference:
            results.append(GroupResult(t.group, t.selected, t.total, t.rate, "reference", 1.0))
            continue
        rate, best = t.rate or 0.0, reference.rate or 0.0
        ratio = impact_ratio(rate, best)
        z = pooled_z(t.selected, t.total, reference.selected, reference.total)
        # In whole numbers, so that exactly four-fifths (0.6 / 0.75) is not "below" by rounding.
        below = 5 * t.selected * reference.total < 4 * reference.selected * t.total
        results.append(
            GroupResult(
                t.group,
                t.selected,
                t.total,
                rate,
                "adverse impact" if below else "no adverse impact",
                impact_ratio=ratio,
                four_fifths=below,
                z=z[0] if z else None,
                z_p=z[1] if z else None,
                fisher_p=fisher_p(t.selected, t.total, reference.selected, reference.total),
                shortfall=max(0.0, best * t.total - t.selected),
            )
        )
    return results


def per_100(events: int, headcount: float) -> float | None:
    """A rate per 100 employees (discipline, complaints)."""
    return None if headcount <= 0 else 100 * events / headcount


def representation(workforce_share: float, population_share: float) -> float | None:
    """The group's share of the workforce over its share of the population (1 = parity)."""
    return None if population_share <= 0 else workforce_share / population_share
