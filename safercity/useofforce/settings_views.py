"""Command staff's pages for what is published: the policy's versions (text and stage
deadlines) and the area's population by race; and the exports for the FBI collection and
Missouri's Department of Public Safety, checked against their schemas before download."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.months import month_before
from safercity.core.roles import role_required
from safercity.useofforce import exports, services
from safercity.useofforce.forms import ExportForm, PolicyForm, PopulationForm
from safercity.useofforce.models import RACES, PolicyVersion, PopulationShare
from safercity.useofforce.services import EXPORTERS, PUBLISHERS


@role_required(*PUBLISHERS)
def settings_page(request: HttpRequest) -> HttpResponse:
    shares = {p.race: p for p in PopulationShare.objects.all()}
    initial: dict[str, object] = {
        f"share_{n}": round(shares[r].share * 100, 2) for n, r in enumerate(RACES) if r in shares
    }
    if shares:
        initial["source"] = next(iter(shares.values())).source
    policy_form, population_form = PolicyForm(), PopulationForm(initial=initial)
    if request.method == "POST":
        try:
            if "publish" in request.POST:
                policy_form = PolicyForm(request.POST)
                if policy_form.is_valid():
                    data = policy_form.cleaned_data
                    made = services.policy_publish(
                        actor=request.user,
                        version=data["version"],
                        effective_from=data["effective_from"],
                        summary=data["summary"],
                        text=data["text"],
                        stage_days=policy_form.stage_days(),
                    )
                    messages.success(request, f"Policy {made.version} published.")
                    return redirect("useofforce:settings")
            else:
                population_form = PopulationForm(request.POST)
                if population_form.is_valid():
                    services.population_set(
                        actor=request.user,
                        shares=population_form.shares(),
                        source=population_form.cleaned_data["source"],
                    )
                    messages.success(request, "The area's population is saved.")
                    return redirect("useofforce:settings")
        except InputRefused as problem:
            (policy_form if "publish" in request.POST else population_form).add_error(
                None, str(problem)
            )
    return render(
        request,
        "useofforce/settings.html",
        {
            "policies": PolicyVersion.objects.all(),
            "policy_form": policy_form,
            "population_form": population_form,
        },
    )


@role_required(*EXPORTERS)
def exports_page(request: HttpRequest) -> HttpResponse:
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            if data["month"]:
                month = date.fromisoformat(data["month"] + "-01")
                if month > timezone.localdate():
                    raise InputRefused("That month has not begun.")
                document, name = exports.fbi_month(month), f"fbi-use-of-force-{data['month']}"
            elif data["year"]:
                document = exports.missouri_year(data["year"])
                name = f"missouri-use-of-force-{data['year']}"
            else:
                raise InputRefused("Choose a month or a year.")
        except (InputRefused, ValueError) as problem:
            form.add_error(None, str(problem))
        else:
            audit_write(actor=request.user, action="useofforce.export", detail={"file": name})
            answer = HttpResponse(json.dumps(document, indent=1), content_type="application/json")
            answer["Content-Disposition"] = f'attachment; filename="{name}.json"'
            return answer
    last = month_before(timezone.localdate().replace(day=1))
    return render(
        request,
        "useofforce/exports.html",
        {
            "form": form,
            "last_month": f"{last:%Y-%m}",
            "last_year": timezone.localdate().year - 1,
        },
    )
