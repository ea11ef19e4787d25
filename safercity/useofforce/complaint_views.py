"""The complaints pages: the list with each complaint's allegations and findings (no officer
shown), a form to file one with its allegations, and the complaint's page where the officers
are read (audited) and each allegation decided."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safercity.core.inputs import InputRefused
from safercity.core.roles import has_role, role_required
from safercity.useofforce import complaints
from safercity.useofforce.complaints import COMPLAINT_READERS, DECIDERS, INTAKE
from safercity.useofforce.forms import AllegationForms, ComplaintForm, DecisionForm, complaint_in
from safercity.useofforce.models import Allegation, Complaint

COMPLAINT_ROLES = tuple(dict.fromkeys((*COMPLAINT_READERS, *INTAKE)))


@role_required(*COMPLAINT_ROLES)
def complaints_page(request: HttpRequest) -> HttpResponse:
    may_file = has_role(request.user, *INTAKE)
    form, allegations, refused = ComplaintForm(), AllegationForms(prefix="allegation"), ""
    if request.method == "POST" and may_file:
        form = ComplaintForm(request.POST)
        allegations = AllegationForms(request.POST, prefix="allegation")
        if form.is_valid() and allegations.is_valid():
            try:
                made = complaints.complaint_file(
                    actor=request.user, entered=complaint_in(form, allegations)
                )
            except InputRefused as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(
                    request,
                    f"Complaint {made.number} filed with {made.allegations.count()} allegation(s).",
                )
                return redirect("useofforce:complaint", pk=made.pk)
        refused = "; ".join(
            str(e) for e in [*form.non_field_errors(), *allegations.non_form_errors()]
        )
        refused = refused or "check the answers marked below."
    listed = Complaint.objects.annotate(
        alleged=Count("allegations"),
        open=Count("allegations", filter=Q(allegations__finding="open")),
        sustained=Count("allegations", filter=Q(allegations__finding="sustained")),
    ).order_by("-received_at", "-pk")  # an aggregate drops Meta.ordering: pages stay stable
    shown = Paginator(listed, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "useofforce/complaints.html",
        {
            "page": shown,
            "form": form,
            "allegations": allegations,
            "may_file": may_file,
            "refused": refused,
        },
    )


@role_required(*COMPLAINT_READERS)
def complaint_page(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(Complaint.objects.select_related("incident"), pk=pk)
    errors: dict[int, DecisionForm] = {}
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            allegation = get_object_or_404(
                Allegation, pk=form.cleaned_data["allegation"], complaint=complaint
            )
            try:
                complaints.allegation_decide(
                    actor=request.user,
                    allegation=allegation,
                    finding=form.cleaned_data["finding"],
                    outcome=form.cleaned_data["outcome"],
                    suspension_days=form.cleaned_data["suspension_days"] or 0,
                )
            except InputRefused as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(request, f"Decided: {allegation.category}, {allegation.finding}.")
                return redirect("useofforce:complaint", pk=complaint.pk)
        if form.data.get("allegation", "").isdigit():
            errors[int(form.data["allegation"])] = form
    complaints.complaint_read(actor=request.user, complaint=complaint)
    rows = [
        (a, errors.get(a.pk) or DecisionForm(initial={"allegation": a.pk}))
        for a in complaint.allegations.all()
    ]
    return render(
        request,
        "useofforce/complaint.html",
        {
            "complaint": complaint,
            "rows": rows,
            "may_decide": has_role(request.user, *DECIDERS),
        },
    )
