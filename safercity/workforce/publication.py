"""The public annual report of the Office of Equity and Inclusion, a year at a time: for each
hiring and promotion cycle of the year, each step and each group (race and ethnicity, sex), how
many passed and did not, with a chart of each group's selection rate; and the sworn workforce
that year by group (headcount, complaints, sustained allegations, discipline and separations,
rates per 100 and the share of residents). Counts from 1 to 10 are hidden and enough others
that none can be worked out; a rate, a ratio or a share is shown only beside published counts.
The charts draw only published counts."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from safercity.core.charts import in_each_language, svg
from safercity.core.publication import Cell, suppress_table
from safercity.core.rollups import rollup
from safercity.core.words import say
from safercity.workforce import employment, engine
from safercity.workforce.models import DIMENSIONS, PROCESSES, Review
from safercity.workforce.services import analysis, cycle_year, cycles

PUBLISHED_DIMENSIONS = ("race_ethnicity", "sex")
# Words the report holds as data, said in the reader's language (core.words.say).
WORDS = (
    gettext_noop("complaints"),
    gettext_noop("sustained allegations"),
    gettext_noop("discipline"),
    gettext_noop("separations"),
    gettext_noop("everyone who said"),
    gettext_noop("awaiting explanation"),
    gettext_noop("explained, with actions"),
    gettext_noop("intersex"),
)


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


def _rate_chart(block: dict[str, Any]) -> str:
    """Each group's selection rate at each step, from the published counts only."""
    order = [s for stages in PROCESSES.values() for s in stages]
    values = []
    for r in block["rows"]:
        passed, failed = r["passed"]["value"], r["failed"]["value"]
        if passed is None or failed is None or passed + failed < engine.MIN_GROUP:
            continue
        values.append({"step": say(r["stage"]), "group": say(r["group"]),
                       "rate": passed / (passed + failed)})  # fmt: skip
    if not values:
        return ""
    steps = [say(s) for s in order if any(v["step"] == say(s) for v in values)]
    return str(
        svg(
            {
                "width": 480,
                "height": 220,
                "description": gettext("Share of each group passing each step"),
                "data": {"values": values},
                "mark": "bar",
                "encoding": {
                    "x": {
                        "field": "step",
                        "type": "nominal",
                        "sort": steps,
                        "title": None,
                        "axis": {"labelAngle": -30},
                    },
                    "xOffset": {"field": "group"},
                    "y": {
                        "field": "rate",
                        "type": "quantitative",
                        "axis": {"format": "%"},
                        "title": gettext("Passed"),
                        "scale": {"domain": [0, 1]},
                    },
                    "color": {
                        "field": "group",
                        "type": "nominal",
                        "title": None,
                        "legend": {"orient": "bottom", "columns": 2},
                    },
                },
            }
        )
    )


def _cell(c: Cell) -> dict[str, Any]:
    return {"value": c.value, "reason": c.reason}


def _workforce(year: int, dimension: str) -> dict[str, Any]:
    """The year's sworn workforce by group: headcount, each kind of record and its rate per
    100, the share of residents; counts suppressed, rates only beside published counts."""
    rates = employment.rates(year, dimension)
    groups = [r for r in rates.rows if r.group]
    kinds = [k for k, _ in employment.RATES]
    if not groups:
        return {"dimension": DIMENSIONS[dimension][0], "rows": [], "kinds": []}
    table, _, totals, _ = suppress_table([[g.headcount, *(g.counts[k] for k in kinds)]
                                          for g in groups])  # fmt: skip
    population = {s.group: s for s in employment.representation(dimension, _year_end(year))[0]}
    said = sum(g.headcount for g in groups)
    rows = []
    for g, cells in zip(groups, table, strict=True):
        head = cells[0]
        published = head.value is not None and g.status == "judged"
        share = population.get(g.group)
        rows.append(
            {
                "group": g.group,
                "headcount": _cell(head),
                "records": [
                    {
                        **_cell(c),
                        "per_100": g.per_100[k] if published and c.value is not None else None,
                    }
                    for k, c in zip(kinds, cells[1:], strict=True)
                ],
                "workforce_share": g.headcount / said if head.value is not None else None,
                "population_share": share.population_share if share else None,
            }
        )
    everyone = rates.rows[0]
    rows.append(
        {
            "group": "everyone who said",
            "headcount": _cell(totals[0]),
            "records": [
                {
                    **_cell(c),
                    "per_100": engine.per_100(c.value, said) if c.value is not None else None,
                }
                for c in totals[1:]
            ],
            "workforce_share": None,
            "population_share": None,
        }
    )
    return {
        "dimension": DIMENSIONS[dimension][0],
        "kinds": [label for _, label in employment.RATES],
        "rows": rows,
        "headcount": everyone.headcount,
        "not_identified": rates.not_identified,
    }


def _year_end(year: int) -> date:
    return min(date(year, 12, 31), timezone.localdate())


def _rate_charts(blocks: list[dict[str, Any]]) -> list[str]:
    return [_rate_chart(b) for b in blocks]


@rollup("workforce:annual")
def annual_report() -> list[dict[str, Any]]:
    """A year at a time, newest first: the year's cycles (a cycle's year is the one in its
    name, else that of its first dated step) and its workforce."""
    by_year: dict[int | None, list[str]] = defaultdict(list)
    for cycle, _, _ in cycles():
        by_year[cycle_year(cycle)].append(cycle)
    this_year = timezone.localdate().year
    years = {y for y in by_year if y is not None} | {
        y for y in employment.record_years() if y <= this_year
    }
    report = []
    for year in sorted(years, reverse=True):
        blocks = [_cycle(c, d) for c in sorted(by_year.get(year, [])) for d in PUBLISHED_DIMENSIONS]
        report.append(
            {
                "year": year,
                "cycles": blocks,
                "charts": in_each_language(partial(_rate_charts, blocks)),
                "workforce": [_workforce(year, d) for d in PUBLISHED_DIMENSIONS],
            }
        )
    undated = [_cycle(c, d) for c in sorted(by_year.get(None, [])) for d in PUBLISHED_DIMENSIONS]
    if undated:
        report.append({"year": None, "cycles": undated, "charts": {}, "workforce": []})
    return report


def report_csv(report: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "year",
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
    for year in report:
        for block in year["cycles"]:
            _write_cycle(writer, year["year"], block)
    return out.getvalue()


def _write_cycle(writer: Any, year: int | None, block: dict[str, Any]) -> None:
    for r in block["rows"]:
        ratio = "" if r["impact_ratio"] is None else f"{r['impact_ratio']:.2f}"
        writer.writerow(
            [
                "" if year is None else year,
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


def workforce_csv(report: list[dict[str, Any]]) -> str:
    """The workforce by year and group: each count (blank where not published) and its rate
    per 100 employees."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    kinds = [label.replace(" ", "_") for _, label in employment.RATES]
    writer.writerow(["year", "groups_by", "group", "headcount", *kinds,
                     *(f"{k}_per_100" for k in kinds), "share_of_residents"])  # fmt: skip
    for year in report:
        for table in year["workforce"]:
            for r in table["rows"]:
                rates = [
                    "" if c["per_100"] is None else f"{c['per_100']:.1f}" for c in r["records"]
                ]
                residents = r["population_share"]
                writer.writerow(
                    [
                        year["year"],
                        table["dimension"],
                        r["group"],
                        _say(r["headcount"]),
                        *(_say(c) for c in r["records"]),
                        *rates,
                        "" if residents is None else f"{residents:.3f}",
                    ]
                )
    return out.getvalue()


def _say(cell: dict[str, Any]) -> str:
    return "" if cell["value"] is None else str(cell["value"])


def by_cycle(
    tables: list[tuple[dict[str, Any], str]],
) -> dict[str, list[tuple[dict[str, Any], str]]]:
    """A year's tables with their charts, each cycle's together."""
    grouped: dict[str, list[tuple[dict[str, Any], str]]] = defaultdict(list)
    for block, chart in tables:
        grouped[block["cycle"]].append((block, chart))
    return dict(grouped)
