from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from safercity.accountability.commitments import HOMICIDE_BASELINE_KEY, HOMICIDE_REDUCTION
from safercity.accountability.models import Parameter
from safercity.accountability.registry import (
    Figure,
    ScorecardRow,
    homicides_so_far,
    scorecard,
)
from safercity.core.rollups import rollup, rollup_read


@dataclass(frozen=True)
class SoFar:
    """This year's homicides so far, as the scorecard shows them."""

    year: int
    through: date
    count: int
    last_year: int | None
    pace: int  # at most this many by now, to stay within the target for the year


@dataclass(frozen=True)
class HomicideGoal:
    baseline: Parameter | Baseline
    target: int  # homicides a year at the end of the term
    so_far: SoFar | None = None


def homicide_goal() -> HomicideGoal | None:
    baseline = Parameter.objects.filter(key=HOMICIDE_BASELINE_KEY).first()
    if baseline is None:
        return None
    target = (baseline.value * (1 - Decimal(str(HOMICIDE_REDUCTION)))).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return HomicideGoal(baseline=baseline, target=int(target))


@dataclass(frozen=True)
class Baseline:
    """The homicide baseline as the scorecard's snapshot keeps it."""

    value: Decimal
    as_of: date
    source: str
    source_url: str


@dataclass(frozen=True)
class ScorecardView:
    rows: list[ScorecardRow]
    goal: HomicideGoal | None
    as_of: datetime


def goal_data() -> dict[str, Any] | None:
    """The homicide goal as a snapshot keeps it (JSON)."""
    goal = homicide_goal()
    if goal is None:
        return None
    data: dict[str, Any] = {
        "value": str(goal.baseline.value),
        "as_of": goal.baseline.as_of.isoformat(),
        "source": goal.baseline.source,
        "source_url": goal.baseline.source_url,
        "target": goal.target,
    }
    so_far = homicides_so_far(goal.target)
    if so_far is not None:
        data["so_far"] = so_far
    return data


def goal_from(saved: dict[str, Any] | None) -> HomicideGoal | None:
    if saved is None:
        return None
    baseline = Baseline(
        value=Decimal(saved["value"]),
        as_of=date.fromisoformat(saved["as_of"]),
        source=saved["source"],
        source_url=saved["source_url"],
    )
    so_far = saved.get("so_far")
    return HomicideGoal(
        baseline=baseline,
        target=saved["target"],
        so_far=(
            SoFar(**(so_far | {"through": date.fromisoformat(so_far["through"])}))
            if so_far
            else None
        ),
    )


@rollup("scorecard")
def _scorecard_rollup() -> dict[str, Any]:
    return {
        "figures": {
            str(row.commitment.number): [asdict(figure) for figure in row.figures]
            for row in scorecard()
        },
        "goal": goal_data(),
    }


def scorecard_view() -> ScorecardView:
    """The scorecard as the last rollup left it (the page says when)."""
    snapshot = rollup_read("scorecard")
    figures = snapshot.data["figures"]
    rows = [
        replace(row, figures=[Figure(**f) for f in figures.get(str(row.commitment.number), [])])
        for row in scorecard(with_figures=False)
    ]
    return ScorecardView(
        rows=rows, goal=goal_from(snapshot.data["goal"]), as_of=snapshot.computed_at
    )
