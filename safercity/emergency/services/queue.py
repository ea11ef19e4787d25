"""The 911 queue. No caller hears a recording: waiting calls go to free positions, 911 lines
before administrative ones and then oldest first, to a position with the caller's language
(and text, for text-to-911); backup positions join once a caller has waited past rollover, and
supervisors are alerted when anyone waits too long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.emergency.models import Call, Position


def _free_positions() -> list[Position]:
    busy = Call.objects.filter(state__in=Call.LIVE_STATES, position__isnull=False).values(
        "position_id"
    )
    return list(Position.objects.filter(on_duty=True).exclude(pk__in=busy))


def _waiting() -> object:
    priority = Case(
        When(line=Call.Line.EMERGENCY, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    queryset = Call.objects.filter(
        state=Call.State.WAITING,
        position__isnull=True,
        rolled_to_partner_at__isnull=True,
        arrived_at__isnull=False,
    )
    queryset = queryset.annotate(rank=priority).order_by("rank", "arrived_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        # Several routers may run at once: each takes calls the others have not locked.
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset


ROUTING_ROLES = (Role.SUPERVISOR_911, Role.ADMINISTRATOR)


@requires(*ROUTING_ROLES)
def assign_waiting(*, actor: Actor, now: datetime | None = None) -> list[tuple[Call, Position]]:
    """Send waiting calls to free positions that can take them. Returns what was assigned."""
    now = now or timezone.now()
    rollover = timedelta(seconds=settings.SAFERCITY_ROLLOVER_S)
    assigned: list[tuple[Call, Position]] = []
    try:
        return _assign(actor, now, rollover, assigned)
    except IntegrityError:
        # Another router gave one of these positions a call first: nothing here was kept
        # (the transaction rolled back), and the next round tries again.
        return []


def _assign(
    actor: Actor, now: datetime, rollover: timedelta, assigned: list[tuple[Call, Position]]
) -> list[tuple[Call, Position]]:
    with transaction.atomic():
        positions = _free_positions()
        if not positions:
            return []
        for call in _waiting():  # type: ignore[attr-defined]
            waited = now - call.arrived_at
            for position in positions:
                if position.is_backup and waited < rollover:
                    continue
                if position.can_take(call):
                    call.position, call.assigned_at = position, now
                    call.save(update_fields=["position", "assigned_at"])
                    positions.remove(position)
                    assigned.append((call, position))
                    break
            if not positions:
                break
        for call, position in assigned:
            audit_write(
                actor=actor,
                action="emergency.queue.assign",
                obj=call,
                detail={"position": position.name},
            )
    return assigned


@requires(*ROUTING_ROLES)
def roll_over_long_waits(*, actor: Actor, now: datetime | None = None) -> list[Call]:
    """The automatic rule: callers waiting past SAFERCITY_PARTNER_ROLLOVER_S while no
    position is free go to the partner center. Off when the setting is 0."""
    limit = settings.SAFERCITY_PARTNER_ROLLOVER_S
    if limit <= 0 or _free_positions():
        return []
    now = now or timezone.now()
    rolled = []
    with transaction.atomic():
        waiting = Call.objects.select_for_update().filter(
            state=Call.State.WAITING,
            position__isnull=True,
            rolled_to_partner_at__isnull=True,
            arrived_at__lte=now - timedelta(seconds=limit),
        )
        for call in waiting:
            call.rolled_to_partner_at = now
            call.transferred_to = settings.SAFERCITY_PARTNER_CENTER
            call.save(update_fields=["rolled_to_partner_at", "transferred_to"])
            audit_write(
                actor=actor,
                action="emergency.queue.rollover",
                obj=call,
                detail={"partner": call.transferred_to, "rule": f"waited {limit} s"},
            )
            rolled.append(call)
    return rolled


@dataclass(frozen=True)
class Alert:
    call: Call
    waited_s: float
    reason: str


def alerts(now: datetime | None = None) -> list[Alert]:
    """Callers waiting past the alert threshold, longest first: the supervisor acts on these."""
    now = now or timezone.now()
    limit = timedelta(seconds=settings.SAFERCITY_ALERT_S)
    waiting = Call.objects.filter(
        state=Call.State.WAITING, arrived_at__lte=now - limit, rolled_to_partner_at__isnull=True
    ).order_by("arrived_at")
    found = []
    for call in waiting:
        if call.arrived_at is None:
            continue
        waited = (now - call.arrived_at).total_seconds()
        unplaced = call.position_id is None
        reason = "no position can take this caller" if unplaced else "ringing unanswered"
        found.append(Alert(call, waited, reason))
    return found


@requires(*ROUTING_ROLES)
@transaction.atomic
def roll_to_partner(*, actor: Actor, call: Call, partner: str) -> Call:
    """The supervisor sends a caller who has waited too long to the partner center."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.state != Call.State.WAITING:
        raise ValueError("only a waiting call can be rolled over")
    call.rolled_to_partner_at = timezone.now()
    call.transferred_to = partner
    call.position = None
    call.save(update_fields=["rolled_to_partner_at", "transferred_to", "position"])
    audit_write(
        actor=actor,
        action="emergency.queue.rollover",
        obj=call,
        detail={"partner": partner},
    )
    return call
