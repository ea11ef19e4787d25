"""The exchange between two SaferCity installations (two departments): requests for
information, answers (with the records they give), feedback and purge notices travel as signed
JSON messages.

- Every request is signed with this installation's Ed25519 key under RFC 9421 (HTTP Message
  Signatures, by the `http-message-signatures` library), covering the method, the address and
  a Content-Digest of the body; a partner is known by the key id it signs with and the public
  key on its partner record. A message older than five minutes is refused.
- Each message is written to the outbox in the transaction of what it tells (a request made,
  an answer given), and the task worker delivers it until the partner's receipt comes back,
  waiting longer after each failure. Its id is the idempotency key: the receiver keeps every
  message id with the receipt it gave, so a message delivered twice is received once and
  answered with the same receipt.
- Both sides log every message (outbox here, inbox there); `exchange_log` shows them, and a
  delivered message carries the receipt number of the partner's inbox.

The schema is the API's OpenAPI document at /api/exchange/v1/docs."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_tasks import task
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)

from safercity.core.actors import Actor, ApiClient
from safercity.core.audit import audit_write
from safercity.core.inputs import clean_text, plain_id
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.intelligence.base import IntelligenceRefused, conflicts_with, due_after, feedback_due
from safercity.intelligence.models import (
    Conflict,
    ContentValidity,
    InfoRequest,
    IntelRecord,
    Operation,
    OutboundMessage,
    Partner,
    Priority,
    ReceivedRecord,
    RecipientNotice,
    SourceReliability,
)

log = logging.getLogger(__name__)
SCOPE = "intelligence:exchange"
MAX_AGE = timedelta(minutes=5)
TIMEOUT_S = 15
GIVE_UP_AFTER = 20  # attempts: about five days of waiting, doubling to six hours
PATHS: dict[str, str] = {
    OutboundMessage.Kind.REQUEST: "requests",
    OutboundMessage.Kind.ANSWER: "answers",
    OutboundMessage.Kind.FEEDBACK: "feedback",
    OutboundMessage.Kind.NOTICE: "notices",
    OutboundMessage.Kind.RECORD: "records",
    OutboundMessage.Kind.OPERATION: "operations",
}


# Keys -------------------------------------------------------------------------------------


def _key_file() -> Path:
    return Path(settings.VAR_DIR) / "exchange-ed25519.pem"


def own_private_key() -> Ed25519PrivateKey:
    """This installation's signing key: SAFERCITY_EXCHANGE_PRIVATE_KEY (PEM) when set, else
    the key file in the data folder, made on first use and readable only by its owner."""
    pem = settings.SAFERCITY_EXCHANGE_PRIVATE_KEY
    if not pem:
        path = _key_file()
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            made = Ed25519PrivateKey.generate().private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )  # fmt: skip
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(made)
        pem = path.read_text()
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise IntelligenceRefused("the exchange key is not an Ed25519 private key")
    return key


def own_public_key_pem() -> str:
    """What a partner enters on its record of this department, with `own_key_id()`."""
    public = own_private_key().public_key()
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def own_key_id() -> str:
    return str(settings.SAFERCITY_EXCHANGE_KEY_ID)


def public_key_from_pem(text: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(text.strip().encode())
    except (ValueError, TypeError):
        raise IntelligenceRefused("the partner's public key is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise IntelligenceRefused("the partner's public key must be an Ed25519 key")
    return key


class _Keys(HTTPSignatureKeyResolver):
    def __init__(self, partner: Partner | None = None) -> None:
        self.partner = partner

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey:
        partner = Partner.objects.filter(exchange_key_id=key_id).exclude(exchange_public_key="")
        found = partner.first()
        if found is None:
            raise InvalidSignature(f"no partner signs with the key id {key_id!r}")
        self.partner = found
        return public_key_from_pem(found.exchange_public_key)

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        return own_private_key()


# Receiving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Incoming:
    """The parts of a Django request the verifier reads."""

    method: str
    url: str
    headers: dict[str, str]


def verify(method: str, url: str, headers: dict[str, str], body: bytes) -> Partner:
    """The partner that signed this request, or InvalidSignature: the signature must cover
    the method, the address and the body's digest, and be at most five minutes old."""
    keys = _Keys()
    verifier = HTTPMessageVerifier(signature_algorithm=algorithms.ED25519, key_resolver=keys)
    verifier.verify(
        _Incoming(method, url, headers), max_age=MAX_AGE, body=body,
        require_components=("@method", "@target-uri", "content-digest"),
    )  # fmt: skip
    if keys.partner is None:  # pragma: no cover - the resolver ran or verify raised
        raise InvalidSignature("no partner key")
    return keys.partner


def partner_actor(partner: Partner) -> Actor:
    """Who a partner's message acts as here: a client allowed only the exchange's intake."""
    return ApiClient(f"exchange:{partner.exchange_key_id}", scopes=frozenset({SCOPE}))


def _clip(value: Any, length: int) -> str:
    return clean_text(str(value or ""), "a field", length, multiline=True)


@requires(scope=SCOPE)
def received_request(*, actor: Actor, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    """A partner's request arrives: an incoming request here, on the clock by its priority."""
    priority = str(data["priority"])
    if priority not in Priority.values:
        raise IntelligenceRefused("priority is urgent, priority or routine")
    question, purpose = _clip(data["question"], 4000), _clip(data["purpose"], 2000)
    if not question or not purpose:
        raise IntelligenceRefused("a request states its question and its purpose")
    now = timezone.now()
    made = InfoRequest.objects.create(
        direction=InfoRequest.Direction.INCOMING, partner=partner, priority=priority,
        requested_by=_clip(data["requested_by"], 200) or partner.name,
        question=question, purpose=purpose,
        made_at=now, due_at=due_after(priority, now), remote_reference=str(data["reference"]),
    )  # fmt: skip
    audit_write(actor=actor, action="intelligence.exchange.request", obj=made)
    return {"request": str(made.pk), "due_at": made.due_at.isoformat()}


def _own_request(partner: Partner, number: str, direction: str) -> InfoRequest:
    pk = plain_id(number)
    found = InfoRequest.objects.filter(pk=pk) if pk is not None else InfoRequest.objects.none()
    request = found.filter(partner=partner, direction=direction).first()
    if request is None:
        raise IntelligenceRefused(f"no request {number} with your agency here")
    return request


@requires(scope=SCOPE)
def received_answer(*, actor: Actor, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    """The partner's answer to a request this department sent: the clock stops, and the
    records it gives are kept as received from it."""
    request = _own_request(partner, str(data["request"]), InfoRequest.Direction.OUTGOING)
    if not _clip(data["answer"], 8000):
        raise IntelligenceRefused("an answer says something")
    if request.answered_at is not None:
        raise IntelligenceRefused(f"request {request.pk} is answered already")
    now = timezone.now()
    declined = bool(data.get("declined"))
    request.status = InfoRequest.Status.DECLINED if declined else InfoRequest.Status.ANSWERED
    request.answer = _clip(data["answer"], 8000)
    request.answered_at = now
    request.answered_by = f"{partner.name} (exchange)"
    if not declined:
        request.feedback_due_at = feedback_due(now)
    request.save()
    kept = [_keep(partner, given, request).pk for given in data.get("records") or []]
    audit_write(
        actor=actor, action="intelligence.exchange.answer", obj=request,
        detail={"records": kept, "declined": declined},
    )  # fmt: skip
    return {"request": str(request.pk), "records": len(kept)}


def record_payload(record: IntelRecord) -> dict[str, str]:
    """A record as it travels: its number here, what it says and its labels, never who
    submitted it or its reviewer's notes."""
    return {
        "number": str(record.pk), "subject": record.subject,
        "criminal_activity": record.criminal_activity, "content": record.content,
        "source_reliability": record.source_reliability,
        "content_validity": record.content_validity,
    }  # fmt: skip


def _keep(partner: Partner, given: dict[str, Any], request: InfoRequest | None) -> ReceivedRecord:
    labels_ok = (
        given.get("source_reliability") in SourceReliability.values
        and given.get("content_validity") in ContentValidity.values
    )
    if not labels_ok:
        raise IntelligenceRefused("each record carries its reliability and validity labels")
    record, _ = ReceivedRecord.objects.get_or_create(
        partner=partner, remote_number=str(given["number"]),
        defaults={
            "request": request, "subject": _clip(given["subject"], 300),
            "criminal_activity": _clip(given["criminal_activity"], 300),
            "content": _clip(given["content"], 20000),
            "source_reliability": given["source_reliability"],
            "content_validity": given["content_validity"], "received_at": timezone.now(),
        },
    )  # fmt: skip
    return record


@requires(scope=SCOPE)
def received_record(*, actor: Actor, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    """A record the partner gave this department outside any request (it logged the
    dissemination, with the need and right to know it states here)."""
    record = _keep(partner, data["record"], None)
    audit_write(
        actor=actor, action="intelligence.exchange.record", obj=record,
        detail={"need_to_know": _clip(data["need_to_know"], 2000),
                "recipient": _clip(data["recipient"], 200)},
    )  # fmt: skip
    return {"record": str(record.pk)}


def operation_payload(operation: Operation) -> dict[str, Any]:
    return {
        "reference": str(operation.pk), "kind": operation.kind,
        "case": operation.reference, "place": operation.place,
        "latitude": operation.latitude, "longitude": operation.longitude,
        "radius_m": operation.radius_m, "starts_at": operation.starts_at.isoformat(),
        "ends_at": operation.ends_at.isoformat(), "contact": operation.contact,
        "owner": operation.owner, "cancelled": operation.cancelled_at is not None,
    }  # fmt: skip


def _mirror(partner: Partner, data: dict[str, Any]) -> Operation:
    """The partner's operation as this installation keeps it (made or brought up to date)."""
    values = {
        "kind": data["kind"] if data["kind"] in Operation.Kind.values else Operation.Kind.OTHER,
        "reference": _clip(data["case"], 100) or "?", "place": _clip(data["place"], 300),
        "latitude": float(data["latitude"]), "longitude": float(data["longitude"]),
        "radius_m": int(data["radius_m"]),
        "starts_at": datetime.fromisoformat(str(data["starts_at"])),
        "ends_at": datetime.fromisoformat(str(data["ends_at"])),
        "contact": _clip(data["contact"], 200), "registered_by": f"{partner.name} (exchange)",
        "cancelled_at": timezone.now() if data.get("cancelled") else None,
    }  # fmt: skip
    operation, _ = Operation.objects.update_or_create(
        partner=partner, remote_reference=str(data["reference"]),
        defaults=values, create_defaults=values | {"registered_at": timezone.now()},
    )  # fmt: skip
    return operation


def _mirror_conflicts(partner: Partner, own_id: int, found: list[dict[str, Any]]) -> None:
    """The partner's system found these of its operations in conflict with ours: each is
    kept here, and the conflict shows on this board until our owner is told (the partner's
    owner sees it on its own board)."""
    own = Operation.objects.filter(pk=own_id).first()
    if own is None:
        return
    for data in found:
        theirs = _mirror(partner, data)
        conflict, _ = Conflict.objects.get_or_create(
            first=theirs, second=own,
            defaults={"found_at": timezone.now(), "distance_m": int(data.get("distance_m", 0))},
        )  # fmt: skip
        if conflict.first_told_at is None:  # its system has it on its owner's board now
            conflict.first_told_at = timezone.now()
            conflict.save(update_fields=["first_told_at"])


@requires(scope=SCOPE)
def received_operation(*, actor: Actor, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    """A partner's planned operation (or its cancellation): checked at once against every
    operation registered here; the conflicts go back in the receipt, so the partner's owner
    learns of them now, and ours sees them on the board."""
    operation = _mirror(partner, data)
    if operation.ends_at <= operation.starts_at:
        raise IntelligenceRefused("the operation must end after it starts")
    now = timezone.now()
    conflicts = [] if operation.cancelled_at else conflicts_with(operation, now)
    audit_write(
        actor=actor, action="intelligence.exchange.operation", obj=operation,
        detail={"conflicts": [c.pk for c in conflicts]},
    )  # fmt: skip
    return {
        "operation": str(operation.pk),
        "conflicts": [
            {**operation_payload(c.first), "distance_m": c.distance_m}
            for c in conflicts
            if c.first.partner_id != partner.pk  # its own operations it knows about
        ],
    }


@requires(scope=SCOPE)
def received_feedback(*, actor: Actor, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    """The partner's word on the answer this department gave to its request."""
    request = _own_request(partner, str(data["request"]), InfoRequest.Direction.INCOMING)
    if request.feedback_at is None:
        request.useful = bool(data["useful"])
        request.led_to = _clip(data["led_to"], 2000)
        request.feedback_at = timezone.now()
        request.feedback_by = f"{partner.name} (exchange)"
        request.save(update_fields=["useful", "led_to", "feedback_at", "feedback_by"])
        audit_write(actor=actor, action="intelligence.exchange.feedback", obj=request)
    return {"request": str(request.pk)}


@requires(scope=SCOPE)
def received_notice(*, actor: Actor, partner: Partner, data: dict[str, Any]) -> dict[str, Any]:
    """The partner found a record it gave here unreliable and purged it: it is purged here
    too, at once (what it said is deleted; that it was received stays)."""
    record = ReceivedRecord.objects.filter(partner=partner, remote_number=str(data["record"]))
    found = record.first()
    if found is not None and found.purged_at is None:
        found.subject = found.criminal_activity = found.content = ""
        found.purged_at = timezone.now()
        found.purge_reason = _clip(data["reason"], 2000)
        found.save()
        audit_write(actor=actor, action="intelligence.exchange.notice", obj=found)
    return {"purged": found is not None}


# Sending -----------------------------------------------------------------------------------


def can_exchange(partner: Partner | None) -> bool:
    return bool(partner and partner.exchange_url and partner.exchange_key_id)


def exchanging_partners() -> QuerySet[Partner]:
    """The partners `can_exchange` says yes to."""
    return Partner.objects.exclude(exchange_url="").exclude(exchange_key_id="")


def outbox_add(
    partner: Partner, kind: str, payload: dict[str, Any], *,
    request: InfoRequest | None = None, notice: RecipientNotice | None = None,
    operation: Operation | None = None,
) -> OutboundMessage:  # fmt: skip
    """Queue a message (call inside the transaction of what it tells)."""
    now = timezone.now()
    message = OutboundMessage.objects.create(
        id=uuid.uuid4(), partner=partner, kind=kind, payload=payload, made_at=now,
        next_attempt_at=now, request=request, notice=notice, operation=operation,
    )  # fmt: skip
    transaction.on_commit(lambda: deliver_messages.enqueue())
    return message


def _body(message: OutboundMessage) -> bytes:
    envelope = {"id": str(message.id), "sent_at": message.made_at.isoformat()}
    return json.dumps(envelope | message.payload, sort_keys=True).encode()


def signed(method: str, url: str, body: bytes = b"") -> requests.PreparedRequest:
    """A request to a partner's installation, signed with this installation's key."""
    headers = {"Content-Type": "application/json"} if body else {}
    prepared = requests.Request(method, url, data=body or None, headers=headers).prepare()
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=_Keys())
    signer.sign(
        prepared, key_id=own_key_id(), body=body,
        covered_component_ids=("@method", "@authority", "@target-uri"),
    )  # fmt: skip
    return prepared


def _wait(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def _apply(message: OutboundMessage, receipt: dict[str, Any]) -> None:
    """What the partner's receipt changes here."""
    result = receipt.get("result") or {}
    if message.kind == OutboundMessage.Kind.REQUEST and message.request_id:
        InfoRequest.objects.filter(pk=message.request_id).update(
            remote_reference=str(result.get("request", ""))[:40]
        )
    if message.kind == OutboundMessage.Kind.OPERATION and message.operation_id:
        _mirror_conflicts(message.partner, message.operation_id, result.get("conflicts") or [])
    if message.kind == OutboundMessage.Kind.NOTICE and message.notice_id:
        RecipientNotice.objects.filter(pk=message.notice_id, delivered_at=None).update(
            delivered_at=timezone.now(),
            delivered_by=f"exchange receipt {receipt.get('receipt', '')}"[:200],
        )


def deliver(message: OutboundMessage, session: requests.Session | None = None) -> bool:
    """One attempt; True when the partner's receipt came back."""
    partner = message.partner
    url = f"{partner.exchange_url.rstrip('/')}/api/exchange/v1/{PATHS[message.kind]}"
    now = timezone.now()
    message.attempts += 1
    try:
        prepared = signed("POST", url, _body(message))
        response = (session or requests.Session()).send(prepared, timeout=TIMEOUT_S)
    except requests.RequestException as error:
        outcome, status = f"could not reach {partner.exchange_url}: {error}", None
    else:
        status = response.status_code
        outcome = response.text[:2000]
    if status is not None and 200 <= status < 300:
        try:
            receipt = response.json()
        except ValueError:
            receipt = {"raw": outcome}
        with transaction.atomic():
            message.delivered_at, message.receipt, message.last_error = now, receipt, ""
            message.save()
            _apply(message, receipt)
        return True
    # A refusal that sending again will not change (bad signature, bad message) stops here;
    # anything else (down, overloaded, timed out) is tried again later.
    final = status is not None and 400 <= status < 500 and status not in (408, 425, 429)
    message.last_error = f"HTTP {status}: {outcome}" if status else outcome
    if final or message.attempts >= GIVE_UP_AFTER:
        message.given_up_at = now
        log.error("exchange message %s to %s given up: %s", message.id, partner, outcome)
    else:
        message.next_attempt_at = now + _wait(message.attempts)
    message.save()
    return False


def deliver_due(limit: int = 200) -> dict[str, int]:
    """Every message whose time has come, oldest first (the task worker runs this)."""
    due = (
        OutboundMessage.objects.filter(
            delivered_at=None, given_up_at=None, next_attempt_at__lte=timezone.now()
        )
        .select_related("partner")
        .order_by("made_at")[:limit]
    )
    counts = {"delivered": 0, "failed": 0}
    with requests.Session() as session:
        for message in due:
            counts["delivered" if deliver(message, session) else "failed"] += 1
    return counts


@requires(Role.PARTNER_LIAISON, Role.INTEL_SUPERVISOR)
def retry(*, actor: Actor, message: OutboundMessage) -> OutboundMessage:
    """A message given up on (the partner refused it, or was down for days) is tried again,
    once someone has fixed the cause (the partner's address or key, say)."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if message.delivered_at is None:
            message.given_up_at, message.next_attempt_at = None, timezone.now()
            message.save(update_fields=["given_up_at", "next_attempt_at"])
            audit_write(actor=actor, action="intelligence.exchange.retry", obj=message)
            transaction.on_commit(lambda: deliver_messages.enqueue())
    return message


@task()
def deliver_messages() -> dict[str, int]:
    """The task worker's delivery of the outbox: queued when a message is written, and run
    every minute for the retries."""
    return deliver_due()


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
