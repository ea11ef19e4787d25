"""The public crime dashboard's sums, computed by a background task into a snapshot: the
homicide chart and the CompStat tables (suppressed) for the latest month coded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Max

from safercity.accountability.selectors import goal_data, homicide_goal
from safercity.core.charts import svg
from safercity.core.publication import suppress_table
from safercity.core.rollups import rollup
from safercity.crime.compstat import compstat
from safercity.crime.models import CrimeRecord
from safercity.crime.publish import GROUPS
from safercity.crime.selectors import homicides_by_year


def homicide_chart() -> Any:
    years = homicides_by_year()
    goal = homicide_goal()
    if not years:
        return None
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": [{"year": str(y), "homicides": n} for y, n in years.items()]},
            "mark": {"type": "bar", "color": "#0b5cad"},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": None},
                "y": {"field": "homicides", "type": "quantitative", "title": "homicides"},
            },
        }
    ]
    if goal:
        lines = [
            {
                "label": f"2020 baseline ({goal.baseline.value:.0f})",
                "value": float(goal.baseline.value),
            },
            {"label": f"target ({goal.target})", "value": goal.target},
        ]
        layers.append(
            {
                "data": {"values": lines},
                "mark": {"type": "rule", "strokeDash": [4, 4]},
                "encoding": {
                    "y": {"field": "value", "type": "quantitative"},
                    "color": {
                        "field": "label",
                        "type": "nominal",
                        "title": None,
                        "legend": {"orient": "bottom"},
                    },
                },
            }
        )
    return svg(
        {
            "title": "Homicides a year (SLMPD records, by year coded)",
            "width": 700,
            "height": 220,
            "layer": layers,
        }
    )


def latest_day() -> date | None:
    """The last day of the latest month coded: records arrive a month at a time, and a
    mistyped date of occurrence can lie in the future."""
    latest: date | None = CrimeRecord.objects.aggregate(latest=Max("coded_month"))["latest"]
    if latest is None:
        return None
    following = (latest.replace(day=28) + timedelta(days=4)).replace(day=1)
    last_day: date = following - timedelta(days=1)
    return last_day


def compstat_tables(as_of: date) -> list[dict[str, Any]]:
    tables = []
    for group in ("violent", "property"):
        rows = compstat(as_of, by="district", ucr_classes=GROUPS[group])
        rows = [r for r in rows if r.area.endswith("(2014 map)")] or rows
        numbers = [[v for pair in zip(r.current, r.prior, strict=True) for v in pair] for r in rows]
        if not numbers:
            continue
        counts = [[max(0, n) for n in row] for row in numbers]
        cells, _, col_totals, _ = suppress_table(counts)
        tables.append(
            {
                "group": group,
                # As published: a count, or "*" where it is suppressed.
                "rows": [(r.area, [str(c) for c in cells[i]]) for i, r in enumerate(rows)],
                "totals": [str(c) for c in col_totals],
            }
        )
    return tables


@rollup("crime:dashboard")
def _dashboard_rollup() -> dict[str, Any]:
    """The dashboard for the latest month coded (the page most people see)."""
    as_of = latest_day()
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "chart": str(homicide_chart() or ""),
        "tables": compstat_tables(as_of) if as_of else [],
        "goal": goal_data(),
    }


def tables_for_day(as_of: date, version: str) -> dict[str, Any]:
    """An analyst's earlier date: computed once per date and per refresh of the records."""
    key = f"crime:dashboard:{as_of.isoformat()}:{version}"
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = {"tables": compstat_tables(as_of)}
        cache.set(key, found, timeout=3600)
    return found
