"""NENA-STA-020.1 answer times per hour, day or month, for 911 supervisors and analysts."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safercity.core.roles import Role, role_required
from safercity.emergency.engine.nena import Period, answer_times
from safercity.emergency.models import Call

SPANS = {"hour": timedelta(days=2), "day": timedelta(days=60), "month": timedelta(days=730)}


@role_required(Role.SUPERVISOR_911, Role.ANALYST, Role.ADMINISTRATOR)
def nena_report(request: HttpRequest) -> HttpResponse:
    period: Period = request.GET.get("period", "day")  # type: ignore[assignment]
    if period not in SPANS:
        period = "day"
    since = timezone.now() - SPANS[period]
    calls = Call.objects.filter(line=Call.Line.EMERGENCY, arrived_at__gte=since).exclude(
        arrived_at=None
    )
    pairs = [(timezone.localtime(c.arrived_at), c.answer_seconds) for c in calls]
    rows = answer_times([a for a, _ in pairs], [s for _, s in pairs], period) if pairs else []
    return render(
        request, "emergency/nena.html", {"rows": rows[::-1], "period": period, "periods": SPANS}
    )
