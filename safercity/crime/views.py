"""The public crime dashboard: the homicide goal, CompStat by district, open data files."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.accountability.selectors import homicide_goal
from safercity.core.charts import svg
from safercity.core.publication import suppress_table
from safercity.crime.compstat import PERIODS, compstat
from safercity.crime.models import CrimeRecord
from safercity.crime.publish import FILES, GROUPS
from safercity.crime.selectors import homicides_by_year


def _homicide_chart() -> Any:
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


def _latest_day() -> date | None:
    """The last day of the latest month coded: records arrive a month at a time, and a
    mistyped date of occurrence can lie in the future."""
    latest: date | None = CrimeRecord.objects.aggregate(latest=Max("coded_month"))["latest"]
    if latest is None:
        return None
    following = (latest.replace(day=28) + timedelta(days=4)).replace(day=1)
    last_day: date = following - timedelta(days=1)
    return last_day


def _compstat_tables(as_of: date) -> list[dict[str, Any]]:
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
                "rows": [(r.area, cells[i]) for i, r in enumerate(rows)],
                "totals": col_totals,
            }
        )
    return tables


def dashboard(request: HttpRequest) -> HttpResponse:
    as_of = _latest_day()
    requested = request.GET.get("as_of", "")
    if requested:
        try:
            as_of = date.fromisoformat(requested)
        except ValueError:
            return render(
                request,
                "crime/dashboard.html",
                {"error": "as_of must be a date like 2019-06-30"},
                status=400,
            )
    folder = settings.VAR_DIR / "public" / "crime"
    context = {
        "as_of": as_of,
        "goal": homicide_goal(),
        "chart": _homicide_chart(),
        "tables": _compstat_tables(as_of) if as_of else [],
        "periods": PERIODS,
        "files": [name for name in FILES if (folder / name).exists()],
    }
    return render(request, "crime/dashboard.html", context)


def download(request: HttpRequest, name: str) -> FileResponse:
    if name not in FILES:
        raise Http404("no such file")
    path = settings.VAR_DIR / "public" / "crime" / name
    if not path.exists():
        raise Http404("not published yet")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"stl-crime-{name}")
