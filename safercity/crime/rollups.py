"""The public crime dashboard's sums, computed by a background task into a snapshot: the
homicide chart and the CompStat tables (suppressed) for the latest month coded."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Min
from django.utils import translation
from django.utils.translation import gettext as _

from safercity.accountability.selectors import goal_data, homicide_goal
from safercity.core.charts import in_each_language, svg
from safercity.core.months import month_after
from safercity.core.publication import suppress_table
from safercity.core.rollups import rollup
from safercity.crime.compstat import compstat, incomplete
from safercity.crime.models import CrimeRecord
from safercity.crime.publish import GROUPS
from safercity.crime.selectors import (
    homicides_by_month,
    homicides_by_year,
    homicides_year_to_date,
)


def _year_label(year: int, months: int) -> str:
    """A year with records for fewer than twelve months says so on the chart."""
    return (
        str(year)
        if months >= 12
        else _("{year} ({months} months)").format(year=year, months=months)
    )


def homicide_chart() -> Any:
    years = homicides_by_year()
    goal = homicide_goal()
    if not years:
        return None
    by_month = homicides_by_month()
    months = Counter(month.year for month in by_month)
    whole, part = _("whole year"), _("part of the year")
    values = [
        {
            "year": _year_label(y, months[y]),
            "homicides": n,
            "kind": whole if months[y] >= 12 else part,
        }
        for y, n in years.items()
    ]
    layers: list[dict[str, Any]] = [
        {
            "data": {"values": values},
            "mark": {"type": "bar"},
            "encoding": {
                "x": {"field": "year", "type": "ordinal", "title": None, "sort": None},
                "y": {"field": "homicides", "type": "quantitative", "title": _("homicides")},
                "color": {
                    "field": "kind",
                    "type": "nominal",
                    "title": None,
                    "scale": {
                        "domain": [whole, part],
                        "range": ["#0b5cad", "#9cc3ea"],
                    },
                    "legend": {"orient": "bottom"},
                },
            },
        }
    ]
    so_far = homicides_year_to_date(by_month)
    if so_far is not None and so_far.partial and so_far.last_year is not None:
        # The fair comparison for a partial year: the same months of the year before.
        layers.append(
            {
                "data": {
                    "values": [
                        {
                            "year": _year_label(so_far.year, months[so_far.year]),
                            "homicides": so_far.last_year,
                            "label": _("same months of {year}").format(year=so_far.year - 1),
                        }
                    ]
                },
                "mark": {"type": "tick", "thickness": 3, "color": "#b00020"},
                "encoding": {
                    "x": {"field": "year", "type": "ordinal", "sort": None},
                    "y": {"field": "homicides", "type": "quantitative"},
                    "tooltip": {"field": "label"},
                },
            }
        )
    if goal:
        lines = [
            {
                "label": _("2020 baseline ({value})").format(value=f"{goal.baseline.value:.0f}"),
                "value": float(goal.baseline.value),
            },
            {"label": _("target ({value})").format(value=goal.target), "value": goal.target},
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
            "width": 520,
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
    following = month_after(latest)
    last_day: date = following - timedelta(days=1)
    return last_day


def first_day() -> date | None:
    first: date | None = CrimeRecord.objects.aggregate(first=Min("coded_month"))["first"]
    return first


def compstat_notes(as_of: date) -> list[str]:
    """Which periods of the tables the records do not wholly cover."""
    first, last = first_day(), latest_day()
    if first is None or last is None:
        return []
    return incomplete(as_of, first, last)


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
    """The dashboard for the latest month coded (the page most people see); the chart and the
    notes in each of the site's languages."""
    as_of = latest_day()
    return {
        "as_of": as_of.isoformat() if as_of else None,
        "charts": in_each_language(lambda: str(homicide_chart() or "")),
        "tables": compstat_tables(as_of) if as_of else [],
        "notes_by_language": in_each_language(lambda: compstat_notes(as_of) if as_of else []),
        "goal": goal_data(),
    }


def tables_for_day(as_of: date, version: str) -> dict[str, Any]:
    """An analyst's earlier date: computed once per date and per refresh of the records."""
    key = f"crime:dashboard:{as_of.isoformat()}:{version}:{translation.get_language()}"
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = {"tables": compstat_tables(as_of), "notes": compstat_notes(as_of)}  # this language
        cache.set(key, found, timeout=3600)
    return found
