"""The public page of commitment 6: violations issued on rented (non-owner-occupied) and
owner-occupied homes by month, from the baseline year on, with small counts suppressed.
No addresses, no owners: counts only."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from safercity.core.charts import in_each_language, in_language, svg
from safercity.core.publication import Cell, suppress_table
from safercity.core.rollups import rollup, rollup_read
from safercity.properties import measures
from safercity.properties.models import Violation


@dataclass(frozen=True)
class Month:
    month: date
    rented: Cell
    owner: Cell


def series(today: date | None = None) -> tuple[list[Month], int | None, float | None]:
    """Whole months from the baseline year (or the first violation) to the last full month;
    the baseline year and its monthly average."""
    today = today or timezone.localdate()
    year = measures.baseline_year()
    first_issued = Violation.objects.order_by("issued_on").values_list("issued_on", flat=True)
    start = date(year, 1, 1) if year else (first_issued.first() or today)
    last = measures.last_full_month(today)
    months = measures.months_between(start, last)
    baseline = measures.baseline_per_month(year)
    if not months:
        return [], year, baseline
    end = measures.next_month(last) - timedelta(days=1)
    rented = measures.monthly_counts(months[0], end)
    owner = measures.monthly_counts(months[0], end, non_owner_occupied=False)
    table = suppress_table(
        [[rented[m] for m in months], [owner[m] for m in months]], with_totals=True
    )[0]
    return [Month(m, table[0][i], table[1][i]) for i, m in enumerate(months)], year, baseline


def _chart(months: list[Month], target: float | None) -> str:
    values = [
        {"month": m.month.isoformat(), "homes": label, "violations": cell.value}
        for m in months
        for label, cell in ((_("rented"), m.rented), (_("owner-occupied"), m.owner))
        if not cell.suppressed
    ]
    layers: list[dict[str, object]] = [
        {
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {
                    "field": "month",
                    "type": "temporal",
                    "title": None,
                    "scale": {"type": "utc"},
                },
                "y": {"field": "violations", "type": "quantitative", "title": _("Violations")},
                "color": {
                    "field": "homes",
                    "type": "nominal",
                    "title": _("Homes"),
                    "legend": {"orient": "bottom"},
                },
            },
        }
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": target}]},
                "mark": {"type": "rule", "strokeDash": [4, 4]},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    if not values:
        return ""
    return str(svg({"width": 480, "height": 240, "data": {"values": values}, "layer": layers}))


@rollup("properties:monthly")
def _monthly_rollup() -> dict[str, Any]:
    months, year, baseline = series()
    target = baseline * measures.TARGET_MULTIPLE if baseline is not None else None
    return {
        # As published: a count, or "*" where it is suppressed.
        "months": [[m.month.isoformat(), str(m.rented), str(m.owner)] for m in months],
        "year": year,
        "baseline": baseline,
        "target": target,
        "charts": in_each_language(lambda: _chart(months, target)),
    }


def _published() -> tuple[list[dict[str, Any]], dict[str, Any], datetime]:
    snapshot = rollup_read("properties:monthly")
    months = [
        {"month": date.fromisoformat(month), "rented": rented, "owner": owner}
        for month, rented, owner in snapshot.data["months"]
    ]
    return months, snapshot.data, snapshot.computed_at


def page(request: HttpRequest) -> HttpResponse:
    months, data, computed_at = _published()
    context = {
        "months": months,
        "baseline": data["baseline"],
        "target": data["target"],
        "year": data["year"],
        # Drawn by our own chart renderer from counts (vl-convert escapes every label).
        "chart": mark_safe(in_language(data.get("charts", {}), "")),  # noqa: S308
        "computed_at": computed_at,
    }
    return render(request, "properties/public.html", context)


def csv_download(request: HttpRequest) -> HttpResponse:
    months = _published()[0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "violations_rented_homes", "violations_owner_occupied_homes"])
    for m in months:
        writer.writerow([m["month"].strftime("%Y-%m"), m["rented"], m["owner"]])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="violations-by-month.csv"'
    return response
