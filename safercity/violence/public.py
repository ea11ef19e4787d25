"""The public quarterly page of commitment 1: counts only, small ones hidden, no group named."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.core.rollups import rollup_read


def quarterly(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("violence:quarterly")  # measures._quarterly computes it
    return render(
        request,
        "violence/public.html",
        {"data": snapshot.data, "computed_at": snapshot.computed_at},
    )
