"""The live supervisor board: what is waiting, who is free, and how fast calls are answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest, refused
from safercity.core.roles import Role, has_role, role_required
from safercity.emergency.engine.nena import Shares, shares
from safercity.emergency.models import Call, Callback, Position, QueueAlert
from safercity.emergency.services.queue import (
    ROUTING_ROLES,
    Alert,
    alert_acknowledge,
    alerts,
    roll_to_partner,
)

ROLLING = timedelta(minutes=60)


@dataclass(frozen=True)
class PositionState:
    position: Position
    call: Call | None


@dataclass(frozen=True)
class Board:
    now: datetime
    waiting: int
    longest_wait_s: float | None
    positions: list[PositionState]
    rolling: Shares
    alerts: list[tuple[Alert, QueueAlert | None]]  # with the worker's record, once raised
    callbacks_open: int
    callbacks_overdue: int


def board_state(now: datetime | None = None) -> Board:
    now = now or timezone.now()
    waiting = list(
        Call.objects.filter(state=Call.State.WAITING, rolled_to_partner_at__isnull=True)
        .exclude(arrived_at=None)
        .order_by("arrived_at")
    )
    live = {
        c.position_id: c
        for c in Call.objects.filter(state__in=Call.LIVE_STATES).exclude(position=None)
    }
    recent = Call.objects.filter(line=Call.Line.EMERGENCY, arrived_at__gte=now - ROLLING)
    seconds = [c.answer_seconds for c in recent]
    open_callbacks = Callback.objects.filter(outcome__in=["open", "no_answer"])
    first = waiting[0].arrived_at if waiting else None
    on_duty = Position.objects.exclude(state=Position.State.SIGNED_OUT)
    return Board(
        now=now,
        waiting=len(waiting),
        longest_wait_s=(now - first).total_seconds() if first else None,
        positions=[PositionState(p, live.get(p.pk)) for p in on_duty],
        rolling=shares(seconds),
        alerts=_with_records(alerts(now)),
        callbacks_open=open_callbacks.count(),
        callbacks_overdue=open_callbacks.filter(due_at__lt=now).count(),
    )


def _with_records(found: list[Alert]) -> list[tuple[Alert, QueueAlert | None]]:
    raised = {a.call_id: a for a in QueueAlert.objects.filter(call__in=[f.call for f in found])}
    return [(alert, raised.get(alert.call.pk)) for alert in found]


def _context(request: HtmxHttpRequest, error: str = "") -> dict[str, object]:
    return {
        "board": board_state(),
        "error": error,
        "partner": settings.SAFERCITY_PARTNER_CENTER,
        "supervisor": has_role(request.user, *ROUTING_ROLES),
    }


@role_required(Role.SUPERVISOR_911, Role.CALL_TAKER, Role.DISPATCHER, Role.ADMINISTRATOR)
def board(request: HtmxHttpRequest) -> HttpResponse:
    template = "emergency/_board.html" if request.htmx else "emergency/board.html"
    return render(request, template, _context(request))


def _done(request: HtmxHttpRequest, error: str = "") -> HttpResponse:
    if request.htmx:
        return render(request, "emergency/_board.html", _context(request, error))
    if error:
        return refused(request, error, reverse("emergency:board"))
    return redirect("emergency:board")


@require_POST
@role_required(*ROUTING_ROLES)
def acknowledge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    alert_acknowledge(actor=request.user, alert=get_object_or_404(QueueAlert, pk=pk))
    return _done(request)


@require_POST
@role_required(*ROUTING_ROLES)
def to_partner(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    try:
        roll_to_partner(actor=request.user, call=call, partner=settings.SAFERCITY_PARTNER_CENTER)
    except ValueError as refused:
        return _done(request, str(refused))
    return _done(request)
