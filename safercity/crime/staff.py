"""The analyst's record of crime imports: each file imported, what it did to the months it
holds, and, for a republished month, every record it added, changed (before and after) or
withdrew. SLMPD's records are public, but the history keeps addresses of sexual and juvenile
records that publication generalises, so it is for analysts and administrators only."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from safercity.core.roles import Role, role_required
from safercity.crime.models import CrimeImport, CrimeRecordChange

PAGE = 100
KINDS = [kind.value for kind in CrimeRecordChange.Kind]


@role_required(Role.ANALYST, Role.ADMINISTRATOR)
def imports(request: HttpRequest) -> HttpResponse:
    complaint = request.GET.get("complaint", "").strip()[:20]
    page = Paginator(CrimeImport.objects.all(), PAGE).get_page(request.GET.get("page"))
    found = (
        CrimeRecordChange.objects.filter(complaint=complaint).select_related("batch")
        .order_by("-batch__imported_at", "-id")[:PAGE]
        if complaint
        else None
    )  # fmt: skip
    return render(
        request, "crime/imports.html", {"page": page, "complaint": complaint, "found": found}
    )


@role_required(Role.ANALYST, Role.ADMINISTRATOR)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(CrimeImport, pk=pk)
    kind = request.GET.get("kind", "")
    changes = batch.changes.order_by("kind", "complaint", "ucr_code", "ordinal", "id")
    if kind in KINDS:
        changes = changes.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(changes, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "crime/import_detail.html",
        {"batch": batch, "page": page, "kind": kind, "kinds": KINDS},
    )
