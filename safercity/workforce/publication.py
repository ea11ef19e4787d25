"""The public annual report of the Office of Equity and Inclusion: for each cycle, each step
and each group (race and ethnicity, sex), how many passed and did not, with counts from 1 to 10
hidden and enough others that none can be worked out; the impact ratio only where both groups'
counts are published; whether the step was flagged and whether the flag is explained."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from safercity.core.publication import suppress_table
from safercity.core.rollups import rollup
from safercity.workforce.models import DIMENSIONS, Review
from safercity.workforce.services import analysis, cycles

PUBLISHED_DIMENSIONS = ("race_ethnicity", "sex")


def _cell(c: Any) -> dict[str, Any]:
    return {"value": c.value, "reason": c.reason}


def _cycle(cycle: str, dimension: str) -> dict[str, Any]:
    stages = analysis(cycle, dimension)
    groups = sorted(
        {r.group for s in stages for r in s.results},
        key=lambda g: DIMENSIONS[dimension][1].index(g) if g in DIMENSIONS[dimension][1] else 99,
    )
    counts = {
        (s.stage, r.group): (r.selected, r.total - r.selected) for s in stages for r in s.results
    }
    grid = []
    for s in stages:
        grid.append([counts.get((s.stage, g), (0, 0))[0] for g in groups])
        grid.append([counts.get((s.stage, g), (0, 0))[1] for g in groups])
    table = suppress_table(grid)[0] if groups else []
    reviews = {
        (r.stage, r.group): r.get_status_display()
        for r in Review.objects.filter(cycle=cycle, dimension=dimension)
    }
    rows = []
    for n, s in enumerate(stages):
        results = {r.group: r for r in s.results}
        for m, g in enumerate(groups):
            passed, failed = table[2 * n][m], table[2 * n + 1][m]
            r = results.get(g)
            shown = passed.value is not None and failed.value is not None
            rows.append(
                {
                    "stage": s.stage,
                    "group": g,
                    "passed": _cell(passed),
                    "failed": _cell(failed),
                    "impact_ratio": r.impact_ratio
                    if r and shown and r.status != "insufficient numbers"
                    else None,
                    "judged": r.status if r else "",
                    "review": reviews.get((s.stage, g), ""),
                }
            )
    return {"cycle": cycle, "dimension": DIMENSIONS[dimension][0], "rows": rows}


@rollup("workforce:public")
def public_report() -> list[dict[str, Any]]:
    return [_cycle(c, d) for c, _, _ in cycles() for d in PUBLISHED_DIMENSIONS]


def report_csv(report: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "cycle",
            "groups_by",
            "stage",
            "group",
            "passed",
            "did_not_pass",
            "impact_ratio",
            "judged",
            "review",
        ]
    )
    for block in report:
        for r in block["rows"]:
            ratio = "" if r["impact_ratio"] is None else f"{r['impact_ratio']:.2f}"
            writer.writerow(
                [
                    block["cycle"],
                    block["dimension"],
                    r["stage"],
                    r["group"],
                    _say(r["passed"]),
                    _say(r["failed"]),
                    ratio,
                    r["judged"],
                    r["review"],
                ]
            )
    return out.getvalue()


def _say(cell: dict[str, Any]) -> str:
    return "" if cell["value"] is None else str(cell["value"])


def by_cycle(report: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for block in report:
        grouped[block["cycle"]].append(block)
    return dict(grouped)
