"""The use-of-force pages: the board (every open case with its review path, the stage it is
at, when that stage is due, who holds the file, overdue first; no people shown), the
officer's report, and the case page where reviewers read the incident's people (audited),
close stages, grant extensions and keep the ledger of hand-offs to outside bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from safercity.core.inputs import InputRefused
from safercity.core.roles import Role, has_role, role_required
from safercity.useofforce import engine, services
from safercity.useofforce.forms import (
    ExtensionForm,
    FindingForm,
    HandoffForm,
    HandoffRecordForm,
    IncidentForm,
    OfficerForms,
    SubjectForms,
    incident_in,
)
from safercity.useofforce.models import ForceIncident, Handoff, Stage
from safercity.useofforce.services import READERS, REPORTERS, open_stage, who_holds

BOARD_ROLES = tuple(dict.fromkeys((*REPORTERS, *READERS)))


@dataclass(frozen=True)
class Row:
    incident: ForceIncident
    stage: Stage | None
    holder: str
    overdue: bool


def _may(request: HttpRequest, roles: tuple[Role, ...]) -> bool:
    return has_role(request.user, *roles)


@role_required(*BOARD_ROLES)
def board_page(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    stage_wanted = request.GET.get("stage", "")
    rows = []
    for incident in ForceIncident.objects.exclude(status=ForceIncident.Status.CLOSED):
        stage = open_stage(incident)
        if stage_wanted and (stage is None or stage.stage != stage_wanted):
            continue
        rows.append(Row(incident, stage, who_holds(incident), bool(stage and stage.due_at < now)))
    rows.sort(key=lambda r: (not r.overdue, r.stage.due_at if r.stage else now))
    closed = ForceIncident.objects.filter(status=ForceIncident.Status.CLOSED).count()
    return render(
        request,
        "useofforce/board.html",
        {
            "rows": rows,
            "closed": closed,
            "stage_wanted": stage_wanted,
            "stages": engine.STAGES[1:],
            "may_read": _may(request, READERS),
            "may_report": _may(request, REPORTERS),
        },
    )


@role_required(*REPORTERS)
def report_page(request: HttpRequest) -> HttpResponse:
    """The officer's report of a use of force: the incident, each subject, each officer."""
    if request.method == "POST":
        incident = IncidentForm(request.POST)
        subjects = SubjectForms(request.POST, prefix="subject")
        officers = OfficerForms(request.POST, prefix="officer")
        if incident.is_valid() and subjects.is_valid() and officers.is_valid():
            try:
                made = services.incident_report(
                    actor=request.user, entered=incident_in(incident, subjects, officers)
                )
            except InputRefused as problem:
                incident.add_error(None, str(problem))
            else:
                review = open_stage(made)
                due = f"{review.due_at:%d %b %Y %H:%M}" if review else ""
                messages.success(
                    request,
                    f"Case {made.case_number} reported: level "
                    f"{made.level}, {made.path}. Supervisor review due {due}.",
                )
                return redirect("useofforce:board")
    else:
        incident = IncidentForm()
        subjects = SubjectForms(prefix="subject")
        officers = OfficerForms(prefix="officer")
    refused = ""
    if request.method == "POST":
        refused = (
            "; ".join(
                str(e)
                for e in [
                    *incident.non_field_errors(),
                    *subjects.non_form_errors(),
                    *officers.non_form_errors(),
                ]
            )
            or "check the answers marked below."
        )
    return render(
        request,
        "useofforce/report.html",
        {"form": incident, "subjects": subjects, "officers": officers, "refused": refused},
    )


def _moment(day: date | None, not_before: datetime) -> datetime | None:
    """A date entered for a hand-off as a moment: the start of that day, or when the file
    was sent if that was later the same day."""
    if day is None:
        return None
    start = timezone.make_aware(datetime.combine(day, time.min))
    return max(start, not_before) if day == timezone.localdate(not_before) else start


def _act(request: HttpRequest, incident: ForceIncident) -> dict[str, Any]:
    """One POSTed action on the case; its forms come back with their errors when refused."""
    action = request.POST.get("action", "")
    bound: dict[str, Any] = {}
    try:
        if action == "close":
            form: Any = FindingForm(request.POST)
            bound["finding_form"] = form
            if form.is_valid():
                opened = services.stage_close(
                    actor=request.user,
                    incident=incident,
                    finding=form.cleaned_data["finding"],
                    holder_next=form.cleaned_data["holder_next"],
                )
                messages.success(
                    request,
                    f"Stage closed; {opened.stage} opened, due {opened.due_at:%d %b %Y}."
                    if opened
                    else "Stage closed; the case is closed.",
                )
                return {}
        elif action == "extend":
            form = ExtensionForm(request.POST)
            bound["extension_form"] = form
            stage = open_stage(incident)
            if form.is_valid() and stage is not None:
                services.stage_extend(
                    actor=request.user,
                    stage=stage,
                    days=form.cleaned_data["days"],
                    reason=form.cleaned_data["reason"],
                )
                messages.success(
                    request, f"Extension granted: {stage.stage} now due {stage.due_at:%d %b %Y}."
                )
                return {}
        elif action == "send":
            form = HandoffForm(request.POST)
            bound["handoff_form"] = form
            if form.is_valid():
                sent = services.handoff_send(
                    actor=request.user,
                    incident=incident,
                    body=form.cleaned_data["body"],
                    reference=form.cleaned_data["reference"],
                )
                messages.success(request, f"File sent to the {sent.get_body_display()}.")
                return {}
        elif action == "record":
            form = HandoffRecordForm(request.POST)
            bound["record_form"] = form
            if form.is_valid():
                handoff = get_object_or_404(
                    Handoff, pk=form.cleaned_data["handoff"], incident=incident
                )
                data = form.cleaned_data
                services.handoff_record(
                    actor=request.user,
                    handoff=handoff,
                    received_at=_moment(data["received_on"], handoff.sent_at),
                    determined_at=_moment(data["determined_on"], handoff.sent_at),
                    determination=data["determination"],
                    returned_at=_moment(data["returned_on"], handoff.sent_at),
                )
                messages.success(request, f"Recorded for the {handoff.get_body_display()}.")
                return {}
        else:
            messages.error(request, "Nothing was done: choose an action on the page.")
            return {}
    except InputRefused as problem:
        form.add_error(None, str(problem))
    return bound


@role_required(*READERS)
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    incident = get_object_or_404(ForceIncident.objects.select_related("policy"), pk=pk)
    bound: dict[str, Any] = {}
    if request.method == "POST":
        try:
            bound = _act(request, incident)
        except PermissionDenied:
            messages.error(request, "Your role cannot do that on a use-of-force case.")
            bound = {}
        if not bound:
            return redirect("useofforce:case", pk=incident.pk)
        incident.refresh_from_db()
    services.incident_read(actor=request.user, incident=incident)
    now = timezone.now()
    stage = open_stage(incident)
    context = {
        "incident": incident,
        "subjects": incident.subjects.all(),
        "officers": incident.officers.all(),
        "stages": incident.stages.prefetch_related("extensions"),
        "stage": stage,
        "overdue": bool(stage and stage.due_at < now),
        "handoffs": incident.handoffs.all(),
        "holder": who_holds(incident),
        "may_review": _may(request, services.REVIEWERS),
        "may_extend": _may(request, services.EXTENDERS),
        "may_ledger": _may(request, services.LEDGER),
        "finding_form": FindingForm(),
        "extension_form": ExtensionForm(),
        "handoff_form": HandoffForm(),
        "record_form": None,
        **bound,
    }
    return render(request, "useofforce/case.html", context)
