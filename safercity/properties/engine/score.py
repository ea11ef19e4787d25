"""The problem-property score: documented conditions of a place, added up in plain sight.

score = sum over recorded events of  weight(kind) x severity x 0.5 ** (age / half-life(kind))
      + tax delinquency: weight per year delinquent (capped)
      + vacancy: a flat weight

Nothing here predicts anything about a person: every point comes from a dated record about
the property (a violation, a 311 complaint, a nuisance report, a condemnation) or its tax and
vacancy status, and every score is shown with these components. A landlord's figure is the
sum of its parcels' scores, shown with the parcels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

EVENT_KINDS = {
    "violation": "Code violations",
    "complaint": "311 complaints about the property",
    "nuisance": "Nuisance police reports",
    "condemnation": "Condemnations",
}
STATUS_KINDS = {"tax_year": "Tax delinquency", "vacancy": "Vacant"}
LABELS = {**EVENT_KINDS, **STATUS_KINDS}


@dataclass(frozen=True)
class Weights:
    weight: Mapping[str, float] = field(
        default_factory=lambda: {
            "violation": 3.0,
            "complaint": 1.0,
            "nuisance": 2.0,
            "condemnation": 8.0,
            "tax_year": 1.0,
            "vacancy": 2.0,
        }
    )
    half_life_days: Mapping[str, float] = field(
        default_factory=lambda: {
            "violation": 365.0,
            "complaint": 180.0,
            "nuisance": 180.0,
            "condemnation": 730.0,
        }
    )
    tax_years_cap: int = 5

    def check(self) -> None:
        for kind in LABELS:
            if self.weight.get(kind, 0) < 0:
                raise ValueError(f"the weight of {kind} must not be negative")
        for kind in EVENT_KINDS:
            if self.half_life_days.get(kind, 1) <= 0:
                raise ValueError(f"the half-life of {kind} must be positive")
        if self.tax_years_cap < 0:
            raise ValueError("the cap on tax years must not be negative")

    def as_json(self) -> dict[str, Any]:
        return {
            "weight": dict(self.weight),
            "half_life_days": dict(self.half_life_days),
            "tax_years_cap": self.tax_years_cap,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Weights:
        base = cls()
        made = cls(
            weight={**base.weight, **{k: float(v) for k, v in data.get("weight", {}).items()}},
            half_life_days={
                **base.half_life_days,
                **{k: float(v) for k, v in data.get("half_life_days", {}).items()},
            },
            tax_years_cap=int(data.get("tax_years_cap", base.tax_years_cap)),
        )
        made.check()
        return made


@dataclass(frozen=True)
class Event:
    kind: str  # one of EVENT_KINDS
    on: date
    severity: float = 1.0


@dataclass(frozen=True)
class Component:
    kind: str
    label: str
    count: int
    points: float
    how: str

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "count": self.count,
            "points": round(self.points, 3),
            "how": self.how,
        }


@dataclass(frozen=True)
class Score:
    total: float
    components: tuple[Component, ...]


def decay(age_days: float, half_life_days: float) -> float:
    return float(0.5 ** (max(age_days, 0.0) / half_life_days))


def score_parcel(
    events: Iterable[Event],
    *,
    tax_years: int,
    vacant: bool,
    weights: Weights,
    today: date,
) -> Score:
    by_kind: dict[str, list[Event]] = {kind: [] for kind in EVENT_KINDS}
    for event in events:
        if event.kind not in by_kind:
            raise ValueError(f"unknown event kind {event.kind!r}")
        if event.on <= today:
            by_kind[event.kind].append(event)
    components = []
    for kind, found in by_kind.items():
        if not found:
            continue
        w, half = weights.weight[kind], weights.half_life_days[kind]
        points = sum(w * e.severity * decay((today - e.on).days, half) for e in found)
        how = f"{len(found)} x {w:g} points, halving every {half:g} days"
        components.append(Component(kind, EVENT_KINDS[kind], len(found), points, how))
    years = min(max(tax_years, 0), weights.tax_years_cap)
    if years:
        w = weights.weight["tax_year"]
        plural = "s" if years > 1 else ""
        how = f"{years} year{plural} x {w:g} points (at most {weights.tax_years_cap})"
        components.append(Component("tax_year", LABELS["tax_year"], years, years * w, how))
    if vacant:
        w = weights.weight["vacancy"]
        components.append(Component("vacancy", LABELS["vacancy"], 1, w, f"{w:g} points"))
    total = sum(c.points for c in components)
    return Score(total, tuple(components))


def rollup(scores: Iterable[Score]) -> Score:
    """A landlord's score: the sum of its parcels', component by component."""
    totals: dict[str, list[float]] = {}
    labels: dict[str, str] = {}
    parcels = 0
    for score in scores:
        parcels += 1
        for c in score.components:
            entry = totals.setdefault(c.kind, [0, 0.0])
            entry[0] += c.count
            entry[1] += c.points
            labels[c.kind] = c.label
    components = tuple(
        Component(kind, labels[kind], int(n), points, f"summed over {parcels} parcels")
        for kind, (n, points) in totals.items()
    )
    return Score(sum(c.points for c in components), components)
