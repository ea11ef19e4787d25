"""Reads for 311: the Open311 search (with the spec's 90-day rule), queues, duplicates."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from safercity.core.geo import distance_m
from safercity.core.inputs import InputRefused, bounded_moment, plain_id
from safercity.service311.models import ServiceRequest
from safercity.service311.services import Open311Error

WINDOW = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_PAGE = 1_000_000  # a billion requests deep: further is no page, and no SQL offset


@dataclass(frozen=True)
class RequestQuery:
    service_request_ids: list[str]
    service_codes: list[str]
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def parse_w3c(text: str, name: str) -> datetime:
    """A W3C datetime with its offset (2010-01-01T00:00:00Z); a bare date means midnight UTC."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise Open311Error(
            400, f"{name} must be a W3C datetime such as 2010-01-01T00:00:00Z"
        ) from None
    if moment.tzinfo is None:
        if "T" in value:
            raise Open311Error(400, f"{name} needs a time zone (Z or an offset such as -06:00)")
        moment = moment.replace(tzinfo=UTC)
    try:
        return bounded_moment(moment, name)
    except InputRefused as refused:
        raise Open311Error(400, str(refused)) from None


def _window(query: RequestQuery) -> tuple[datetime, datetime]:
    start, end = query.start, query.end
    if start and end:
        if end < start:
            raise Open311Error(400, "end_date is before start_date")
        if end - start > WINDOW:
            raise Open311Error(400, "start_date and end_date may not span more than 90 days")
        return start, end
    if start:
        return start, start + WINDOW
    if end:
        return end - WINDOW, end
    now = timezone.now()
    return now - WINDOW, now


def requests_search(query: RequestQuery) -> QuerySet[ServiceRequest]:
    base = ServiceRequest.objects.select_related("service", "service__department")
    if query.service_request_ids:
        if len(query.service_request_ids) > MAX_PAGE_SIZE:
            raise Open311Error(400, f"at most {MAX_PAGE_SIZE} service_request_id values")
        ids = [n for n in map(plain_id, query.service_request_ids) if n is not None]
        return base.filter(pk__in=ids).order_by("-requested_datetime", "-id")
    if not 1 <= query.page <= MAX_PAGE or not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise Open311Error(400, f"page is 1 to {MAX_PAGE:,} and page_size is 1 to {MAX_PAGE_SIZE}")
    found = base
    if query.updated_after or query.updated_before:
        # The updated_* extension pages through changes, so the 90-day rule applies to it.
        after, before = query.updated_after, query.updated_before
        if after and before and before - after > WINDOW:
            raise Open311Error(400, "updated_after and updated_before span more than 90 days")
        if query.updated_after:
            found = found.filter(updated_datetime__gte=query.updated_after)
        if query.updated_before:
            found = found.filter(updated_datetime__lte=query.updated_before)
        if query.start or query.end:
            start, end = _window(query)
            found = found.filter(requested_datetime__range=(start, end))
    else:
        start, end = _window(query)
        found = found.filter(requested_datetime__range=(start, end))
    if query.service_codes:
        found = found.filter(service__service_code__in=query.service_codes)
    if query.statuses:
        unknown = set(query.statuses) - set(ServiceRequest.Status.values)
        if unknown:
            raise Open311Error(
                400, f"status must be open or closed, not {', '.join(sorted(unknown))}"
            )
        found = found.filter(status__in=query.statuses)
    first = (query.page - 1) * query.page_size
    return found.order_by("-requested_datetime", "-id")[first : first + query.page_size]


def request_by_id(service_request_id: str) -> ServiceRequest:
    request = (
        ServiceRequest.objects.select_related("service", "service__department")
        .filter(pk=plain_id(service_request_id) or -1)
        .first()
    )
    if request is None:
        raise Open311Error(404, f"service_request_id {service_request_id} not found")
    return request


def duplicate_candidates(request: ServiceRequest) -> list[tuple[ServiceRequest, float]]:
    """Open requests for the same service near it in place and time, nearest first."""
    if request.lat is None or request.long is None:
        return []
    service = request.service
    radius = service.duplicate_radius_m
    window = timedelta(days=service.duplicate_window_days)
    dlat = radius / 111_320
    dlon = radius / (111_320 * max(math.cos(math.radians(request.lat)), 0.01))
    nearby = ServiceRequest.objects.filter(
        service=service,
        parent__isnull=True,
        status=ServiceRequest.Status.OPEN,
        lat__range=(request.lat - dlat, request.lat + dlat),
        long__range=(request.long - dlon, request.long + dlon),
        requested_datetime__range=(
            request.requested_datetime - window,
            request.requested_datetime + window,
        ),
    ).exclude(pk=request.pk)
    scored = [
        (other, distance_m(request.lat, request.long, other.lat, other.long))
        for other in nearby
        if other.lat is not None and other.long is not None
    ]
    return sorted((pair for pair in scored if pair[1] <= radius), key=lambda pair: pair[1])


def queue(department_code: str | None = None, status: str = "open") -> QuerySet[ServiceRequest]:
    found = ServiceRequest.objects.select_related(
        "service", "service__department", "assigned_to", "nearest_address", "neighborhood"
    )
    if department_code:
        found = found.filter(service__department__code=department_code)
    if status:
        found = found.filter(status=status)
    return found.order_by("expected_datetime", "requested_datetime")


def photo_is_public(stored: str) -> bool:
    """May anyone see this stored upload? Only a photo an agent has published."""
    return ServiceRequest.objects.filter(
        media=stored, media_review=ServiceRequest.MediaReview.APPROVED
    ).exists()
