"""NENA-STA-020.1 answer times per hour, day or month, for 911 supervisors and analysts. The
rows are rollups (two days by hour, sixty days by day, two years by month) that the task worker
recomputes on a schedule; the page says when."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safercity.core.roles import Role, role_required
from safercity.core.rollups import rollup, rollup_read
from safercity.emergency.engine.nena import AnswerTimes, Period, answer_times
from safercity.emergency.models import Call

SPANS: dict[Period, timedelta] = {
    "hour": timedelta(days=2),
    "day": timedelta(days=60),
    "month": timedelta(days=730),
}
# How often the worker recomputes each (see EmergencyConfig.ready).
REFRESH: dict[Period, timedelta] = {
    "hour": timedelta(minutes=1),
    "day": timedelta(minutes=5),
    "month": timedelta(minutes=30),
}


def _rows(period: Period) -> list[dict[str, Any]]:
    now = timezone.now()
    calls = Call.objects.filter(
        line=Call.Line.EMERGENCY, arrived_at__range=(now - SPANS[period], now)
    )
    pairs = [(timezone.localtime(c.arrived_at), c.answer_seconds) for c in calls.iterator()]
    if not pairs:
        return []
    found = answer_times([a for a, _ in pairs], [s for _, s in pairs], period)
    return [asdict(row) for row in found]


def _rollup_of(period: Period) -> Callable[[], list[dict[str, Any]]]:
    return lambda: _rows(period)


for _period in SPANS:
    rollup(f"nena:{_period}")(_rollup_of(_period))


@role_required(Role.SUPERVISOR_911, Role.ANALYST, Role.ADMINISTRATOR)
def nena_report(request: HttpRequest) -> HttpResponse:
    asked = request.GET.get("period", "day")
    period: Period = asked if asked in SPANS else "day"
    snapshot = rollup_read(f"nena:{period}")
    rows = [AnswerTimes(**row) for row in snapshot.data]
    return render(
        request,
        "emergency/nena.html",
        {
            "rows": rows[::-1],
            "period": period,
            "periods": SPANS,
            "computed_at": snapshot.computed_at,
        },
    )
