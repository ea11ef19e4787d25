"""The call-taker workstation (/staff/911/): sign in to a position, go ready, and work the call
the router sends: who is calling and from where (with the last day's calls from the same number
or address), answer, triage, the CAD incident, one-step transfers, release.

The page asks for news every half second. The answer is empty (204) while nothing changed; the
status line is replaced when the position or call moves on, and the work area (the triage form
the call-taker may be typing in) only when the call itself changes or the call-taker acted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property, wraps
from typing import Any

from django.db.models import Q
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.actors import actor_label
from safercity.core.http import HtmxHttpRequest
from safercity.core.roles import role_required
from safercity.emergency.engine.triage import CALL_TYPES, Answers, Discipline
from safercity.emergency.models import Call, Incident, Position
from safercity.emergency.services.cad import incident_from_call
from safercity.emergency.services.desk import (
    DESK_ROLES,
    TRANSFER_TARGETS,
    DeskRefused,
    call_answer,
    call_release,
    call_transfer,
    position_set_state,
    position_sign_in,
    position_sign_out,
)
from safercity.emergency.services.triage import call_triage

PRIOR_WINDOW = timedelta(hours=24)
# How long the last call stays on the desk after it ended, to finish its triage and incident.
AFTER_CALL = timedelta(minutes=30)
QUESTIONS = (
    ("weapon", "A weapon is involved"),
    ("violence", "Violence is happening"),
    ("serious_injury", "Someone is badly hurt"),
    ("in_progress", "It is happening now"),
    ("danger_to_others", "Someone is a danger to others"),
)


@dataclass
class Desk:
    position: Position | None
    call: Call | None = None
    incident: Incident | None = None
    error: str = ""

    @cached_property
    def prior(self) -> list[Call]:
        """Read only when the call card is drawn, not on every half-second poll."""
        return _prior_calls(self.call) if self.call is not None else []

    @property
    def said(self) -> list[str]:
        """The triage questions the caller answered yes to, to show them checked again."""
        answers = self.call.triage_answers if self.call else {}
        return [name for name, yes in answers.items() if yes]

    @property
    def status_token(self) -> str:
        position, call = self.position, self.call
        if position is None:
            return "out"
        call_part = f"{call.pk}:{call.state}" if call else "-"
        return f"{position.state}:{position.state_reason}:{call_part}"

    @property
    def work_token(self) -> str:
        call = self.call
        if call is None:
            return "-"
        triaged = call.triaged_at.isoformat() if call.triaged_at else ""
        return f"{call.pk}:{triaged}:{self.incident.pk if self.incident else ''}"


def _position_of(request: HtmxHttpRequest) -> Position | None:
    return Position.objects.filter(staffed_by=actor_label(request.user)).first()


def _current_call(position: Position) -> Call | None:
    live = Call.objects.filter(position=position, state__in=Call.LIVE_STATES).first()
    if live is not None or position.state == Position.State.READY:
        return live
    # Between calls (wrap-up or not ready): the call just ended, to finish its paperwork.
    since = timezone.now() - AFTER_CALL
    return (
        Call.objects.filter(position=position, answered_at__isnull=False)
        .filter(Q(released_at__gte=since) | Q(transferred_at__gte=since))
        .order_by("-answered_at")
        .first()
    )


def _prior_calls(call: Call) -> list[Call]:
    """The last day's other calls from the same number or the same address."""
    same = Q()
    if call.ani:
        same |= Q(ani=call.ani)
    if call.ali:
        same |= Q(ali__iexact=call.ali)
    if not same or call.arrived_at is None:
        return []
    since = call.arrived_at - PRIOR_WINDOW
    return list(
        Call.objects.filter(same, arrived_at__gte=since, arrived_at__lte=call.arrived_at)
        .exclude(pk=call.pk)
        .order_by("-arrived_at")[:10]
    )


def desk_state(request: HtmxHttpRequest, error: str = "") -> Desk:
    position = _position_of(request)
    desk = Desk(position, error=error)
    if position is None:
        return desk
    desk.call = _current_call(position)
    if desk.call is not None:
        desk.incident = Incident.objects.filter(call=desk.call).first()
    return desk


def _context(request: HtmxHttpRequest, desk: Desk) -> dict[str, Any]:
    return {
        "desk": desk,
        "positions": Position.objects.all(),
        "reasons": Position.NOT_READY_REASONS,
        "call_types": sorted(CALL_TYPES.values(), key=lambda t: (t.service_311 != "", t.label)),
        "questions": QUESTIONS,
        "disciplines": [d.value for d in Discipline],
        "transfers": TRANSFER_TARGETS,
        "me": actor_label(request.user),
    }


def _desk_response(request: HtmxHttpRequest, error: str = "") -> HttpResponse:
    if not request.htmx and not error:
        return redirect("emergency:desk")  # the page without scripts: back to the desk
    desk = desk_state(request, error)
    if request.htmx:
        return render(request, "emergency/_desk.html", _context(request, desk))
    status = 400 if error else 200
    return render(request, "emergency/desk.html", _context(request, desk), status=status)


@role_required(*DESK_ROLES)
def desk(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "emergency/desk.html", _context(request, desk_state(request)))


@role_required(*DESK_ROLES)
def poll(request: HtmxHttpRequest) -> HttpResponse:
    """204 while nothing changed; the status line, or the whole desk when the call changed."""
    state = desk_state(request)
    seen_status, seen_work = request.GET.get("status", ""), request.GET.get("work", "")
    if state.status_token == seen_status and state.work_token == seen_work:
        return HttpResponse(status=204)
    context = _context(request, state)
    if state.work_token == seen_work:
        return render(request, "emergency/_desk_status.html", context)
    response = render(request, "emergency/_desk.html", context)
    response["HX-Retarget"] = "#desk"
    return response


def _act(request: HtmxHttpRequest, action: Any) -> HttpResponse:
    try:
        action()
    except (DeskRefused, ValueError) as refused:
        return _desk_response(request, str(refused))
    return _desk_response(request)


def _mine_or_refuse(request: HtmxHttpRequest) -> Position:
    position = _position_of(request)
    if position is None:
        raise DeskRefused("sign in to a position first")
    return position


@require_POST
@role_required(*DESK_ROLES)
def sign_in(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk)
    return _act(request, lambda: position_sign_in(actor=request.user, position=position))


@require_POST
@role_required(*DESK_ROLES)
def sign_out(request: HtmxHttpRequest) -> HttpResponse:
    return _act(
        request,
        lambda: position_sign_out(actor=request.user, position=_mine_or_refuse(request)),
    )


@require_POST
@role_required(*DESK_ROLES)
def set_state(request: HtmxHttpRequest) -> HttpResponse:
    return _act(
        request,
        lambda: position_set_state(
            actor=request.user,
            position=_mine_or_refuse(request),
            state=request.POST.get("state", ""),
            reason=request.POST.get("reason", ""),
        ),
    )


CallAction = Callable[[HtmxHttpRequest, Call, Position], object]


def _on_call(action: CallAction) -> Callable[..., HttpResponseBase]:
    """A desk button for a call: POST, a desk role, and the call-taker's own position."""

    @require_POST
    @role_required(*DESK_ROLES)
    @wraps(action)
    def view(request: HtmxHttpRequest, pk: int) -> HttpResponse:
        call = get_object_or_404(Call, pk=pk)
        return _act(request, lambda: action(request, call, _mine_or_refuse(request)))

    return view


def _yours(call: Call, position: Position) -> None:
    if call.position_id != position.pk:
        raise DeskRefused("this is not your call")


@_on_call
def answer(request: HtmxHttpRequest, call: Call, position: Position) -> object:
    return call_answer(actor=request.user, call=call, position=position)


@_on_call
def release(request: HtmxHttpRequest, call: Call, position: Position) -> object:
    return call_release(actor=request.user, call=call, position=position)


@_on_call
def transfer(request: HtmxHttpRequest, call: Call, position: Position) -> object:
    to = request.POST.get("to", "")
    return call_transfer(actor=request.user, call=call, position=position, to=to)


@_on_call
def triage(request: HtmxHttpRequest, call: Call, position: Position) -> object:
    _yours(call, position)
    if not request.POST.get("call_type"):
        raise DeskRefused("choose the call type")
    answers = Answers(**{name: request.POST.get(name) == "on" for name, _ in QUESTIONS})
    override = None
    if request.POST.get("override") == "on":
        chosen = request.POST.getlist("disciplines")
        unknown = set(chosen) - {d.value for d in Discipline}
        if unknown:
            raise DeskRefused(f"unknown discipline {sorted(unknown)[0]!r}")
        override = tuple(Discipline(d) for d in chosen)
    return call_triage(
        actor=request.user,
        call=call,
        call_type=request.POST.get("call_type", ""),
        answers=answers,
        description=request.POST.get("description", "")[:2000],
        override=override,
        override_reason=request.POST.get("override_reason", "")[:300],
    )


@_on_call
def incident(request: HtmxHttpRequest, call: Call, position: Position) -> object:
    _yours(call, position)
    return incident_from_call(actor=request.user, call=call)
