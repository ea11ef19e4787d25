"""The exchange API a partner's installation calls (see `exchange` for the protocol):

- POST /api/exchange/v1/requests   a request for information from the partner
- POST /api/exchange/v1/answers    its answer to a request this department sent
- POST /api/exchange/v1/feedback   its feedback on an answer this department gave
- POST /api/exchange/v1/notices    its notice that a record it gave was purged
- POST /api/exchange/v1/records    a record it gave this department (outside a request)
- POST /api/exchange/v1/operations a planned operation (or its cancellation), checked at once
  against every operation registered here; the receipt lists the conflicts
- GET  /api/exchange/v1/log        the message ids received from the calling partner

Every call is signed (RFC 9421, Ed25519, with a Content-Digest); an unsigned, badly signed,
stale or unknown-key call gets 401. Each message carries an `id` (a UUID): the first delivery
is acted on and its receipt kept; a later delivery of the same id gets the same receipt with
"duplicate": true and changes nothing. Errors: {"detail": ...} with 400, 401, 404 or 413."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from http_message_signatures import HTTPMessageSignaturesException, InvalidSignature
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError
from ninja.security.base import AuthBase

from safercity.core.inputs import InputRefused, bounded_moment
from safercity.intelligence import exchange
from safercity.intelligence.models import InboundMessage, Partner

MAX_BODY = 256 * 1024


class PartnerSignature(AuthBase):
    """An RFC 9421 signature by a partner's Ed25519 key (Signature and Signature-Input
    headers), covering @method, @target-uri and Content-Digest."""

    openapi_type = "apiKey"
    openapi_in = "header"
    openapi_name = "Signature"

    def __call__(self, request: HttpRequest) -> Partner | None:
        try:
            body = request.body
        except RequestDataTooBig:
            return None
        headers = {name: value for name, value in request.headers.items()}
        try:
            url = request.build_absolute_uri()
            return exchange.verify(request.method or "", url, headers, body)
        except (InvalidSignature, HTTPMessageSignaturesException, InputRefused, ValueError):
            return None


api = NinjaAPI(
    title="SaferCity intelligence exchange",
    version="1",
    urls_namespace="exchange_api",
    auth=PartnerSignature(),
    docs_url="/docs",
)


def _detail(request: HttpRequest, text: str, status: int) -> object:
    return api.create_response(request, {"detail": text}, status=status)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, error: ValidationError) -> object:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in error.errors
    )
    return _detail(request, problems, 400)


@api.exception_handler(AuthenticationError)
def on_unsigned(request: HttpRequest, error: AuthenticationError) -> object:
    return _detail(
        request, "not signed by a partner's key (RFC 9421, Ed25519, with Content-Digest), or "
        "signed more than five minutes ago", 401,
    )  # fmt: skip


@api.exception_handler(InputRefused)
def on_refused(request: HttpRequest, error: InputRefused) -> object:
    return _detail(request, str(error), 400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, error: PermissionDenied) -> object:
    return _detail(request, str(error), 403)


class Message(Schema):
    id: uuid.UUID = Field(description="the message's id: the idempotency key")
    sent_at: datetime


class RequestMessage(Message):
    reference: str = Field(max_length=40, description="the request's number at the sender")
    priority: Literal["urgent", "priority", "routine"]
    question: str = Field(min_length=1, max_length=4000)
    purpose: str = Field(min_length=1, max_length=2000, description="the need to know")
    requested_by: str = Field("", max_length=200)


class GivenRecord(Schema):
    number: str = Field(max_length=40, description="the record's number at the sender")
    subject: str = Field(max_length=300)
    criminal_activity: str = Field(max_length=300)
    content: str = Field(max_length=20000)
    source_reliability: Literal["A", "B", "C", "X"]
    content_validity: Literal["1", "2", "3", "4"]


class AnswerMessage(Message):
    request: str = Field(max_length=40, description="the receiver's number of the request")
    reference: str = Field("", max_length=40)
    answer: str = Field(min_length=1, max_length=8000)
    declined: bool = False
    records: list[GivenRecord] = Field(default_factory=list, max_length=50)


class FeedbackMessage(Message):
    request: str = Field(max_length=40, description="the receiver's number of the request")
    useful: bool
    led_to: str = Field(min_length=1, max_length=2000)


class NoticeMessage(Message):
    record: str = Field(max_length=40, description="the record's number at the sender")
    reason: str = Field(min_length=1, max_length=4000)


class RecordMessage(Message):
    record: GivenRecord
    recipient: str = Field(min_length=1, max_length=200)
    need_to_know: str = Field(min_length=1, max_length=2000)
    right_to_know: str = Field(min_length=1, max_length=2000)


class OperationMessage(Message):
    reference: str = Field(max_length=40, description="the operation's number at the sender")
    kind: Literal["warrant", "surveillance", "undercover", "raid", "other"]
    case: str = Field(min_length=1, max_length=100)
    place: str = Field(min_length=1, max_length=300)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_m: int = Field(ge=25, le=5000)
    starts_at: datetime
    ends_at: datetime
    contact: str = Field(min_length=1, max_length=200)
    owner: str = Field("", max_length=200)
    cancelled: bool = False


class Receipt(Schema):
    id: uuid.UUID
    receipt: int = Field(description="the message's number in the receiver's inbox")
    duplicate: bool
    result: dict[str, Any]


class Detail(Schema):
    detail: str


ERRORS = {400: Detail, 401: Detail, 413: Detail}


def _receive(request: HttpRequest, kind: str, message: Message, act: Any) -> dict[str, Any]:
    """Act on a message once: the inbox row and what it does commit together, and a message
    already received gets the receipt it got the first time."""
    partner: Partner = request.auth  # type: ignore[attr-defined]  # set by PartnerSignature
    if len(request.body) > MAX_BODY:
        raise InputRefused("the message is too large")
    digest = exchange.body_digest(request.body)
    earlier = InboundMessage.objects.filter(partner=partner, message_id=message.id).first()
    if earlier is not None:
        if earlier.digest != digest:
            raise InputRefused(f"message id {message.id} was used already for another message")
        return {**earlier.receipt, "duplicate": True}
    actor = exchange.partner_actor(partner)
    try:
        with transaction.atomic():
            row = InboundMessage.objects.create(
                partner=partner, message_id=message.id, kind=kind, received_at=timezone.now(),
                digest=digest, receipt={},
            )  # fmt: skip
            result = act(actor=actor, partner=partner, data=message.model_dump(mode="json"))
            row.receipt = {"id": str(message.id), "receipt": row.pk, "duplicate": False,
                           "result": result}  # fmt: skip
            row.save(update_fields=["receipt"])
    except IntegrityError:  # the same message, delivered twice at the same moment
        earlier = InboundMessage.objects.get(partner=partner, message_id=message.id)
        return {**earlier.receipt, "duplicate": True}
    return dict(row.receipt)


@api.post("/requests", response={200: Receipt, **ERRORS})
def requests_in(request: HttpRequest, message: RequestMessage) -> dict[str, Any]:
    return _receive(request, "request", message, exchange.received_request)


@api.post("/answers", response={200: Receipt, **ERRORS})
def answers_in(request: HttpRequest, message: AnswerMessage) -> dict[str, Any]:
    return _receive(request, "answer", message, exchange.received_answer)


@api.post("/feedback", response={200: Receipt, **ERRORS})
def feedback_in(request: HttpRequest, message: FeedbackMessage) -> dict[str, Any]:
    return _receive(request, "feedback", message, exchange.received_feedback)


@api.post("/notices", response={200: Receipt, **ERRORS})
def notices_in(request: HttpRequest, message: NoticeMessage) -> dict[str, Any]:
    return _receive(request, "notice", message, exchange.received_notice)


@api.post("/records", response={200: Receipt, **ERRORS})
def records_in(request: HttpRequest, message: RecordMessage) -> dict[str, Any]:
    return _receive(request, "record", message, exchange.received_record)


@api.post("/operations", response={200: Receipt, **ERRORS})
def operations_in(request: HttpRequest, message: OperationMessage) -> dict[str, Any]:
    """A planned operation for deconfliction; the receipt lists the conflicts found."""
    for moment in (message.starts_at, message.ends_at):
        bounded_moment(moment, "a time")
    return _receive(request, "operation", message, exchange.received_operation)


class LogEntry(Schema):
    id: uuid.UUID
    kind: str
    receipt: int
    received_at: datetime


@api.get("/log", response={200: list[LogEntry], 400: Detail, 401: Detail})
def log(request: HttpRequest, since: datetime | None = None) -> list[dict[str, Any]]:
    """What this installation received from the caller (latest 1,000), to set beside the
    caller's outbox: both logs must agree."""
    partner: Partner = request.auth  # type: ignore[attr-defined]
    rows = InboundMessage.objects.filter(partner=partner)
    if since is not None:
        rows = rows.filter(received_at__gte=bounded_moment(since, "since"))
    return [
        {"id": r.message_id, "kind": r.kind, "receipt": r.pk, "received_at": r.received_at}
        for r in rows.order_by("-received_at")[:1000]
    ]
