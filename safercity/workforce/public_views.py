"""The public annual report of hiring, promotion and the workforce by group, and its CSVs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from safercity.core.charts import in_language
from safercity.core.rollups import rollup_read
from safercity.workforce.publication import by_cycle, report_csv, workforce_csv


def _chosen(years: list[dict[str, Any]], asked: str | None) -> dict[str, Any] | None:
    """The year asked for (`?year=2025`, or `undated` for cycles with no year), else the
    newest complete year (the current one is reached by asking for it)."""
    for year in years:
        label = "undated" if year["year"] is None else str(year["year"])
        if asked is not None and label == asked.strip():
            return year
    this_year = timezone.localdate().year
    complete = [y for y in years if y["year"] is not None and y["year"] < this_year]
    return complete[0] if complete else years[0] if years else None


def report_page(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("workforce:annual")
    year = _chosen(snapshot.data, request.GET.get("year"))
    cycles: dict[str, list[tuple[dict[str, Any], str]]] = {}
    if year is not None:
        # Drawn by our own chart renderer from published counts (vl-convert escapes labels).
        charts = [mark_safe(c) for c in in_language(year["charts"], [])]  # noqa: S308
        charts += [""] * (len(year["cycles"]) - len(charts))
        cycles = by_cycle(list(zip(year["cycles"], charts, strict=True)))
    return render(
        request,
        "workforce/public/report.html",
        {
            "years": [y["year"] for y in snapshot.data],
            "year": year,
            "cycles": cycles,
            "computed_at": snapshot.computed_at,
            "this_year": timezone.localdate().year,
        },
    )


def report_download(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("workforce:annual")
    answer = HttpResponse(report_csv(snapshot.data), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="hiring-and-promotion.csv"'
    return answer


def workforce_download(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("workforce:annual")
    answer = HttpResponse(workforce_csv(snapshot.data), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="workforce-by-group.csv"'
    return answer
