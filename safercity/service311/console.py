"""The 311 staff console: queues per department, and each request's page with its actions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest
from safercity.core.inputs import plain_id
from safercity.core.roles import role_required
from safercity.core.uploads import image_response
from safercity.service311.models import Department, ServiceRequest
from safercity.service311.selectors import duplicate_candidates, queue
from safercity.service311.services import (
    STAFF_311,
    request_add_note,
    request_assign,
    request_merge,
    request_review_media,
    request_set_status,
)


@role_required(*STAFF_311)
def queue_page(request: HtmxHttpRequest) -> HttpResponse:
    department = request.GET.get("department", "")
    status = request.GET.get("status", "open")
    if status not in ("open", "closed", ""):
        status = "open"
    rows = queue(department or None, status)[:200]
    context = {
        "departments": Department.objects.all(),
        "department": department,
        "status": status,
        "rows": rows,
        "now": timezone.now(),
    }
    template = "service311/_queue.html" if request.htmx else "service311/queue.html"
    return render(request, template, context)


def _request_or_404(pk: int) -> ServiceRequest:
    return get_object_or_404(
        ServiceRequest.objects.select_related(
            "service",
            "service__department",
            "assigned_to",
            "parent",
            "nearest_address",
            "neighborhood",
        ),
        pk=pk,
    )


def _detail(
    request: HtmxHttpRequest, found: ServiceRequest, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "item": found,
        "notes": found.notes.all(),
        "candidates": duplicate_candidates(found) if found.status == "open" else [],
        "error": error,
        "now": timezone.now(),
    }
    template = "service311/_detail.html" if request.htmx else "service311/detail.html"
    return render(request, template, context, status=status)


@role_required(*STAFF_311)
def detail_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _request_or_404(pk))


def _after(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    if request.htmx:
        return _detail(request, _request_or_404(pk))
    return redirect("service311_staff:detail", pk=pk)


@require_POST
@role_required(*STAFF_311)
def change_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = _request_or_404(pk)
    try:
        request_set_status(
            actor=request.user,
            request=found,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", ""),
            public=request.POST.get("public") == "on",
        )
    except ValueError as error:
        return _detail(request, found, str(error), status=400)
    return _after(request, pk)


@require_POST
@role_required(*STAFF_311)
def add_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = _request_or_404(pk)
    try:
        request_add_note(
            actor=request.user,
            request=found,
            text=request.POST.get("text", ""),
            public=request.POST.get("public") == "on",
        )
    except ValueError as error:
        return _detail(request, found, str(error), status=400)
    return _after(request, pk)


@require_POST
@role_required(*STAFF_311)
def assign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = _request_or_404(pk)
    request_assign(
        actor=request.user,
        request=found,
        assignee=request.user if request.POST.get("to") == "me" else None,
    )
    return _after(request, pk)


@require_POST
@role_required(*STAFF_311)
def merge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    duplicate = _request_or_404(pk)
    into_id = plain_id(request.POST.get("into", ""))
    if into_id is None:
        raise Http404("no such request")
    into = _request_or_404(into_id)
    if into.service_id != duplicate.service_id:
        raise PermissionDenied("Only requests for the same service are merged.")
    try:
        request_merge(actor=request.user, duplicate=duplicate, into=into)
    except ValueError as error:
        return _detail(request, duplicate, str(error), status=400)
    return _after(request, pk)


@role_required(*STAFF_311)
def photo(request: HtmxHttpRequest, pk: int) -> FileResponse:
    """The resident's photo as agents see it before and after review."""
    found = _request_or_404(pk)
    if not found.media:
        raise Http404("no photo")
    return image_response(str(found.media.name))


@require_POST
@role_required(*STAFF_311)
def review_media(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = _request_or_404(pk)
    decision = request.POST.get("decision", "")
    if decision not in {"publish", "reject"}:
        return _detail(request, found, "Choose to publish the photo or not.", status=400)
    try:
        request_review_media(
            actor=request.user,
            request=found,
            approve=decision == "publish",
            reason=request.POST.get("reason", ""),
        )
    except ValueError as error:
        return _detail(request, found, str(error), status=400)
    return _after(request, pk)
