"""Did the groups the program reached shoot less than groups like them that it did not reach?

The design of Braga, Hureau and Papachristos's Boston re-evaluation (J. Quant. Criminol. 30,
2014): each treated group is matched to the most similar untreated group on what was known
before (here its shootings in the before window and its other measures, by Mahalanobis
distance, with replacement), leaving out untreated groups socially connected to a treated one
(a rival or ally would feel the treatment too); then the change in shootings of the treated
groups is set against the change of their matches, as a ratio of rate ratios with a Wald
interval on the log scale (0.5 added to every count when one is zero).

Plain Python and numpy: groups are numbers here, never people."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GroupHistory:
    key: int
    treated: bool
    before: int  # shootings involving the group in the window before treatment
    after: int  # and in the window after
    connected_to: frozenset[int] = frozenset()  # groups it has a relation with
    covariates: tuple[float, ...] = ()  # other pre-treatment measures, the same for every group


@dataclass(frozen=True)
class Comparison:
    pairs: tuple[tuple[int, int], ...]  # (treated group, its match)
    treated_before: int
    treated_after: int
    comparison_before: int
    comparison_after: int
    rate_ratio: float  # (treated after / before) / (comparison after / before); 1 = no effect
    low: float
    high: float
    left_out: tuple[int, ...]  # untreated groups connected to a treated one

    @property
    def percent_change(self) -> float:
        return (self.rate_ratio - 1) * 100

    def describe(self) -> str:
        return (
            f"{self.percent_change:+.0f}% against matched groups (95% CI "
            f"{(self.low - 1) * 100:+.0f}% to {(self.high - 1) * 100:+.0f}%), "
            f"{len(self.pairs)} treated group{'s' if len(self.pairs) != 1 else ''}"
        )


def _features(group: GroupHistory) -> list[float]:
    return [float(group.before), *group.covariates]


def matched_comparison(groups: Sequence[GroupHistory], z: float = 1.959964) -> Comparison:
    treated = [g for g in groups if g.treated]
    if not treated:
        raise ValueError("no treated group to evaluate")
    reached = {g.key for g in treated}
    connected = {g.key for g in groups if not g.treated and g.connected_to & reached}
    pool = [g for g in groups if not g.treated and g.key not in connected]
    if not pool:
        raise ValueError("no untreated group unconnected to the treated ones to compare with")
    widths = {len(g.covariates) for g in groups}
    if len(widths) != 1:
        raise ValueError("every group needs the same covariates")
    everyone = np.array([_features(g) for g in [*treated, *pool]], dtype=float)
    spread = np.cov(everyone, rowvar=False) if len(everyone) > 1 else np.eye(everyone.shape[1])
    inverse = np.linalg.pinv(np.atleast_2d(spread))
    candidates = np.array([_features(g) for g in pool], dtype=float)
    pairs = []
    for group in treated:
        gap = candidates - np.array(_features(group))
        distance = np.einsum("ij,jk,ik->i", gap, inverse, gap)
        best = int(np.argmin(distance))  # ties: the first in the order given
        pairs.append((group, pool[best]))
    a = sum(t.before for t, _ in pairs)
    b = sum(t.after for t, _ in pairs)
    c = sum(m.before for _, m in pairs)
    d = sum(m.after for _, m in pairs)
    cells = [float(n) for n in (a, b, c, d)]
    if 0 in cells:
        cells = [n + 0.5 for n in cells]
    ta, tb, ca, cb = cells
    ratio = (tb / ta) / (cb / ca)
    error = math.sqrt(sum(1 / n for n in cells))
    return Comparison(
        pairs=tuple((t.key, m.key) for t, m in pairs),
        treated_before=a,
        treated_after=b,
        comparison_before=c,
        comparison_after=d,
        rate_ratio=ratio,
        low=ratio * math.exp(-z * error),
        high=ratio * math.exp(z * error),
        left_out=tuple(sorted(connected)),
    )
