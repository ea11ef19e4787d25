"""The phone system's door: POST /api/911/events with one event as JSON.

201 when stored, 200 when that event_id was already stored (nothing changes); 400 with the
reason when the event cannot be used; 401 without the right X-CTI-Key. Errors: {"detail": ...}.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest
from ninja import NinjaAPI, Schema, Status
from ninja.errors import ValidationError
from ninja.security import APIKeyHeader

from safercity.core.actors import ApiClient
from safercity.emergency.services import CallEventIn, EventInvalid, event_ingest


class CtiKey(APIKeyHeader):
    param_name = "X-CTI-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> bool:
        expected = settings.SAFERCITY_CTI_KEY
        return bool(expected and key and hmac.compare_digest(key, expected))


api = NinjaAPI(
    title="SaferCity 911 call events",
    version="1",
    urls_namespace="emergency_api",
    auth=CtiKey(),
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, error: ValidationError) -> object:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in error.errors
    )
    return api.create_response(request, {"detail": problems}, status=400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, error: PermissionDenied) -> object:
    return api.create_response(request, {"detail": str(error)}, status=403)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, error: RequestDataTooBig) -> object:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request, {"detail": f"the request is too large (at most {limit:,} bytes)"}, status=413
    )


@api.exception_handler(EventInvalid)
def on_event_invalid(request: HttpRequest, error: EventInvalid) -> object:
    return api.create_response(request, {"detail": str(error)}, status=400)


class EventIn(Schema):
    event_id: str
    call_id: str
    kind: str
    at: datetime
    line: str = "911"
    ani: str = ""
    ali: str = ""
    lat: float | None = None
    lon: float | None = None
    language: str = "en"
    is_text: bool = False
    position: str = ""
    by_attendant: bool = False
    transferred_to: str = ""


# The phone system holds the CTI key; with it, it may post call events and nothing else.
PHONE_SYSTEM = ApiClient("api:cti", scopes=frozenset({"911:events"}))


class Accepted(Schema):
    event_id: str
    call_id: str
    duplicate: bool


class Problem(Schema):
    detail: str


@api.post(
    "/events",
    response={
        200: Accepted,
        201: Accepted,
        400: Problem,
        401: Problem,
        403: Problem,
        413: Problem,
    },
)
def receive(request: HttpRequest, event: EventIn) -> Status:  # type: ignore[type-arg]
    stored, new = event_ingest(actor=PHONE_SYSTEM, event=CallEventIn(**event.dict()))
    body = {"event_id": stored.event_id, "call_id": stored.call.call_id, "duplicate": not new}
    return Status(201 if new else 200, body)
