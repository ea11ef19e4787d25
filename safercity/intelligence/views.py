"""The intelligence unit's pages: submit a record, review the holding bin, search (each search
logged with its purpose), one record with what may be done to it, the retention and purge
deadlines, the logs, and the partner agencies with their agreements."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest, form_done
from safercity.core.inputs import InputRefused
from safercity.core.roles import has_role, role_required
from safercity.intelligence import selectors, services
from safercity.intelligence.forms import (
    DisseminationForm,
    PartnerForm,
    ReasonForm,
    RecordForm,
    ReviewForm,
    SearchForm,
    ValidateForm,
)
from safercity.intelligence.models import IntelRecord, Partner, RecipientNotice

EVERYONE = (*services.ANALYSTS, *services.LIAISONS)


@role_required(*EVERYONE)
def home_page(request: HtmxHttpRequest) -> HttpResponse:
    supervisor = has_role(request.user, *services.SUPERVISORS)
    context = {
        "supervisor": supervisor,
        "analyst": has_role(request.user, *services.ANALYSTS),
        "liaison": has_role(request.user, *services.LIAISONS),
        "held": IntelRecord.objects.filter(status=IntelRecord.Status.HELD).count(),
        "due": selectors.due_for_review().count(),
        "to_purge": selectors.to_purge().count(),
        "notices": selectors.notices_pending().count(),
        "requests_open": selectors.requests_open().count(),
        "tips_open": selectors.tips_open().count(),
        "overdue": selectors.overdue_count() if supervisor else 0,
        "conflicts": selectors.conflicts_untold().count(),
    }
    return render(request, "intelligence/home.html", context)


@role_required(*services.ANALYSTS)
def submit_page(request: HtmxHttpRequest) -> HttpResponse:
    form = RecordForm(request.POST or None)
    done = form_done(
        request, form,
        lambda data: services.record_submit(actor=request.user, entered=form.entered()),
        "intelligence:record",
    )  # fmt: skip
    if done:
        return done
    status = 400 if form.errors else 200
    return render(request, "intelligence/submit.html", {"form": form}, status=status)


@role_required(*services.ANALYSTS)
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    """Nothing is searched until the person says why; the search and its purpose are logged."""
    asked = bool(request.GET)
    form = SearchForm(request.GET if asked else None)
    found: list[IntelRecord] | None = None
    if asked and form.is_valid():
        try:
            found = selectors.records_search(actor=request.user, **form.cleaned_data)
        except InputRefused as refused:
            form.add_error(None, str(refused))
    context = {"form": form, "found": found, "most": selectors.MAX_RESULTS}
    return render(request, "intelligence/search.html", context, status=400 if form.errors else 200)


ACTIONS: dict[str, type[forms.Form]] = {
    "review": ReviewForm,
    "disseminate": DisseminationForm,
    "unreliable": ReasonForm,
    "validate": ValidateForm,
    "purge": ReasonForm,
}


def _record_context(
    request: HtmxHttpRequest, pk: int, given: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    record = selectors.record_read(actor=request.user, pk=pk)
    made = {name: form_class() for name, form_class in ACTIONS.items()} | (given or {})
    return {
        "record": record,
        "supervisor": has_role(request.user, *services.SUPERVISORS),
        "mine": record.submitted_by_id == request.user.pk,
        "decisions": record.decisions.all(),
        "given": record.given.select_related("partner"),
        "checklist": [
            (question, record.checklist.get(key)) for key, question in services.CHECKLIST.items()
        ],
        "forms": made,
    }


@role_required(*selectors.READERS)
def record_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return render(request, "intelligence/record.html", _record_context(request, pk))


@require_POST
@role_required(*selectors.READERS)
def record_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404("no such action on a record")
    record = get_object_or_404(IntelRecord, pk=pk)
    form = ACTIONS[action](request.POST)
    actor = request.user

    def act(data: dict[str, Any]) -> None:
        if isinstance(form, ReviewForm):
            services.record_review(
                actor=actor, record=record, answers=form.answers(), note=data["note"]
            )
        elif isinstance(form, DisseminationForm):
            services.record_disseminate(actor=actor, record=record, given=form.given())
        elif action == "unreliable":
            services.record_flag_unreliable(actor=actor, record=record, reason=data["reason"])
        elif action == "validate":
            services.record_validate(
                actor=actor, record=record, reason=data["reason"], days=data["days"]
            )
        else:
            services.record_purge(actor=actor, record=record, reason=data["reason"])

    done = form_done(request, form, act, "intelligence:record", pk=pk)
    if done:
        return done
    context = _record_context(request, pk, {action: form})
    context["refused"] = form
    return render(request, "intelligence/record.html", context, status=400)


@role_required(*services.SUPERVISORS)
def holding_page(request: HtmxHttpRequest) -> HttpResponse:
    held = selectors.holding_bin(actor=request.user)
    return render(request, "intelligence/holding.html", {"held": held})


@role_required(*services.SUPERVISORS)
def retention_page(request: HtmxHttpRequest) -> HttpResponse:
    context = {"due": selectors.due_for_review(), "to_purge": selectors.to_purge()}
    return render(request, "intelligence/retention.html", context)


@role_required(*services.SUPERVISORS, *services.LIAISONS)
def logs_page(request: HtmxHttpRequest) -> HttpResponse:
    supervisor = has_role(request.user, *services.SUPERVISORS)
    context = {
        "inquiries": selectors.inquiry_log(actor=request.user) if supervisor else None,
        "given": selectors.dissemination_log(actor=request.user),
    }
    return render(request, "intelligence/logs.html", context)


@role_required(*EVERYONE)
def partners_page(request: HtmxHttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None)
    if request.method == "POST":
        if not has_role(request.user, *services.LIAISONS):
            raise PermissionDenied("Partner liaisons and supervisors keep the partners.")
        if form.is_valid():
            try:
                partner = services.partner_save(actor=request.user, entered=form.entered())
            except InputRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("intelligence:partner", pk=partner.pk)
    context = {
        "partners": [(p, p.agreement_holds(timezone.localdate())) for p in Partner.objects.all()],
        "form": form,
        "liaison": has_role(request.user, *services.LIAISONS),
    }
    return render(
        request, "intelligence/partners.html", context, status=400 if form.errors else 200
    )


@role_required(*EVERYONE)
def partner_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    partner = get_object_or_404(Partner, pk=pk)
    initial = {
        name: getattr(partner, name)
        for name in ("name", "jurisdiction", "agreement_reference", "agreement_signed_on",
                     "agreement_until", "binds_to_part_23", "contact", "exchange_url",
                     "exchange_key_id", "exchange_public_key")
    }  # fmt: skip
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_save(actor=request.user, entered=form.entered(), partner=partner)
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            return redirect("intelligence:partner", pk=pk)
    context = {
        "partner": partner,
        "form": form,
        "liaison": has_role(request.user, *services.LIAISONS),
        "received": partner.received.count(),
        "sent": partner.outbox.exclude(delivered_at=None).count(),
        "waiting": partner.outbox.filter(delivered_at=None, given_up_at=None).count(),
        "given_up": partner.outbox.exclude(given_up_at=None).count(),
        "inbox": partner.inbox.count(),
        "agreement_holds": partner.agreement_holds(timezone.localdate()),
    }
    return render(request, "intelligence/partner.html", context, status=400 if form.errors else 200)


@role_required(*services.LIAISONS)
def notices_page(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "intelligence/notices.html", {"notices": selectors.notices_pending()})


@require_POST
@role_required(*services.LIAISONS)
def notice_delivered(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(RecipientNotice, pk=pk)
    services.notice_delivered(actor=request.user, notice=notice)
    return redirect("intelligence:notices")
