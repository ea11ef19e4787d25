"""The service catalog as staff see it: each service's deadline and department in force now,
and the terms each export recorded before, with the date each took effect."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.core.roles import role_required
from safercity.service311.models import Service, ServiceTerms
from safercity.service311.services import STAFF_311


@role_required(*STAFF_311)
def catalog_page(request: HttpRequest) -> HttpResponse:
    terms = ServiceTerms.objects.select_related("department").order_by("-effective_from")
    services = (
        Service.objects.select_related("department")
        .prefetch_related(Prefetch("terms", queryset=terms))
        .order_by("group", "service_name")
    )
    return render(request, "service311/catalog.html", {"services": services})
