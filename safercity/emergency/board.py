"""The live supervisor board: what is waiting, who is free, and how fast calls are answered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safercity.core.http import HtmxHttpRequest
from safercity.core.roles import Role, role_required
from safercity.emergency.engine.nena import Shares, shares
from safercity.emergency.models import Call, Callback, Position
from safercity.emergency.services.queue import Alert, alerts

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
    alerts: list[Alert]
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
        alerts=alerts(now),
        callbacks_open=open_callbacks.count(),
        callbacks_overdue=open_callbacks.filter(due_at__lt=now).count(),
    )


@role_required(Role.SUPERVISOR_911, Role.CALL_TAKER, Role.DISPATCHER, Role.ADMINISTRATOR)
def board(request: HtmxHttpRequest) -> HttpResponse:
    template = "emergency/_board.html" if request.htmx else "emergency/board.html"
    return render(request, template, {"board": board_state()})
