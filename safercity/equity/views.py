"""The service directory's staff pages: the coordinator sees and keeps every service, adds
organizations and services, imports HSDS files and links providers' staff; a provider sees and
keeps its own organization's services (status, eligibility, hours, beds or slots free)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safercity.core.http import form_status
from safercity.core.inputs import InputRefused, clean_text
from safercity.core.roles import Role, has_role, role_required
from safercity.equity import hsds, services
from safercity.equity.forms import (
    CapacityForm,
    HoursForm,
    ImportForm,
    NewServiceForm,
    OrganizationForm,
    ProviderForm,
    ServiceForm,
)
from safercity.equity.models import ProviderAccount, Service
from safercity.equity.services import DIRECTORY

STALE_DAYS = 7  # a count of free beds older than this is shown as out of date


def _visible(request: HttpRequest) -> QuerySet[Service]:
    """The services this person keeps, with what the pages and HSDS nest in them."""
    found = hsds.with_relations(Service.objects.all())
    if has_role(request.user, Role.REFERRAL_COORDINATOR):
        return found
    org = services.provider_organization(request.user)
    return found.filter(organization_id=org) if org else found.none()


@role_required(*DIRECTORY)
def directory_page(request: HttpRequest) -> HttpResponse:
    found = _visible(request)
    kind = request.GET.get("kind", "")
    if kind in Service.Kind.values:
        found = found.filter(kind=kind)
    try:
        words = clean_text(request.GET.get("q", ""), "name", 200)
    except InputRefused:
        words = ""  # nothing a service could be named: search for nothing
    if words:
        found = found.filter(Q(name__icontains=words) | Q(organization__name__icontains=words))
    stale_before = timezone.now() - timedelta(days=STALE_DAYS)
    return render(
        request,
        "equity/directory.html",
        {
            "services": found.order_by("organization__name", "name")[:500],
            "kinds": Service.Kind.choices,
            "kind": kind,
            "q": words,
            "stale_before": stale_before,
            "coordinator": has_role(request.user, Role.REFERRAL_COORDINATOR),
            "no_organization": not has_role(request.user, Role.REFERRAL_COORDINATOR)
            and services.provider_organization(request.user) is None,
        },
    )


def _service(request: HttpRequest, pk: str) -> Service:
    try:
        key = uuid.UUID(pk)
    except ValueError:
        raise Http404("No such service.") from None
    found = _visible(request).filter(pk=key).first()
    if found is None:
        raise Http404("No such service, or not one of yours.")
    return found


@role_required(*DIRECTORY)
def service_page(request: HttpRequest, pk: str) -> HttpResponse:
    service = _service(request, pk)
    details = ServiceForm(initial=model_to_dict(service), prefix="service")
    current = service.capacities.first()
    capacity = CapacityForm(
        prefix="capacity",
        initial={"unit": current.unit, "maximum": current.maximum} if current else {},
    )
    hours = HoursForm(initial={"hours": _hours_text(service)}, prefix="hours")
    if request.method == "POST":
        done = _post(request, service, request.POST.get("what", ""))
        if isinstance(done, HttpResponse):
            return done
        details, capacity, hours = done.get("service", details), done.get(
            "capacity", capacity), done.get("hours", hours)  # fmt: skip
    return render(
        request,
        "equity/service.html",
        {
            "service": service,
            "details": details,
            "capacity": capacity,
            "hours": hours,
            "hsds": hsds.service_json(service),
        },
        status=form_status(request),
    )


def _post(request: HttpRequest, service: Service, what: str) -> HttpResponse | dict[str, Any]:
    """One of the page's three forms sent: done and back to the page, or the form with its
    problem."""
    try:
        if what == "service":
            form: Any = ServiceForm(request.POST, prefix="service")
            if form.is_valid():
                services.service_save(actor=request.user, service=service, **form.cleaned_data)
                messages.success(request, f"{service.name} is saved.")
                return redirect("equity:service", pk=service.pk)
        elif what == "capacity":
            form = CapacityForm(request.POST, prefix="capacity")
            if form.is_valid():
                services.capacity_update(actor=request.user, service=service, **form.cleaned_data)
                messages.success(request, f"{form.cleaned_data['available']} "
                                 f"{form.cleaned_data['unit']}(s) free, as of now.")  # fmt: skip
                return redirect("equity:service", pk=service.pk)
        elif what == "hours":
            form = HoursForm(request.POST, prefix="hours")
            if form.is_valid():
                services.hours_set(actor=request.user, service=service,
                                   hours=form.cleaned_data["hours"])  # fmt: skip
                messages.success(request, "The hours are saved.")
                return redirect("equity:service", pk=service.pk)
        else:
            raise Http404("No such form.")
    except InputRefused as refused:
        form.add_error(None, str(refused))
    return {what: form}


def _hours_text(service: Service) -> str:
    return "\n".join(
        f"{s.byday} {s.opens_at:%H:%M}-{s.closes_at:%H:%M}"
        for s in service.schedules.all()
        if s.opens_at and s.closes_at
    )


@role_required(Role.REFERRAL_COORDINATOR)
def service_new_page(request: HttpRequest) -> HttpResponse:
    form = NewServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        organization = values.pop("organization")
        try:
            made = services.service_save(actor=request.user, organization=organization, **values)
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{made.name} is in the directory.")
            return redirect("equity:service", pk=made.pk)
    return render(request, "equity/form.html", {"form": form, "title": "A new service",
                                                "button": "Add the service"},
                  status=form_status(request))  # fmt: skip


@role_required(Role.REFERRAL_COORDINATOR)
def organization_new_page(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organization_save(actor=request.user, **form.cleaned_data)
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{org.name} is in the directory: add its services.")
            return redirect("equity:service_new")
    return render(request, "equity/form.html", {"form": form, "title": "A new organization",
                                                "button": "Add the organization"},
                  status=form_status(request))  # fmt: skip


@role_required(Role.REFERRAL_COORDINATOR)
def providers_page(request: HttpRequest) -> HttpResponse:
    form = ProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.provider_link(actor=request.user, **form.cleaned_data)
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{account.user} now keeps {account.organization}'s "
                             "services.")  # fmt: skip
            return redirect("equity:providers")
    accounts = ProviderAccount.objects.select_related("user", "organization").order_by(
        "organization__name"
    )
    return render(request, "equity/providers.html", {"form": form, "accounts": accounts},
                  status=form_status(request))  # fmt: skip


@role_required(Role.REFERRAL_COORDINATOR)
def import_page(request: HttpRequest) -> HttpResponse:
    form, report = ImportForm(), None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = hsds.hsds_import(actor=request.user, data=upload.read(),
                                          name=upload.name)  # fmt: skip
            except InputRefused as refused:
                form.add_error(None, str(refused))
            else:
                if report.saved:
                    messages.success(request, f"{report.services} services: {report.created} "
                                     f"new, {report.updated} updated, {report.unchanged} "
                                     "unchanged.")  # fmt: skip
                    return redirect("equity:directory")
    return render(request, "equity/import.html", {"form": form, "report": report},
                  status=form_status(request))  # fmt: skip
