"""The public use-of-force pages: the dashboard, the dataset with its data dictionary, and
the policy's text (every version, with the stage deadlines it sets)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from safercity.core.rollups import rollup_read
from safercity.useofforce.engine import DEFAULT_DAYS, STAGES
from safercity.useofforce.exports import FBI_SCHEMA, MISSOURI_SCHEMA, SCHEMAS
from safercity.useofforce.models import PolicyVersion
from safercity.useofforce.publication import columns, dataset_csv


def dashboard_page(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("useofforce:public")
    figures = snapshot.data
    peak = max([m["incidents"]["value"] or 0 for m in figures["months"]] + [1])
    return render(
        request,
        "useofforce/public/dashboard.html",
        {
            "f": figures,
            "computed_at": snapshot.computed_at,
            "peak": peak,
        },
    )


def data_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "useofforce/public/data.html",
        {
            "columns": columns(),
            "policies": PolicyVersion.objects.all(),
        },
    )


def dataset_download(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("useofforce:dataset")
    answer = HttpResponse(dataset_csv(snapshot.data), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="use-of-force.csv"'
    answer["X-Content-Type-Options"] = "nosniff"
    return answer


def policy_page(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_object_or_404(PolicyVersion, pk=pk)
    days = [(stage, policy.days_for(stage), stage in policy.stage_days) for stage in STAGES]
    return render(
        request,
        "useofforce/public/policy.html",
        {
            "policy": policy,
            "days": days,
            "defaults": DEFAULT_DAYS,
        },
    )


def schema_download(request: HttpRequest, name: str) -> HttpResponse:
    """The exports' published JSON Schemas."""
    if name not in (FBI_SCHEMA, MISSOURI_SCHEMA):
        raise Http404("No such schema.")
    answer = HttpResponse((SCHEMAS / name).read_bytes(), content_type="application/schema+json")
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
