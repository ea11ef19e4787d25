"""The service directory as Open Referral's HSDS 3.0 API profile, read-only and open to anyone
(providers, 211 lines, other cities' directories) at /api/hsds/:

- GET /                       what this API is (HSDS version, profile, OpenAPI address)
- GET /services               one-to-one fields, paged; `full=true` nests each service
- GET /services/{id}          one service, fully nested
- GET /organizations[/{id}], /service_at_locations[/{id}], /taxonomies[/{id}],
  /taxonomy_terms[/{id}]

Pages carry HSDS's fields (total_items, total_pages, page_number, size, first_page,
last_page, empty, contents). Errors are {"detail": "..."} with 400 or 404."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import ValidationError

from safercity.core.inputs import InputRefused, clean_text
from safercity.equity import hsds
from safercity.equity.models import Organization, Service, ServiceAtLocation

api = NinjaAPI(
    title="SaferCity service directory (Open Referral HSDS 3.0)",
    version="3.0",
    urls_namespace="hsds_api",
    docs_url="/docs",
)
MAX_PER_PAGE = 200


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, error: ValidationError) -> object:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in error.errors
    )
    return api.create_response(request, {"detail": problems}, status=400)


@api.exception_handler(InputRefused)
def on_refused(request: HttpRequest, error: InputRefused) -> object:
    return api.create_response(request, {"detail": str(error)}, status=400)


def _search(text: str) -> str:
    return clean_text(text, "search", 200)


class Problem(Schema):
    detail: str


class About(Schema):
    version: str
    profile: str
    openapi_url: str
    description: str
    publisher: dict[str, str]


class Paging(Schema):
    search: str = ""
    page: int = 1
    per_page: int = 50


class ServiceFilters(Paging):
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: datetime | None = None
    full: bool = False
    minimal: bool = False


class Page(Schema):
    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def _page(rows: list[Any] | QuerySet[Any], paging: Paging, render: Any) -> Page | Status:  # type: ignore[type-arg]
    if paging.page < 1 or not 1 <= paging.per_page <= MAX_PER_PAGE:
        return Status(400, {"detail": f"page from 1, per_page from 1 to {MAX_PER_PAGE}"})
    total = rows.count() if isinstance(rows, QuerySet) else len(rows)
    pages = max(1, math.ceil(total / paging.per_page))
    start = (paging.page - 1) * paging.per_page
    shown = [render(r) for r in rows[start : start + paging.per_page]]
    return Page(
        total_items=total,
        total_pages=pages,
        page_number=paging.page,
        size=len(shown),
        first_page=paging.page == 1,
        last_page=paging.page >= pages,
        empty=total == 0,
        contents=shown,
    )


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return None


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Anything else under /api/hsds/ answers in the API's error format."""
    return JsonResponse({"detail": f"no such HSDS resource: {request.path}"}, status=404)


@api.get("/schemas/hsds-service.schema.json", response={200: dict[str, Any]})
def profile_schema(request: HttpRequest) -> dict[str, Any]:
    """The JSON Schema every service this API serves, and every import, is checked against."""
    return hsds.profile_schema()


@api.get("/", response={200: About})
def about(request: HttpRequest) -> About:
    return About(
        version=hsds.HSDS_VERSION,
        profile=request.build_absolute_uri("/api/hsds/schemas/hsds-service.schema.json"),
        openapi_url=request.build_absolute_uri("/api/hsds/openapi.json"),
        description="Addiction, mental-health, housing and other services that the city "
        "refers people to, kept current by the providers.",
        publisher={"name": "SaferCity"},
    )


def _services(filters: ServiceFilters) -> QuerySet[Service] | None:
    found = Service.objects.select_related("organization").order_by("name", "id")
    words = _search(filters.search)
    if words:
        found = found.filter(
            Q(name__icontains=words)
            | Q(description__icontains=words)
            | Q(organization__name__icontains=words)
        )
    if filters.organization_id:
        org = _uuid(filters.organization_id)
        if org is None:
            return None
        found = found.filter(organization_id=org)
    if filters.taxonomy_term_id:
        kinds = [k for k in Service.Kind if str(hsds.term_id(k)) == filters.taxonomy_term_id]
        found = found.filter(kind__in=kinds)
    if filters.taxonomy_id and filters.taxonomy_id != str(hsds.TAXONOMY_ID):
        found = found.none()
    if filters.modified_after is not None:
        after = filters.modified_after
        if timezone.is_naive(after):
            after = timezone.make_aware(after)
        found = found.filter(modified_at__gte=after)
    return found


def _minimal(service: Service) -> dict[str, Any]:
    return {"id": str(service.id), "last_modified": service.modified_at.isoformat()}


@api.get("/services", response={200: Page, 400: Problem})
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> Page | Status:  # type: ignore[type-arg]
    found = _services(filters)
    if found is None:
        return Status(400, {"detail": "organization_id is not a UUID"})
    if filters.minimal:
        return _page(found, filters, _minimal)
    if filters.full:
        return _page(hsds.with_relations(found), filters, hsds.service_json)
    return _page(found, filters, hsds.service_list_json)


@api.get("/services/{id}", response={200: dict[str, Any], 404: Problem})
def service(request: HttpRequest, id: str) -> Status:  # type: ignore[type-arg]
    key = _uuid(id)
    found = hsds.with_relations(Service.objects.all()).filter(id=key).first() if key else None
    if found is None:
        return Status(404, {"detail": f"no service {id!r}"})
    return Status(200, hsds.service_json(found))


@api.get("/organizations", response={200: Page, 400: Problem})
def organizations(request: HttpRequest, paging: Query[Paging]) -> Page | Status:  # type: ignore[type-arg]
    found = Organization.objects.order_by("name", "id")
    if words := _search(paging.search):
        found = found.filter(name__icontains=words)
    return _page(found, paging, hsds.organization_json)


@api.get("/organizations/{id}", response={200: dict[str, Any], 404: Problem})
def organization(request: HttpRequest, id: str) -> Status:  # type: ignore[type-arg]
    key = _uuid(id)
    org = Organization.objects.filter(id=key).first() if key else None
    if org is None:
        return Status(404, {"detail": f"no organization {id!r}"})
    services = org.services.order_by("name")
    return Status(200, {**hsds.organization_json(org),
                        "services": [hsds.service_list_json(s) for s in services]})  # fmt: skip


def _at_json(at: ServiceAtLocation) -> dict[str, Any]:
    return {
        "id": str(at.id),
        "service_id": str(at.service_id),
        "location_id": str(at.location_id),
        "service": hsds.service_list_json(at.service),
        "location": hsds.location_json(at.location),
    }


@api.get("/service_at_locations", response={200: Page, 400: Problem})
def service_at_locations(request: HttpRequest, paging: Query[Paging]) -> Page | Status:  # type: ignore[type-arg]
    found = ServiceAtLocation.objects.select_related("service", "location").order_by(
        "service__name", "id"
    )
    if words := _search(paging.search):
        found = found.filter(service__name__icontains=words)
    return _page(found, paging, _at_json)


@api.get("/service_at_locations/{id}", response={200: dict[str, Any], 404: Problem})
def service_at_location(request: HttpRequest, id: str) -> Status:  # type: ignore[type-arg]
    key = _uuid(id)
    at = (
        ServiceAtLocation.objects.select_related("service", "location").filter(id=key).first()
        if key
        else None
    )
    if at is None:
        return Status(404, {"detail": f"no service_at_location {id!r}"})
    return Status(200, _at_json(at))


@api.get("/taxonomies", response={200: Page, 400: Problem})
def taxonomies(request: HttpRequest, paging: Query[Paging]) -> Page | Status:  # type: ignore[type-arg]
    return _page([hsds.taxonomy_json()], paging, lambda t: t)


@api.get("/taxonomies/{id}", response={200: dict[str, Any], 404: Problem})
def taxonomy(request: HttpRequest, id: str) -> Status:  # type: ignore[type-arg]
    if id != str(hsds.TAXONOMY_ID):
        return Status(404, {"detail": f"no taxonomy {id!r}"})
    return Status(200, hsds.taxonomy_json())


@api.get("/taxonomy_terms", response={200: Page, 400: Problem})
def taxonomy_terms(request: HttpRequest, paging: Query[Paging]) -> Page | Status:  # type: ignore[type-arg]
    return _page([hsds.term_json(k) for k in Service.Kind], paging, lambda t: t)


@api.get("/taxonomy_terms/{id}", response={200: dict[str, Any], 404: Problem})
def taxonomy_term(request: HttpRequest, id: str) -> Status:  # type: ignore[type-arg]
    for kind in Service.Kind:
        if id == str(hsds.term_id(kind)):
            return Status(200, hsds.term_json(kind))
    return Status(404, {"detail": f"no taxonomy term {id!r}"})
