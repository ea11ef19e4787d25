"""The one write path for 311: the Open311 API, resident pages, the staff console, the 911
transfer and the CSB importer all create and change requests here."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from safercity.core.actors import Actor, ApiClient, actor_label
from safercity.core.audit import audit_write
from safercity.core.geocode import lookup, nearest
from safercity.core.http import client_address
from safercity.core.inputs import InputRefused, bounded_moment, clean_text, finite, plain_id
from safercity.core.models import Address, Neighborhood
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.core.selectors import city_index
from safercity.core.uploads import CleanPhoto, PhotoRefused, photo_clean
from safercity.service311.models import (
    ApiKey,
    RequestNote,
    Service,
    ServiceAttribute,
    ServiceRequest,
)
from safercity.service311.services.catalog import TermsInForce

MAX_DESCRIPTION = 4000
MAX_MEDIA_BYTES = 10 * 1024 * 1024
STAFF_311 = (Role.AGENT_311, Role.ADMINISTRATOR)
TRANSFER_ROLES = (Role.CALL_TAKER, Role.SUPERVISOR_911, *STAFF_311)


class Open311Error(Exception):
    """A request the API must refuse, with the HTTP status and a description for the client."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _invalid(description: str) -> Open311Error:
    return Open311Error(400, description)


@dataclass(frozen=True)
class NewRequest:
    service_code: str
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    address_id: str = ""
    attributes: dict[str, Any] | None = None
    description: str = ""
    email: str = ""
    device_id: str = ""
    account_id: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    media_url: str = ""
    language: str = "en"
    wants_email_updates: bool = False
    requested_datetime: datetime | None = None  # imports keep the original time
    external_id: str = ""


# Each text field's limit (the column's length); the description may run over lines.
TEXT_LIMITS = {
    "service_code": 100, "address_string": 300, "address_id": 20, "email": 254,
    "device_id": 100, "account_id": 100, "first_name": 100, "last_name": 100, "phone": 40,
    "media_url": 500, "language": 8, "external_id": 40,
}  # fmt: skip


def _cleaned(new: NewRequest) -> NewRequest:
    """The request's text, refused where it is too long or holds what cannot be stored or
    published (control characters, lone surrogates): never cut short without a word."""
    texts: dict[str, Any] = {
        name: clean_text(getattr(new, name), name, n) for name, n in TEXT_LIMITS.items()
    }
    texts["description"] = clean_text(
        new.description, "description", MAX_DESCRIPTION, multiline=True
    )
    if new.requested_datetime is not None:
        bounded_moment(new.requested_datetime, "requested_datetime")
    return replace(new, **texts)


def _number(value: Any, name: str) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise _invalid(f"{name} must be a number") from None
    if not math.isfinite(number):
        raise _invalid(f"{name} must be a finite number")
    return number


def _check_attribute(attribute: ServiceAttribute, value: Any) -> Any:
    keys = {str(v.get("key")) for v in attribute.values}
    datatype = attribute.datatype
    if datatype == ServiceAttribute.Datatype.MULTIVALUELIST:
        chosen = value if isinstance(value, list) else [value]
        unknown = [str(v) for v in chosen if str(v) not in keys]
        if unknown:
            raise _invalid(f"attribute[{attribute.code}] has no value {', '.join(unknown)}")
        return [str(v) for v in chosen]
    if isinstance(value, list):
        if len(value) != 1:
            raise _invalid(f"attribute[{attribute.code}] takes one value")
        value = value[0]
    limit = 300 if datatype == ServiceAttribute.Datatype.STRING else MAX_DESCRIPTION
    try:
        text = clean_text(value, f"attribute[{attribute.code}]", limit, multiline=True)
    except InputRefused as refused:
        raise _invalid(str(refused)) from None
    if datatype == ServiceAttribute.Datatype.SINGLEVALUELIST and text not in keys:
        raise _invalid(f"attribute[{attribute.code}] has no value {text}")
    if datatype == ServiceAttribute.Datatype.NUMBER:
        try:
            return str(Decimal(text))
        except InvalidOperation:
            raise _invalid(f"attribute[{attribute.code}] must be a number") from None
    if datatype == ServiceAttribute.Datatype.DATETIME:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _invalid(f"attribute[{attribute.code}] must be an ISO 8601 datetime") from None
        try:
            return bounded_moment(moment, f"attribute[{attribute.code}]").isoformat()
        except InputRefused as refused:
            raise _invalid(str(refused)) from None
    return text


def _check_attributes(service: Service, given: dict[str, Any]) -> dict[str, Any]:
    known = {a.code: a for a in service.attributes.all()}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise _invalid(f"service {service.service_code} has no attribute {', '.join(unknown)}")
    checked = {}
    for code, attribute in known.items():
        value = given.get(code)
        if value in (None, "", []):
            if attribute.required and attribute.variable:
                raise _invalid(f"attribute[{code}] is required")
            continue
        checked[code] = _check_attribute(attribute, value)
    return checked


def _locate(new: NewRequest) -> tuple[float | None, float | None, Address | None]:
    if new.address_id:
        number = plain_id(new.address_id)
        address = Address.objects.filter(pk=number).first() if number is not None else None
        if address is None:
            raise _invalid(f"address_id {new.address_id} is not a known address")
        return address.lat, address.lon, address
    if new.lat is not None or new.long is not None:
        if new.lat is None or new.long is None:
            raise _invalid("lat and long go together")
        try:
            return finite(new.lat, "lat", -90, 90), finite(new.long, "long", -180, 180), None
        except InputRefused as refused:
            raise _invalid(str(refused)) from None
    if new.address_string.strip():
        place = lookup(new.address_string).place
        if place is not None:
            return place.lat, place.lon, place.address
        return None, None, None  # Open311 accepts an address alone; staff place it later
    raise _invalid("a location is required: lat and long, address_string or address_id")


def _zip_of(address: Address | None) -> str:
    return address.zip_code if address is not None else ""


def _clean_media(media: UploadedFile[bytes] | None) -> CleanPhoto | None:
    """The uploaded photo, decoded and written again (no metadata, no location)."""
    if media is None:
        return None
    if media.size is None or media.size > MAX_MEDIA_BYTES:
        raise Open311Error(413, "media is larger than 10 MB")
    try:
        return photo_clean(media.read(MAX_MEDIA_BYTES + 1))
    except PhotoRefused as refused:
        raise _invalid(f"media: {refused}") from None


def _check_media_url(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    scheme, _, rest = url.partition("://")  # its length was checked with the other fields
    if scheme.lower() not in {"http", "https"} or not rest:
        raise _invalid("media_url must be an http or https address")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise _invalid("media_url may not contain spaces or control characters")
    return url


def rate_limited(request: HttpRequest, key: str) -> bool:
    """At most OPEN311_POSTS_PER_MINUTE reports a minute per key and address (fixed window):
    the API and the resident pages both count here."""
    who = f"{ApiKey.hash(key)[:16]}:{client_address(request)}"
    bucket = f"open311-post:{who}:{int(timezone.now().timestamp() // 60)}"
    cache.add(bucket, 0, timeout=120)
    try:
        count = cache.incr(bucket)
    except ValueError:  # the bucket expired between add and incr
        count = 1
    return bool(count > settings.OPEN311_POSTS_PER_MINUTE)


def _service_for(code: str) -> Service:
    service = Service.objects.filter(service_code=code, active=True).first()
    if service is None:
        raise Open311Error(404, f"service_code {code} not found")
    return service


# Residents (public pages), Open311 clients (scope `requests:create`) and 311 staff; a 911
# call-taker's transfer creates one too.
@requires(*TRANSFER_ROLES, scope="requests:create", public=True)
def request_create(
    *,
    actor: Actor,
    new: NewRequest,
    source: str = ServiceRequest.Source.API,
    media: UploadedFile[bytes] | None = None,
) -> ServiceRequest:
    """Validate and store a service request. It is committed before this returns, so an
    acknowledgement sent after it never speaks of a request that could still be lost."""
    try:
        new = _cleaned(new)
    except InputRefused as refused:
        raise _invalid(str(refused)) from None
    service = _service_for(new.service_code)
    lat, lon, address = _locate(new)
    attributes = _check_attributes(service, new.attributes or {})
    photo = _clean_media(media)
    media_url = _check_media_url(new.media_url)
    neighborhood_id = None
    near = nearest(lat, lon) if address is None and lat is not None and lon is not None else None
    if lat is not None and lon is not None and Neighborhood.objects.exists():
        neighborhood_id = city_index().locate_one(lon, lat).neighborhood_id
        if neighborhood_id is None:
            raise _invalid("the location is outside the city")
    now = timezone.now()
    requested = new.requested_datetime or now
    with transaction.atomic():
        request = ServiceRequest.objects.create(
            service=service,
            description=new.description,
            requested_datetime=requested,
            updated_datetime=max(requested, now) if not new.requested_datetime else requested,
            expected_datetime=requested + timedelta(days=service.sla_days),
            address_string=new.address_string or (str(address) if address else ""),
            address=address,
            nearest_address=near,
            zipcode=_zip_of(address or near),
            lat=lat,
            long=lon,
            neighborhood_id=neighborhood_id or (address.neighborhood_id if address else None),
            media_url=media_url,
            media_review=(
                ServiceRequest.MediaReview.PENDING
                if photo or media_url
                else ServiceRequest.MediaReview.NONE
            ),
            attributes=attributes,
            email=new.email,
            device_id=new.device_id,
            account_id=new.account_id,
            first_name=new.first_name,
            last_name=new.last_name,
            phone=new.phone,
            language=new.language or "en",
            wants_email_updates=new.wants_email_updates and bool(new.email),
            source=source,
            external_id=new.external_id,
        )
        if photo is not None:
            request.media.save(str(photo.file.name), photo.file, save=True)
        _note(request, actor, "opened", at=requested, status="open")
        audit_write(
            actor=actor,
            action="service311.request.create",
            obj=request,
            detail={"service_code": service.service_code, "source": source},
        )
        rollups_stale("scorecard")
    return request


def _note(
    request: ServiceRequest,
    actor: Actor,
    kind: str,
    text: str = "",
    *,
    at: datetime | None = None,
    status: str = "",
    public: bool = True,
) -> RequestNote:
    """One line of the request's history, by whoever acted."""
    return RequestNote.objects.create(
        request=request,
        at=at or timezone.now(),
        author=actor_label(actor),
        kind=kind,
        status=status,
        text=text,
        public=public,
    )


def _touch(request: ServiceRequest, when: datetime) -> None:
    request.updated_datetime = max(when, request.updated_datetime)


@requires(*STAFF_311)
@transaction.atomic
def request_set_status(
    *,
    actor: Actor,
    request: ServiceRequest,
    status: str,
    note: str = "",
    public: bool = True,
    at: datetime | None = None,
) -> ServiceRequest:
    """Change the status. `at` is for imports that carry the time it really happened."""
    if status not in ServiceRequest.Status.values:
        raise ValueError(f"status must be one of {', '.join(ServiceRequest.Status.values)}")
    note = clean_text(note, "the note", MAX_DESCRIPTION, multiline=True)  # InputRefused: ValueError
    now = at or timezone.now()
    # Saving the same status again with no new note is no news: the resident is not told twice.
    fresh_note = note.strip() != "" and note.strip() != request.status_notes
    news = status != request.status or fresh_note
    request.status = status
    request.status_notes = note.strip() or request.status_notes
    request.closed_datetime = now if status == ServiceRequest.Status.CLOSED else None
    _touch(request, now)
    request.save()
    _note(request, actor, "status", note, at=now, status=status, public=public)
    audit_write(
        actor=actor, action="service311.request.status", obj=request, detail={"status": status}
    )
    rollups_stale("scorecard")
    if news and public and request.wants_email_updates and request.email and at is None:
        transaction.on_commit(lambda: _notify_resident(request.pk))
    return request


def _notify_resident(request_id: int) -> None:
    """Tell the resident who asked for updates, in their language, after the change is saved.
    The e-mail goes out through the task worker, which tries again if the mail server fails."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    from safercity.core.tasks import email_send

    found = ServiceRequest.objects.select_related("service").get(pk=request_id)
    with translation.override(found.language):
        link = settings.SAFERCITY_SITE_URL + reverse("service311:status", args=[found.token])
        body = render_to_string("service311/email_update.txt", {"item": found, "link": link})
        subject = render_to_string("service311/email_subject.txt", {"item": found}).strip()
    email_send.enqueue(subject, body, [found.email])


@requires(*STAFF_311)
@transaction.atomic
def request_add_note(
    *, actor: Actor, request: ServiceRequest, text: str, public: bool = False
) -> RequestNote:
    text = clean_text(text, "the note", MAX_DESCRIPTION, multiline=True)
    if not text:
        raise ValueError("a note needs some text")
    now = timezone.now()
    note = _note(request, actor, "note", text, at=now, public=public)
    if public:
        _touch(request, now)
        request.save(update_fields=["updated_datetime"])
    audit_write(actor=actor, action="service311.request.note", obj=request)
    return note


@requires(*STAFF_311)
@transaction.atomic
def request_review_media(
    *, actor: Actor, request: ServiceRequest, approve: bool, reason: str = ""
) -> ServiceRequest:
    """Publish the resident's photo or link in media_url, or keep it off the public record
    (a rejected photo's file is deleted: it may show a face, a plate or a home)."""
    if request.media_review == ServiceRequest.MediaReview.NONE:
        raise ValueError("this request has no photo or link to review")
    now = timezone.now()
    request.media_review = (
        ServiceRequest.MediaReview.APPROVED if approve else ServiceRequest.MediaReview.REJECTED
    )
    request.media_reviewed_at = now
    request.media_reviewed_by = actor if isinstance(actor, User) else None
    fields = ["media_review", "media_reviewed_at", "media_reviewed_by", "updated_datetime"]
    if not approve and request.media:
        stored, storage = str(request.media.name), request.media.storage
        transaction.on_commit(lambda: storage.delete(stored))
        request.media = ""
        fields.append("media")
    _touch(request, now)
    request.save(update_fields=fields)
    said = "Photo published." if approve else "Photo not published."
    _note(request, actor, "note", f"{said} {reason.strip()}".strip(), at=now, public=False)
    audit_write(
        actor=actor,
        action="service311.request.media_review",
        obj=request,
        detail={"approved": approve},
    )
    return request


@requires(*STAFF_311)
@transaction.atomic
def request_assign(*, actor: Actor, request: ServiceRequest, assignee: Any) -> ServiceRequest:
    request.assigned_to = assignee
    request.save(update_fields=["assigned_to"])
    who = assignee.get_username() if assignee else "nobody"
    _note(request, actor, "assigned", f"assigned to {who}", public=False)
    audit_write(actor=actor, action="service311.request.assign", obj=request)
    return request


@requires(*STAFF_311)
@transaction.atomic
def request_merge(
    *, actor: Actor, duplicate: ServiceRequest, into: ServiceRequest
) -> ServiceRequest:
    """Close `duplicate` as a copy of `into`; it keeps `into` as its parent."""
    if duplicate.pk == into.pk:
        raise ValueError("a request cannot be merged into itself")
    if into.parent_id is not None:
        into = into.parent  # type: ignore[assignment]
    if duplicate.pk == into.pk:
        raise ValueError("that request is already the parent")
    duplicate.parent = into
    request_set_status(
        actor=actor,
        request=duplicate,
        status=ServiceRequest.Status.CLOSED,
        note=f"Duplicate of request {into.pk}.",
    )
    _note(into, actor, "merged", f"Request {duplicate.pk} merged into this one.")
    ServiceRequest.objects.filter(parent=duplicate).update(parent=into)
    duplicate.save(update_fields=["parent"])
    audit_write(
        actor=actor, action="service311.request.merge", obj=duplicate, detail={"into": into.pk}
    )
    return duplicate


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def api_key_create(*, actor: Actor, name: str) -> str:
    """A new key for an Open311 client. Returns the key; only its hash is kept."""
    key = ApiKey.new_key()
    api_key = ApiKey.objects.create(name=name, key_hash=ApiKey.hash(key))
    audit_write(actor=actor, action="service311.apikey.create", obj=api_key)
    return key


def api_actor(key: str) -> ApiClient:
    """The client behind an api_key, with its key's scopes, or 403 as the spec says."""
    found = ApiKey.objects.filter(key_hash=ApiKey.hash(key), active=True).first() if key else None
    if found is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    return ApiClient(f"open311:{found.name}", scopes=frozenset(found.scopes))


@requires(*TRANSFER_ROLES)
def transfer_from_911(
    *,
    actor: Actor,
    call_reference: str,
    service_code: str,
    description: str,
    lat: float | None = None,
    long: float | None = None,
    address_string: str = "",
    caller_phone: str = "",
    caller_language: str = "en",
) -> ServiceRequest:
    """One step for a 911 call-taker: a routine concern becomes a 311 request, the caller's
    number kept for a callback (never published), and the 911 call referenced in its history."""
    if not call_reference.strip():
        raise _invalid("the 911 call reference is required")
    created = request_create(
        actor=actor,
        new=NewRequest(
            service_code=service_code,
            lat=lat,
            long=long,
            address_string=address_string,
            description=description,
            phone=caller_phone,
            language=caller_language,
            external_id=f"911:{call_reference.strip()}"[:40],
        ),
        source=ServiceRequest.Source.TRANSFER_911,
    )
    _note(
        created, actor, "note", f"Transferred from 911 call {call_reference.strip()}.", public=False
    )
    return created


@dataclass(frozen=True)
class ImportedRequest:
    """One request from another system's export, already read and checked by its importer."""

    line: int
    external_id: str
    service_code: str
    requested: datetime
    status: str
    status_note: str = ""
    closed: datetime | None = None
    lat: float | None = None
    long: float | None = None
    address_string: str = ""
    description: str = ""


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


def _imported_row(item: ImportedRequest, service: Service, sla_days: int) -> ServiceRequest:
    closed = item.status == ServiceRequest.Status.CLOSED
    return ServiceRequest(
        service=service,
        status=item.status,
        status_notes=item.status_note,
        description=clean_text(item.description, "description", MAX_DESCRIPTION, multiline=True),
        requested_datetime=item.requested,
        updated_datetime=max(item.requested, item.closed or item.requested),
        expected_datetime=item.requested + timedelta(days=sla_days),
        closed_datetime=(item.closed or item.requested) if closed else None,
        address_string=clean_text(item.address_string, "address", 300),
        lat=item.lat,
        long=item.long,
        source=ServiceRequest.Source.IMPORT,
        external_id=clean_text(item.external_id, "request id", 40),
    )


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def requests_import(*, actor: Actor, items: list[ImportedRequest], source: str) -> ImportOutcome:
    """Store many imported requests at once (bulk inserts, one audit entry for the file).
    A request already imported under its external id is updated when its status or closing
    time changed, and counted unchanged otherwise."""
    outcome = ImportOutcome()
    services = {s.service_code: s for s in Service.objects.filter(active=True)}
    terms = TermsInForce(list(services.values()))
    existing = {
        r.external_id: r
        for r in ServiceRequest.objects.filter(
            source=ServiceRequest.Source.IMPORT, external_id__in=[i.external_id for i in items]
        )
    }
    fresh: list[tuple[ImportedRequest, ServiceRequest]] = []
    changed: list[tuple[ImportedRequest, ServiceRequest]] = []
    for item in items:
        service = services.get(item.service_code)
        if service is None:
            outcome.rejected.append((item.line, f"service_code {item.service_code} not found"))
            continue
        try:
            row = _imported_row(item, service, terms.sla_days(service, item.requested))
        except InputRefused as refused:
            outcome.rejected.append((item.line, str(refused)))
            continue
        before = existing.get(item.external_id)
        if before is None:
            fresh.append((item, row))
        elif (before.status, before.closed_datetime) != (row.status, row.closed_datetime):
            changed.append((item, before))
        else:
            outcome.unchanged += 1
    # Neighborhoods for every located request at once; a point outside the city is refused.
    located = [(item, row) for item, row in fresh if row.lat is not None and row.long is not None]
    if located and Neighborhood.objects.exists():
        lons = [float(r.long or 0) for _, r in located]
        places = city_index().locate(lons, [float(r.lat or 0) for _, r in located])
        outside = set()
        for (item, row), place in zip(located, places, strict=True):
            if place.neighborhood_id is None:
                outcome.rejected.append((item.line, "the location is outside the city"))
                outside.add(item.line)
            row.neighborhood_id = place.neighborhood_id
        fresh = [(item, row) for item, row in fresh if item.line not in outside]
    for _, row in fresh:
        if row.lat is None and row.address_string:
            typed = lookup(row.address_string).place
            if typed is not None:
                row.address, row.lat, row.long = typed.address, typed.lat, typed.lon
                if typed.address is not None:
                    row.neighborhood_id = typed.address.neighborhood_id
                    row.zipcode = typed.address.zip_code
                elif Neighborhood.objects.exists():
                    row.neighborhood_id = (
                        city_index().locate_one(typed.lon, typed.lat).neighborhood_id
                    )
    outcome.created, outcome.updated = len(fresh), len(changed)
    label = actor_label(actor)
    created = ServiceRequest.objects.bulk_create([row for _, row in fresh], batch_size=2000)
    notes = []
    for (item, _), request in zip(fresh, created, strict=True):
        notes.append(
            RequestNote(
                request=request, at=item.requested, author=label, kind="opened", status="open"
            )
        )
        if item.status == ServiceRequest.Status.CLOSED or item.status_note:
            notes.append(
                RequestNote(
                    request=request,
                    at=item.closed or item.requested,
                    author=label,
                    kind="status",
                    status=item.status,
                    text=item.status_note,
                )
            )
    for item, request in changed:
        request.status, request.closed_datetime = (
            item.status,
            (
                (item.closed or item.requested)
                if item.status == ServiceRequest.Status.CLOSED
                else None
            ),
        )
        request.status_notes = item.status_note or request.status_notes
        _touch(request, item.closed or item.requested)
        notes.append(
            RequestNote(
                request=request,
                at=item.closed or timezone.now(),
                author=label,
                kind="status",
                status=item.status,
                text=item.status_note,
            )
        )
    ServiceRequest.objects.bulk_update(
        [r for _, r in changed],
        ["status", "closed_datetime", "status_notes", "updated_datetime"],
        batch_size=2000,
    )
    RequestNote.objects.bulk_create(notes, batch_size=5000)
    audit_write(
        actor=actor,
        action="service311.requests.import",
        detail={
            "source": source,
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "rejected": len(outcome.rejected),
        },
    )
    rollups_stale("scorecard")
    return outcome
