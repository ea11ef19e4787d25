"""The callback worklist: every abandoned call, soonest due first, until someone is reached."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest
from safercity.core.roles import role_required
from safercity.emergency.models import Callback
from safercity.emergency.services import CALLBACK_ROLES, callback_record

OPEN = (Callback.Outcome.OPEN, Callback.Outcome.NO_ANSWER)


@role_required(*CALLBACK_ROLES)
def worklist(request: HtmxHttpRequest) -> HttpResponse:
    rows = Callback.objects.filter(outcome__in=OPEN).select_related("call").order_by("due_at")
    return render(
        request,
        "emergency/callbacks.html",
        {"rows": rows[:200], "now": timezone.now(), "outcomes": Callback.Outcome.choices[1:]},
    )


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
        return HttpResponse(str(error), status=400)
    if request.htmx:
        callback.refresh_from_db()
        return render(
            request,
            "emergency/_callback_row.html",
            {"callback": callback, "now": timezone.now(), "outcomes": Callback.Outcome.choices[1:]},
        )
    return redirect("emergency:callbacks")
