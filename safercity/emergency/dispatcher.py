"""The dispatcher workstation (/staff/911/dispatch/): incidents waiting for units by priority
and age with the recommended units (nearest available of each discipline needed, with the
distance) and one button to send them; every unit on an incident with its status buttons and
keyboard shortcuts; reassign and cancel; a live map of incidents and units.

The board asks for news every second and gets 204 until something changed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest
from safercity.core.inputs import plain_id
from safercity.core.roles import role_required
from safercity.emergency.models import Assignment, Incident, Unit
from safercity.emergency.services.cad import (
    DISPATCH_ROLES,
    DISPOSITIONS,
    DispatchRefused,
    Recommendation,
    assignment_cancel,
    dispatch,
    incident_cancel,
    recommend,
    unit_availability,
    unit_progress,
    unit_reassign,
)


@dataclass(frozen=True)
class Waiting:
    incident: Incident
    needs: list[Recommendation]
    age_s: float


@dataclass(frozen=True)
class Board:
    now: datetime
    waiting: list[Waiting]
    active: list[Assignment]
    units: list[Unit]
    open_incidents: list[Incident]

    @property
    def token(self) -> str:
        parts = [
            *(f"i{w.incident.pk}:{w.incident.status}:{len(w.needs)}" for w in self.waiting),
            *(f"a{a.pk}:{a.stage}" for a in self.active),
            *(f"u{u.pk}:{u.status}" for u in self.units),
            *(
                f"r{r.discipline}:{r.unit.pk if r.unit else ''}"
                for w in self.waiting
                for r in w.needs
            ),
        ]
        return hashlib.blake2b("|".join(parts).encode(), digest_size=12).hexdigest()


def board_state() -> Board:
    now = timezone.now()
    units = list(Unit.objects.all())
    available = [u for u in units if u.status == Unit.Status.AVAILABLE]
    open_incidents = list(
        Incident.objects.filter(status__in=Incident.OPEN_STATUSES).prefetch_related(
            "assignments__unit"
        )
    )
    waiting = []
    for incident in open_incidents:
        needs = recommend(incident, available)
        if needs:
            age = (now - incident.received_at).total_seconds()
            waiting.append(Waiting(incident, needs, age))
    waiting.sort(key=lambda w: (w.incident.priority, w.incident.received_at))
    active = list(
        Assignment.objects.filter(cleared_at=None, cancelled_at=None)
        .select_related("unit", "incident")
        .order_by("incident__priority", "dispatched_at")
    )
    return Board(now, waiting, active, units, open_incidents)


def _context(board: Board, error: str = "") -> dict[str, Any]:
    return {"board": board, "dispositions": DISPOSITIONS, "error": error}


@role_required(*DISPATCH_ROLES)
def page(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "emergency/dispatch.html", _context(board_state()))


@role_required(*DISPATCH_ROLES)
def board(request: HtmxHttpRequest) -> HttpResponse:
    state = board_state()
    if request.GET.get("seen") == state.token:
        return HttpResponse(status=204)
    return render(request, "emergency/_dispatch_board.html", _context(state))


@role_required(*DISPATCH_ROLES)
def map_data(request: HtmxHttpRequest) -> JsonResponse:
    """Open incidents and units with a place, as GeoJSON points."""
    features = []
    for incident in Incident.objects.filter(status__in=Incident.OPEN_STATUSES).exclude(lat=None):
        features.append(
            _point(
                incident.lat,
                incident.lon,
                kind="incident",
                label=f"{incident.pk} {incident.call_type} P{incident.priority}",
                status=incident.status,
            )
        )
    for unit in Unit.objects.exclude(lat=None):
        features.append(
            _point(unit.lat, unit.lon, kind="unit", label=unit.call_sign, status=unit.status)
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


def _point(lat: float | None, lon: float | None, **properties: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }


def _act(request: HtmxHttpRequest, action: Any) -> HttpResponse:
    error = ""
    try:
        action()
    except (DispatchRefused, ValueError) as refused:
        error = str(refused)
    if not request.htmx and not error:
        return redirect("emergency:dispatch")  # the page without scripts: back to the board
    context = _context(board_state(), error)
    if request.htmx:
        return render(request, "emergency/_dispatch_board.html", context)
    return render(request, "emergency/dispatch.html", context, status=400)


def _posted(request: HtmxHttpRequest, name: str, model: Any) -> Any:
    number = plain_id(request.POST.get(name, ""))
    if number is None:
        raise DispatchRefused(f"choose the {name}")
    found = model.objects.filter(pk=number).first()
    if found is None:
        raise DispatchRefused(f"no such {name}")
    return found


def _on(model: Any) -> Callable[[Callable[[HtmxHttpRequest, Any], object]], Any]:
    """A dispatcher's button for one record of `model`: POST, a dispatch role."""

    def build(action: Callable[[HtmxHttpRequest, Any], object]) -> Any:
        @require_POST
        @role_required(*DISPATCH_ROLES)
        @wraps(action)
        def view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
            found = get_object_or_404(model, pk=pk)
            return _act(request, lambda: action(request, found))

        return view

    return build


@_on(Incident)
def send(request: HtmxHttpRequest, incident: Incident) -> object:
    unit = _posted(request, "unit", Unit)
    return dispatch(actor=request.user, incident=incident, unit=unit)


@_on(Assignment)
def progress(request: HtmxHttpRequest, assignment: Assignment) -> object:
    return unit_progress(
        actor=request.user,
        assignment=assignment,
        status=request.POST.get("status", ""),
        disposition=request.POST.get("disposition", ""),
    )


@_on(Assignment)
def take_off(request: HtmxHttpRequest, assignment: Assignment) -> object:
    reason = request.POST.get("reason", "")
    return assignment_cancel(actor=request.user, assignment=assignment, reason=reason)


@_on(Assignment)
def reassign(request: HtmxHttpRequest, assignment: Assignment) -> object:
    target = _posted(request, "incident", Incident)
    return unit_reassign(actor=request.user, assignment=assignment, incident=target)


@_on(Incident)
def cancel(request: HtmxHttpRequest, incident: Incident) -> object:
    reason = request.POST.get("reason", "")
    return incident_cancel(actor=request.user, incident=incident, reason=reason)


@_on(Unit)
def service(request: HtmxHttpRequest, unit: Unit) -> object:
    in_service = request.POST.get("in_service") == "1"
    return unit_availability(actor=request.user, unit=unit, in_service=in_service)
