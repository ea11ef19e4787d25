"""Deconfliction: planned operations (warrant service, surveillance, undercover buys, raids)
registered by place and time, so two teams never meet by surprise. An operation overlapping
another in time, with their circles touching, is a conflict: both owners are told at once
(this department's on its board; a partner's through its liaison, who records telling them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_read, audit_write
from safercity.core.geocode import lookup
from safercity.core.inputs import clean_text, finite
from safercity.core.permissions import requires
from safercity.intelligence.base import IntelligenceRefused, conflicts_with
from safercity.intelligence.exchange import exchanging_partners, operation_payload, outbox_add
from safercity.intelligence.models import Conflict, Operation, OutboundMessage, Partner
from safercity.intelligence.rfi import UNIT

LONGEST = timedelta(days=14)  # a longer operation is registered in parts, each reviewed
RADIUS_M = (25, 5000)


@dataclass(frozen=True)
class OperationIn:
    kind: str
    reference: str
    place: str
    starts_at: datetime
    ends_at: datetime
    contact: str
    radius_m: int = 150
    latitude: float | None = None
    longitude: float | None = None
    partner: Partner | None = None


def _located(entered: OperationIn) -> tuple[str, float, float]:
    """The place as typed, put on the map: from the point given, or the city's address list."""
    place = clean_text(entered.place, "the place", 300)
    if not place:
        raise IntelligenceRefused("say where the operation is")
    lat = finite(entered.latitude, "the latitude", -90, 90)
    lon = finite(entered.longitude, "the longitude", -180, 180)
    if (lat is None) != (lon is None):
        raise IntelligenceRefused("give both the latitude and the longitude, or neither")
    if lat is not None and lon is not None:
        return place, lat, lon
    found = lookup(place)
    if found.place is None:
        near = "; ".join(s.label for s in found.suggestions[:3])
        hint = f" Did you mean: {near}?" if near else ""
        raise IntelligenceRefused(
            f"{place!r} is not an address or corner on the city's list: give the point's "
            f"latitude and longitude instead.{hint}"
        )
    return found.place.label, found.place.lat, found.place.lon


@requires(*UNIT)
def operation_register(*, actor: Actor, entered: OperationIn) -> tuple[Operation, list[Conflict]]:
    """Register an operation and find every registered one it overlaps in place and time."""
    if entered.kind not in Operation.Kind.values:
        raise IntelligenceRefused("choose the kind of operation")
    reference = clean_text(entered.reference, "the reference", 100)
    contact = clean_text(entered.contact, "the contact", 200)
    if not reference or not contact:
        raise IntelligenceRefused("give the case or plan number and a contact for day and night")
    start, end = entered.starts_at, entered.ends_at
    if start.tzinfo is None or end.tzinfo is None:
        raise IntelligenceRefused("give the times with their time zone")
    if end <= start:
        raise IntelligenceRefused("the operation must end after it starts")
    if end - start > LONGEST:
        raise IntelligenceRefused("register an operation of more than 14 days in parts")
    if end < timezone.now():
        raise IntelligenceRefused("the operation is over: only planned operations are registered")
    if not RADIUS_M[0] <= entered.radius_m <= RADIUS_M[1]:
        raise IntelligenceRefused(f"the radius is {RADIUS_M[0]} to {RADIUS_M[1]} metres")
    place, lat, lon = _located(entered)
    now = timezone.now()
    with transaction.atomic():
        operation = Operation.objects.create(
            partner=entered.partner, kind=entered.kind, reference=reference, place=place,
            latitude=lat, longitude=lon, radius_m=entered.radius_m, starts_at=start,
            ends_at=end, contact=contact, registered_by=actor_label(actor), registered_at=now,
        )  # fmt: skip
        conflicts = conflicts_with(operation, now)
        if operation.partner is None:  # this department's own: every partner's system hears
            _tell_partners(operation)
        audit_write(
            actor=actor, action="intelligence.operation.register", obj=operation,
            detail={"conflicts": [c.pk for c in conflicts]},
        )  # fmt: skip
    return operation, conflicts


def _tell_partners(operation: Operation) -> None:
    """Send the operation (or its cancellation) to every partner's installation, whose
    deconfliction checks it against its own and answers with the conflicts it found."""
    for partner in exchanging_partners():
        outbox_add(partner, OutboundMessage.Kind.OPERATION, operation_payload(operation),
                   operation=operation)  # fmt: skip


@requires(*UNIT)
def operation_cancel(*, actor: Actor, operation: Operation) -> Operation:
    with transaction.atomic():
        operation = Operation.objects.select_for_update().get(pk=operation.pk)
        if operation.cancelled_at is None:
            operation.cancelled_at = timezone.now()
            operation.save(update_fields=["cancelled_at"])
            if operation.partner is None:
                _tell_partners(operation)
            audit_write(actor=actor, action="intelligence.operation.cancel", obj=operation)
    return operation


@requires(*UNIT)
def conflict_told(*, actor: Actor, conflict: Conflict, side: str) -> Conflict:
    """One owner has been told of the conflict (by phone, by the watch desk, or it read it
    on its own board): recorded with the time."""
    if side not in ("first", "second"):
        raise IntelligenceRefused("say which owner was told")
    field = f"{side}_told_at"
    with transaction.atomic():
        conflict = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if getattr(conflict, field) is None:
            setattr(conflict, field, timezone.now())
            conflict.save(update_fields=[field])
            audit_write(
                actor=actor, action="intelligence.conflict.told", obj=conflict,
                detail={"side": side},
            )  # fmt: skip
    return conflict


@dataclass(frozen=True)
class Board:
    operations: list[Operation]
    conflicts: list[Conflict]


@requires(*UNIT)
def operations_board(*, actor: Actor) -> Board:
    """Operations not over and not cancelled, and their conflicts, the soonest first; the
    look is audited (where teams will be is as sensitive as any record)."""
    now = timezone.now()
    upcoming = Operation.objects.filter(cancelled_at=None, ends_at__gt=now).select_related(
        "partner"
    )
    conflicts = (
        Conflict.objects.live(now)
        .select_related("first__partner", "second__partner")
        .order_by("first__starts_at")
    )
    board = Board(list(upcoming), list(conflicts))
    audit_read(
        actor=actor, action="intelligence.operations.list",
        detail={"operations": len(board.operations), "conflicts": len(board.conflicts)},
    )  # fmt: skip
    return board
