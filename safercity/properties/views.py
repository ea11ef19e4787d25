"""The Problem Landlord Unit's staff pages: the work queue, landlords, parcels and cases."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest, refused
from safercity.core.inputs import plain_id
from safercity.core.paging import paged
from safercity.core.roles import Role, has_role, role_required
from safercity.properties import selectors
from safercity.properties.engine import cases as flow
from safercity.properties.engine.score import LABELS
from safercity.properties.models import Case, Inspection, Parcel, ScoringPolicy
from safercity.properties.services import (
    ANALYSIS_ROLES,
    CASE_ROLES,
    SIMPLE_ACTIONS,
    CaseError,
    ViolationIn,
    case_act,
    case_open,
    inspection_record,
    inspection_schedule,
    notice_send,
    policy_current,
    policy_set,
)

SIMPLE_LABELS = {
    flow.Action.REFER_TO_COURT: "Refer to housing court",
    flow.Action.COURT_RESOLVED: "Court has resolved it",
    flow.Action.APPEAL: "Record an appeal",
    flow.Action.APPEAL_GRANTED: "Appeal granted (close)",
    flow.Action.APPEAL_DENIED: "Appeal denied (resume)",
    flow.Action.WITHDRAW: "Withdraw the case",
}


def _int(text: str | None) -> int | None:
    number = plain_id(text or "")
    return number if number is not None and number < 100_000 else None


@role_required(*selectors.VIEW_ROLES)
def queue_page(request: HtmxHttpRequest) -> HttpResponse:
    ward = _int(request.GET.get("ward"))
    with_open = request.GET.get("open") == "1"
    page = selectors.work_queue_page(
        actor=request.user, ward=ward, with_open_case=with_open, number=request.GET.get("page")
    )
    context = {"page": page, "ward": ward, "with_open": with_open}
    template = "properties/_queue.html" if request.htmx else "properties/queue.html"
    return render(request, template, context)


@role_required(*selectors.VIEW_ROLES)
def landlords_page(request: HtmxHttpRequest) -> HttpResponse:
    page = selectors.landlords_page(actor=request.user, number=request.GET.get("page"))
    return render(request, "properties/landlords.html", {"page": page})


@role_required(*selectors.VIEW_ROLES)
def landlord_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    portfolio = selectors.portfolio_read(actor=request.user, pk=pk)
    parcels = portfolio.parcels.select_related("ward").order_by("-score", "handle")
    followed = [link for link in portfolio.links if link["followed"]]
    cut = [link for link in portfolio.links if not link["followed"]]
    return render(
        request,
        "properties/landlord.html",
        {
            "portfolio": portfolio,
            "parcels": paged(request, parcels, "parcels"),
            "followed": paged(request, followed, "links", per_page=25),
            "cut": paged(request, cut, "cut"),
            "owners": paged(request, portfolio.owners, "owners"),
        },
    )


@role_required(*selectors.VIEW_ROLES)
def parcel_page(request: HtmxHttpRequest, handle: str) -> HttpResponse:
    parcel = selectors.parcel_read(actor=request.user, handle=handle)
    return render(
        request,
        "properties/parcel.html",
        {
            "parcel": parcel,
            "cases": parcel.cases.all(),
            "events": parcel.events.order_by("-on")[:50],
        },
    )


@role_required(*CASE_ROLES)
@require_POST
def case_open_view(request: HtmxHttpRequest, handle: str) -> HttpResponse:
    parcel = get_object_or_404(Parcel, handle=handle)
    try:
        case = case_open(
            actor=request.user,
            parcel=parcel,
            source=Case.Source.PLU,
            description=request.POST.get("description", "").strip()
            or "Problem Landlord Unit: proactive inspection",
        )
    except CaseError as error:
        return refused(request, str(error), reverse("properties:parcel", args=[handle]), status=409)
    return redirect("properties:case", pk=case.pk)


def _case_context(case: Case, error: str = "") -> dict[str, object]:
    allowed = flow.actions_from(flow.State(case.state))
    return {
        "case": case,
        "parcel": case.parcel,
        "history": case.history.all(),
        "inspections": case.inspections.select_related("inspector"),
        "violations": case.violations.all(),
        "notices": case.notices.all(),
        "pending": case.inspections.filter(done_at__isnull=True).first(),
        "actions": [a.value for a in allowed],
        "simple_actions": [(a.value, SIMPLE_LABELS[a]) for a in allowed if a in SIMPLE_ACTIONS],
        "inspectors": get_user_model().objects.filter(groups__name=Role.INSPECTOR),
        "today": timezone.localdate(),
        "error": error,
    }


@role_required(*selectors.VIEW_ROLES)
def case_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("parcel"), pk=pk)
    return render(request, "properties/case.html", _case_context(case))


@role_required(*CASE_ROLES)
@require_POST
def case_action(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.select_related("parcel"), pk=pk)
    action = request.POST.get("action", "")
    try:
        if action in ("schedule", "schedule_reinspection"):
            try:
                on = date.fromisoformat(request.POST.get("on", ""))
            except ValueError:
                raise CaseError("give the inspection date as YYYY-MM-DD") from None
            inspector_id = _int(request.POST.get("inspector"))
            inspector = (
                get_user_model().objects.filter(pk=inspector_id).first() if inspector_id else None
            )
            inspection_schedule(actor=request.user, case=case, on=on, inspector=inspector)
        elif action == "record":
            pending = case.inspections.filter(done_at__isnull=True).first()
            if pending is None:
                raise CaseError("no inspection is waiting to be recorded")
            violations = [
                ViolationIn(
                    code=code,
                    description=text,
                    severity=_int(severity) or 1,
                    days_to_comply=_int(days) or 30,
                )
                for code, text, severity, days in zip(
                    request.POST.getlist("code"),
                    request.POST.getlist("description"),
                    request.POST.getlist("severity"),
                    request.POST.getlist("days"),
                    strict=False,
                )
                if code.strip() or text.strip()
            ]
            inspection_record(
                actor=request.user,
                inspection=pending,
                result=request.POST.get("result", ""),
                violations=violations,
                note=request.POST.get("note", ""),
            )
        elif action == "send_notice":
            notice_send(actor=request.user, case=case)
        else:
            case_act(
                actor=request.user, case=case, action=action, note=request.POST.get("note", "")
            )
    except CaseError as error:
        case.refresh_from_db()
        return render(request, "properties/case.html", _case_context(case, str(error)), status=409)
    return redirect("properties:case", pk=case.pk)


@role_required(*selectors.VIEW_ROLES)
def cases_page(request: HtmxHttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    found = selectors.open_cases().select_related("parcel").order_by("opened_at")
    if state in flow.State.__members__.values():
        found = found.filter(state=state)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due = Inspection.objects.filter(scheduled_for=today, done_at__isnull=True).select_related(
        "case__parcel", "inspector"
    )
    return render(
        request,
        "properties/cases.html",
        {
            "page": page,
            "state": state,
            "states": [(s.value, flow.LABELS[s]) for s in flow.State],
            "due": due,
            "today": today,
        },
    )


@role_required(*selectors.VIEW_ROLES)
def policy_page(request: HtmxHttpRequest) -> HttpResponse:
    weights = policy_current()
    error = ""
    status = 200
    if request.method == "POST":
        if not has_role(request.user, *ANALYSIS_ROLES):
            error = "Only analysts and administrators change the weights."
            return refused(request, error, reverse("properties:policy"), status=403)
        try:
            data = {
                "weight": {k: float(request.POST[f"w_{k}"]) for k in weights.weight},
                "half_life_days": {
                    k: float(request.POST[f"h_{k}"]) for k in weights.half_life_days
                },
                "tax_years_cap": int(request.POST.get("tax_years_cap", weights.tax_years_cap)),
            }
            policy_set(actor=request.user, weights=data, note=request.POST.get("note", ""))
            return redirect("properties:policy")
        except (KeyError, ValueError) as problem:
            error, status = f"Not saved: {problem}", 400
    per = {"tax_year": " (per year)"}
    rows = [
        (kind, LABELS.get(kind, kind) + per.get(kind, ""), w, weights.half_life_days.get(kind))
        for kind, w in weights.weight.items()
    ]
    return render(
        request,
        "properties/policy.html",
        {
            "rows": rows,
            "weights": weights,
            "error": error,
            "history": ScoringPolicy.objects.all()[:20],
        },
        status=status,
    )
