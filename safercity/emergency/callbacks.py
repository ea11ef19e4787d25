"""The callback worklist: every abandoned call, soonest due first, until someone is reached.
A call-taker claims a callback before dialling; the others see who is calling."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.actors import actor_label
from safercity.core.http import HtmxHttpRequest, refused
from safercity.core.roles import role_required
from safercity.emergency.models import Callback
from safercity.emergency.services import (
    CALLBACK_ROLES,
    _claim_holder,
    callback_claim,
    callback_record,
)

OPEN = (Callback.Outcome.OPEN, Callback.Outcome.NO_ANSWER)


def _row_context(request: HtmxHttpRequest, callback: Callback) -> dict[str, Any]:
    now = timezone.now()
    holder = _claim_holder(callback, now)
    return {
        "callback": callback,
        "now": now,
        "outcomes": Callback.Outcome.choices[1:],
        "holder": holder,
        "mine": holder == actor_label(request.user),
    }


@role_required(*CALLBACK_ROLES)
def worklist(request: HtmxHttpRequest) -> HttpResponse:
    rows = Callback.objects.filter(outcome__in=OPEN).select_related("call").order_by("due_at")
    return render(
        request,
        "emergency/callbacks.html",
        {"rows": [_row_context(request, callback) for callback in rows[:200]]},
    )


def _row(request: HtmxHttpRequest, callback: Callback, error: str = "") -> HttpResponse:
    callback.refresh_from_db()
    context = _row_context(request, callback) | {"error": error}
    return render(request, "emergency/_callback_row.html", context)


@require_POST
@role_required(*CALLBACK_ROLES)
def claim(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(Callback, pk=pk)
    try:
        callback_claim(actor=request.user, callback=callback)
    except ValueError as error:
        if request.htmx:
            return _row(request, callback, str(error))
        return refused(request, str(error), reverse("emergency:callbacks"), status=409)
    return _row(request, callback) if request.htmx else redirect("emergency:callbacks")


@require_POST
@role_required(*CALLBACK_ROLES)
def record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    callback = get_object_or_404(Callback, pk=pk)
    try:
        callback_record(
            actor=request.user,
            callback=callback,
            outcome=request.POST.get("outcome", ""),
            notes=request.POST.get("notes", ""),
        )
    except ValueError as error:
        if request.htmx:
            return _row(request, callback, str(error))
        return refused(request, str(error), reverse("emergency:callbacks"))
    return _row(request, callback) if request.htmx else redirect("emergency:callbacks")
