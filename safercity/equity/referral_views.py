"""The referral pages: referrers send and follow their referrals, providers answer the ones to
their services (the provider portal), the coordinator sees them all. Reading a referral's
person details is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safercity.core.http import form_status
from safercity.core.inputs import InputRefused
from safercity.core.roles import role_required
from safercity.equity import referrals
from safercity.equity.forms import ReferralForm, ReferralStepForm
from safercity.equity.models import Referral
from safercity.equity.referrals import READERS, REFERRERS


@role_required(*READERS)
def referrals_page(request: HttpRequest) -> HttpResponse:
    found = referrals.visible_to(request.user)
    status = request.GET.get("status", "")
    if status == "open":
        found = found.filter(status__in=Referral.OPEN)
    elif status in Referral.Status.values:
        found = found.filter(status=status)
    return render(
        request,
        "equity/referrals.html",
        {
            "referrals": found[:500],
            "statuses": Referral.Status.choices,
            "status": status,
            "may_send": any(r in REFERRERS for r in _roles(request)),
        },
    )


def _roles(request: HttpRequest) -> set[str]:
    from safercity.core.roles import roles_of

    return set(roles_of(request.user))


@role_required(*REFERRERS)
def referral_new_page(request: HttpRequest) -> HttpResponse:
    asked = {
        k: request.GET[k] for k in ("service", "source", "source_reference") if k in request.GET
    }
    form = ReferralForm(request.POST or None, initial=asked)
    if request.method == "POST" and form.is_valid():
        try:
            made = referrals.referral_send(actor=request.user, **form.cleaned_data)
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Referral {made.pk} is sent to {made.service.name}.")
            return redirect("equity:referral", pk=made.pk)
    return render(request, "equity/form.html",
                  {"form": form, "title": "Send a referral", "button": "Send the referral"},
                  status=form_status(request))  # fmt: skip


@role_required(*READERS)
def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(referrals.visible_to(request.user), pk=pk)
    form = ReferralStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            referrals.referral_update(actor=request.user, referral=referral,
                                      **form.cleaned_data)  # fmt: skip
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Referral {referral.pk}: "
                             f"{referral.get_status_display()}.")  # fmt: skip
            return redirect("equity:referral", pk=referral.pk)
    shown = referrals.referral_read(actor=request.user, referral=referral)
    steps = referrals.steps_for(request.user, referral)
    form.fields["status"].choices = steps  # type: ignore[attr-defined]
    return render(request, "equity/referral.html",
                  {"referral": shown, "form": form, "steps": steps},
                  status=form_status(request))  # fmt: skip
