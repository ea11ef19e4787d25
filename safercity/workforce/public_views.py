"""The public annual report of hiring and promotion by group, and its CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.core.rollups import rollup_read
from safercity.workforce.publication import by_cycle, report_csv


def report_page(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("workforce:public")
    return render(
        request,
        "workforce/public/report.html",
        {
            "cycles": by_cycle(snapshot.data),
            "computed_at": snapshot.computed_at,
        },
    )


def report_download(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("workforce:public")
    answer = HttpResponse(report_csv(snapshot.data), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="hiring-and-promotion.csv"'
    return answer
