"""Commitment 8 in the product: the crisis worklist (/staff/911/crisis/) where clinicians,
counselors' liaisons and supervisors record what came of every eligible call, and the
measures: share handled by a clinician, outcomes, why none went, response times, repeat
calls within 30 and 90 days. The public page (/911/crisis-response/) and the scorecard read
them from a rollup, with small counts suppressed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest, refused
from safercity.core.publication import is_small, suppress_series
from safercity.core.roles import role_required
from safercity.core.rollups import rollup_read
from safercity.emergency.measures import CrisisMonth, crisis_calls
from safercity.emergency.models import Assignment, Call, CrisisResponse
from safercity.emergency.services.crisis import CRISIS_ROLES, CrisisIn, crisis_record

WORKLIST_DAYS = 30


def _suggested(call: Call) -> str:
    if call.transferred_to == settings.SAFERCITY_CRISIS_LINE:
        return CrisisResponse.HandledBy.COUNSELOR
    sent = (
        Assignment.objects.filter(incident__call=call, unit__discipline="clinician")
        .select_related("unit")
        .first()
    )
    if sent is not None:
        co = sent.unit.co_responder
        return CrisisResponse.HandledBy.CO_RESPONDER if co else CrisisResponse.HandledBy.CLINICIAN
    return CrisisResponse.HandledBy.NONE


def _row(call: Call, error: str = "") -> dict[str, Any]:
    record = getattr(call, "crisis", None)
    return {
        "call": call,
        "record": record,
        "suggested": record.handled_by if record else _suggested(call),
        "error": error,
    }


def _choices() -> dict[str, Any]:
    return {
        "handled_choices": CrisisResponse.HandledBy.choices,
        "outcome_choices": CrisisResponse.Outcome.choices,
        "none_choices": CrisisResponse.NoClinician.choices,
    }


@role_required(*CRISIS_ROLES)
def worklist(request: HttpRequest) -> HttpResponse:
    since = timezone.now() - timedelta(days=WORKLIST_DAYS)
    calls = (
        Call.objects.filter(crisis_calls(), arrived_at__gte=since)
        .filter(Q(crisis__isnull=True) | Q(crisis__outcome="", crisis__handled_by__in=[
            h.value for h in CrisisResponse.CLINICIAN_KINDS]))
        .distinct()
        .select_related("crisis")
        .order_by("arrived_at")
    )  # fmt: skip
    recent = CrisisResponse.objects.exclude(
        outcome="", handled_by__in=[h.value for h in CrisisResponse.CLINICIAN_KINDS]
    ).select_related("call")[:20]
    return render(
        request,
        "emergency/crisis.html",
        {"rows": [_row(call) for call in calls[:300]], "recent": recent, **_choices()},
    )


@require_POST
@role_required(*CRISIS_ROLES)
def record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    entered = CrisisIn(
        handled_by=request.POST.get("handled_by", ""),
        outcome=request.POST.get("outcome", ""),
        referred_to=request.POST.get("referred_to", ""),
        backup_reason=request.POST.get("backup_reason", ""),
        no_clinician_reason=request.POST.get("no_clinician_reason", ""),
        notes=request.POST.get("notes", ""),
    )
    error = ""
    try:
        crisis_record(actor=request.user, call=call, record=entered)
    except ValueError as invalid:
        error = str(invalid)
    if not request.htmx:
        if error:
            return refused(request, error, reverse("emergency:crisis"))
        return redirect("emergency:crisis")
    call = Call.objects.select_related("crisis").get(pk=call.pk)
    return render(request, "emergency/_crisis_row.html", {"row": _row(call, error), **_choices()})


def _published(month: CrisisMonth) -> dict[str, Any]:
    """What the public may see of a month: small counts and shares of them withheld."""
    outcome_cells, _ = suppress_series(list(month.outcomes.values()))
    reason_cells, _ = suppress_series(list(month.no_clinician.values()))
    labels = dict(CrisisResponse.Outcome.choices)
    why = dict(CrisisResponse.NoClinician.choices)

    def share(part: int, whole: int) -> str:
        if whole == 0:
            return gettext_noop("no calls")
        if is_small(whole) or is_small(part):
            return gettext_noop("too few to publish")
        return f"{part / whole:.0%}"

    return {
        "month": month,
        "eligible": gettext_noop("too few to publish")
        if is_small(month.eligible)
        else month.eligible,
        "clinician_share": share(month.by_clinician, month.eligible),
        "recorded_share": share(month.recorded, month.eligible),
        "outcomes": [(labels[k], c) for k, c in zip(month.outcomes, outcome_cells, strict=True)],
        "no_clinician": [
            (why[k], c) for k, c in zip(month.no_clinician, reason_cells, strict=True)
        ],
        "repeat_30": share(month.repeat_30, month.repeat_30_followed),
        "repeat_90": share(month.repeat_90, month.repeat_90_followed),
    }


def public_page(request: HttpRequest) -> HttpResponse:
    snapshot = rollup_read("crisis:monthly")
    months = [CrisisMonth(**row) for row in snapshot.data]
    asked = request.GET.get("month", "")
    chosen = next((m for m in months if m.month == asked), months[0] if months else None)
    return render(
        request,
        "emergency/crisis_public.html",
        {
            "months": months,
            "shown": _published(chosen) if chosen else None,
            "computed_at": snapshot.computed_at,
        },
    )
