"""The supervisor's setup page (/staff/911/setup/): positions and units, added and changed
through the audited services (the admin shows records read-only)."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from safercity.core.roles import role_required
from safercity.emergency.engine.triage import Discipline
from safercity.emergency.models import Position, Unit
from safercity.emergency.services.setup import SETUP_ROLES, SetupInvalid, position_save, unit_save


def _page(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "emergency/setup.html",
        {
            "positions": Position.objects.all(),
            "units": Unit.objects.all(),
            "disciplines": [d.value for d in Discipline],
            "error": error,
        },
        status=status,
    )


@role_required(*SETUP_ROLES)
def page(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _number(text: str, what: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise SetupInvalid(f"{what} must be a number") from None
    if not math.isfinite(value):
        raise SetupInvalid(f"{what} must be a number")
    return value


def _saved(request: HttpRequest, action: Any) -> HttpResponse:
    try:
        action()
    except SetupInvalid as invalid:
        return _page(request, str(invalid), status=400)
    return redirect("emergency:setup")


@require_POST
@role_required(*SETUP_ROLES)
def position(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    existing = get_object_or_404(Position, pk=pk) if pk else None
    return _saved(
        request,
        lambda: position_save(
            actor=request.user,
            name=request.POST.get("name", ""),
            languages=request.POST.get("languages", "").replace(",", " ").split(),
            handles_text=request.POST.get("handles_text") == "on",
            is_backup=request.POST.get("is_backup") == "on",
            position=existing,
        ),
    )


@require_POST
@role_required(*SETUP_ROLES)
def unit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    existing = get_object_or_404(Unit, pk=pk) if pk else None
    return _saved(
        request,
        lambda: unit_save(
            actor=request.user,
            call_sign=request.POST.get("call_sign", ""),
            discipline=request.POST.get("discipline", ""),
            co_responder=request.POST.get("co_responder") == "on",
            lat=_number(request.POST.get("lat", ""), "latitude"),
            lon=_number(request.POST.get("lon", ""), "longitude"),
            unit=existing,
        ),
    )
