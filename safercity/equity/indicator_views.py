"""The Equity Indicators' pages: the public report (city, themes, topics, indicators with
their trend, chart and source) and its CSV; analysts' import of the framework, the yearly
values and the ratio-to-score table."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from safercity.core.charts import svg
from safercity.core.inputs import InputRefused
from safercity.core.roles import role_required
from safercity.core.rollups import rollup_read
from safercity.equity import computed, indicators, residents
from safercity.equity.indicators import KEEPERS
from safercity.equity.models import Indicator

KINDS: dict[str, tuple[str, Callable[..., Any], str]] = {
    "framework": ("The framework", indicators.framework_import,
                  "theme, topic, indicator, direction (B-W), definition, source"),
    "values": ("A year's values", indicators.values_import,
               "indicator, year, first_rate, second_rate, published_score, source"),
    "table": ("The ratio-to-score table", indicators.table_import, "low, score"),
    "residents": ("Residents by neighborhood and race (a census table)",
                  residents.residents_import,
                  "neighborhood (number or name), total, white, black, hispanic (optional); "
                  "a CSV, or a GeoJSON file whose features carry them (the Census Bureau's "
                  "and the geocrime-stl package's column names are understood)"),
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
            "by_year": [(y, theme["scores"].get(y)) for y in years],
            "topics": [
                {
                    "name": topic["name"],
                    "score": topic["scores"].get(latest) if latest else None,
                    "by_year": [topic["scores"].get(y) for y in years],
                    "indicators": [
                        {**ind, "cells": [ind["years"].get(y) for y in years]}
                        for ind in topic["indicators"]
                    ],
                    "computed": [
                        (ind["name"], y, ind["years"][y]["source"])
                        for ind in topic["indicators"]
                        for y in years
                        if ind["years"].get(y, {}).get("computed")
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
    # The headline is the latest year with a city score (a year computed from SaferCity's
    # records has ratios, and scores only once the ratio-to-score table is loaded).
    scored = [str(y) for y in report["years"] if report["city"].get(str(y)) is not None]
    latest = scored[-1] if scored else (str(report["years"][-1]) if report["years"] else None)
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
    file = forms.FileField(help_text="a CSV file (residents: CSV or GeoJSON)")
    source = forms.CharField(max_length=300, required=False,
                             help_text="for values and residents: where the figures come from "
                             "(values: when the file has no source column)")  # fmt: skip
    year = forms.IntegerField(min_value=1990, max_value=2100, required=False,
                              help_text="for residents: the census year")  # fmt: skip
    leave_out_unmapped = forms.BooleanField(
        required=False,
        label="Leave out areas not on the city's map",
        help_text="for residents: list them instead of refusing the file",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == "residents":
            if data.get("year") is None:
                self.add_error("year", "Give the census year of the residents' table.")
            if not (data.get("source") or "").strip():
                self.add_error("source", "Say where the residents' figures come from.")
        return data


COMPUTE = "compute"  # the form's prefix: its fields' ids differ from the import form's


class ComputeForm(forms.Form):
    year = forms.IntegerField(min_value=1990, max_value=2100,
                              help_text="a past year, or this one (the year so far)")  # fmt: skip


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    context.setdefault("form", ImportForm())
    context.setdefault("compute_form", ComputeForm(initial={"year": _last_year()}, prefix=COMPUTE))
    context.setdefault("status", 200)
    status = context.pop("status")
    return render(request, "equity/indicators_import.html",
                  {"kinds": KINDS, "residents": residents.residents_summary(),
                   "computed": Indicator.objects.exclude(computed_from="").select_related(
                       "topic"), **context}, status=status)  # fmt: skip


def _last_year() -> int:
    return timezone.localdate().year - 1


@role_required(*KEEPERS)
def import_page(request: HttpRequest) -> HttpResponse:
    form, report, kind = ImportForm(), None, ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            data = form.cleaned_data["file"].read()
            extra: dict[str, Any] = {}
            if kind == "values":
                extra = {"source": form.cleaned_data["source"]}
            elif kind == "residents":
                extra = {"source": form.cleaned_data["source"],
                         "year": form.cleaned_data["year"],
                         "leave_out_unmapped": form.cleaned_data["leave_out_unmapped"]}  # fmt: skip
            try:
                report = KINDS[kind][1](actor=request.user, data=data, **extra)
            except InputRefused as refused:
                form.add_error(None, str(refused))
    failed = request.method == "POST" and (report is None or not report.ok)
    return _page(request, form=form, report=report, kind=kind, status=400 if failed else 200)


@role_required(*KEEPERS)
def compute_page(request: HttpRequest) -> HttpResponse:
    """Compute a year's indicators from SaferCity's own records (POST), and show what came of
    each."""
    if request.method != "POST":
        return _page(request)
    form, outcome = ComputeForm(request.POST, prefix=COMPUTE), None
    if form.is_valid():
        try:
            outcome = computed.indicators_compute(actor=request.user,
                                                  year=form.cleaned_data["year"])  # fmt: skip
        except InputRefused as refused:
            form.add_error(None, str(refused))
    return _page(
        request, compute_form=form, outcome=outcome, status=200 if outcome is not None else 400
    )
