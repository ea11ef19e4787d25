"""The Equity Indicators' pages: the public report (city, themes, topics, indicators with
their trend, chart and source) and its CSV; analysts' import of the framework, the yearly
values and the ratio-to-score table."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from safercity.core.charts import svg
from safercity.core.inputs import InputRefused
from safercity.core.roles import role_required
from safercity.core.rollups import rollup_read
from safercity.equity import indicators
from safercity.equity.indicators import KEEPERS

KINDS = {
    "framework": ("The framework", indicators.framework_import,
                  "theme, topic, indicator, direction (B-W), definition, source"),
    "values": ("A year's values", indicators.values_import,
               "indicator, year, first_rate, second_rate, published_score, source"),
    "table": ("The ratio-to-score table", indicators.table_import, "low, score"),
}  # fmt: skip


def _chart(report: dict[str, Any]) -> str:
    values = [{"year": str(y), "score": s} for y, s in report["city"].items() if s is not None]
    if len(values) < 2:
        return ""
    return str(svg({
        "width": 480, "height": 200, "data": {"values": values}, "mark": {"type": "line",
        "point": True}, "encoding": {"x": {"field": "year", "type": "ordinal", "title": None},
        "y": {"field": "score", "type": "quantitative", "scale": {"domain": [0, 100]},
              "title": "City score"}},
    }))  # fmt: skip


def _for_page(report: dict[str, Any], latest: str | None) -> list[dict[str, Any]]:
    """The themes with their latest scores, and each indicator's cells year by year."""
    years = [str(y) for y in report["years"]]
    return [
        {
            "name": theme["name"],
            "score": theme["scores"].get(latest) if latest else None,
            "topics": [
                {
                    "name": topic["name"],
                    "score": topic["scores"].get(latest) if latest else None,
                    "indicators": [
                        {**ind, "cells": [ind["years"].get(y) for y in years]}
                        for ind in topic["indicators"]
                    ],
                }
                for topic in theme["topics"]
            ],
        }
        for theme in report["themes"]
    ]


def report_page(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("equity:indicators")
    report = snapshot.data
    latest = str(report["years"][-1]) if report["years"] else None
    moved = report["change"].get(latest) if latest and latest != report["baseline"] else None
    return render(
        request,
        "equity/indicators.html",
        {
            "report": report,
            "latest": latest,
            "city": report["city"].get(latest) if latest else None,
            "moved": moved,
            "themes": _for_page(report, latest),
            # Drawn by our own chart renderer from the scores (vl-convert escapes labels).
            "chart": mark_safe(_chart(report)),  # noqa: S308
            "computed_at": snapshot.computed_at,
        },
    )


def report_csv(request: HttpRequest) -> HttpResponse:
    report = rollup_read("equity:indicators").data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "theme", "topic", "indicator", "direction", "first_rate",
                     "second_rate", "ratio", "score", "score_from", "source"])  # fmt: skip
    for theme in report["themes"]:
        for topic in theme["topics"]:
            for ind in topic["indicators"]:
                for year, row in ind["years"].items():
                    writer.writerow([year, theme["name"], topic["name"], ind["name"],
                                     ind["direction"], row["first_rate"], row["second_rate"],
                                     "" if row["ratio"] is None else row["ratio"],
                                     "" if row["score"] is None else row["score"],
                                     row["basis"], row["source"]])  # fmt: skip
    answer = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="equity-indicators.csv"'
    return answer


class ImportForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, v[0]) for k, v in KINDS.items()])
    file = forms.FileField(help_text="a CSV file")
    source = forms.CharField(max_length=300, required=False,
                             help_text="for values: where the figures come from, when the "
                             "file has no source column")  # fmt: skip


@role_required(*KEEPERS)
def import_page(request: HttpRequest) -> HttpResponse:
    form, report, kind = ImportForm(), None, ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            data = form.cleaned_data["file"].read()
            extra = {"source": form.cleaned_data["source"]} if kind == "values" else {}
            try:
                report = KINDS[kind][1](actor=request.user, data=data, **extra)
            except InputRefused as refused:
                form.add_error(None, str(refused))
    failed = request.method == "POST" and (report is None or not report.ok)
    return render(request, "equity/indicators_import.html",
                  {"form": form, "report": report, "kind": kind, "kinds": KINDS},
                  status=400 if failed else 200)  # fmt: skip
