"""The phone system's door (the CTI contract), all with the X-CTI-Key header:

- POST /api/911/events with one event as JSON. 201 when stored, 200 when that event_id was
  already stored (nothing changes); 400 with the reason when the event cannot be used; 401
  without the right key. Errors: {"detail": ...}. The answer carries the call's routing: the
  position it should ring at (or null while it waits), and every assignment the router made
  while handling the event (an ended call frees a position for the next caller).
- GET /api/911/assignments: every call waiting now and where it should ring, for a phone
  system that polls (once a second is plenty: the router also runs on every event).
- GET /api/911/calls/{call_id}: one call's state and routing.
- GET /api/911/positions: each position's agent state, as the call-takers set it.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import ValidationError
from ninja.security import APIKeyHeader

from safercity.core.actors import ApiClient
from safercity.emergency.models import Call, Position
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
    exercise: str = Field(
        "",
        description="A drill's or demo stream's name: handled like any call, marked on staff "
        "pages and left out of every published figure. Blank for a real call.",
    )
    time_scale: float = Field(
        1.0,
        description="An exercise played this many times faster than real time (1 to 10,000): "
        "its alert and callback deadlines shrink by the same factor.",
    )


# The phone system holds the CTI key; with it, it may post call events and nothing else.
PHONE_SYSTEM = ApiClient("api:cti", scopes=frozenset({"911:events"}))


class Routing(Schema):
    call_id: str
    state: str
    position: str | None
    assigned_at: datetime | None
    partner: str | None

    @staticmethod
    def of(call: Call) -> Routing:
        return Routing(
            call_id=call.call_id,
            state=call.state,
            position=call.position.name if call.position else None,
            assigned_at=call.assigned_at,
            partner=call.transferred_to if call.rolled_to_partner_at else None,
        )


class Accepted(Schema):
    event_id: str
    call_id: str
    duplicate: bool
    call: Routing
    routed: list[Routing]


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
    stored, new, routed = event_ingest(actor=PHONE_SYSTEM, event=CallEventIn(**event.dict()))
    call = Call.objects.select_related("position").get(pk=stored.call_id)
    body = Accepted(
        event_id=stored.event_id,
        call_id=call.call_id,
        duplicate=not new,
        call=Routing.of(call),
        routed=[Routing.of(routed_call) for routed_call, _ in routed],
    )
    return Status(201 if new else 200, body)


@api.get("/assignments", response={200: list[Routing], 401: Problem})
def assignments(request: HttpRequest) -> list[Routing]:
    """Every call waiting now, oldest first, with the position it should ring at (null while
    no position can take it)."""
    waiting = (
        Call.objects.filter(state=Call.State.WAITING, rolled_to_partner_at__isnull=True)
        .select_related("position")
        .order_by("arrived_at", "id")
    )
    return [Routing.of(call) for call in waiting[:1000]]


@api.get("/calls/{call_id}", response={200: Routing, 401: Problem, 404: Problem})
def call_routing(request: HttpRequest, call_id: str) -> Status:  # type: ignore[type-arg]
    call = Call.objects.select_related("position").filter(call_id=call_id).first()
    if call is None:
        return Status(404, {"detail": f"no call {call_id!r}"})
    return Status(200, Routing.of(call))


class PositionOut(Schema):
    name: str
    state: str
    reason: str
    since: datetime | None
    staffed_by: str
    is_backup: bool
    languages: list[str]
    handles_text: bool


@api.get("/positions", response={200: list[PositionOut], 401: Problem})
def positions(request: HttpRequest) -> list[PositionOut]:
    return [
        PositionOut(
            name=p.name,
            state=p.state,
            reason=p.state_reason,
            since=p.state_since,
            staffed_by=p.staffed_by,
            is_backup=p.is_backup,
            languages=p.languages,
            handles_text=p.handles_text,
        )
        for p in Position.objects.all()
    ]
