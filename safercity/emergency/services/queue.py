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

from safercity.core.actors import Actor, SystemActor, actor_label
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.emergency.models import MAX_TIME_SCALE, Call, Position, QueueAlert


def _free_positions(now: datetime) -> list[Position]:
    """Ready positions holding no live call (a wrap-up past SAFERCITY_WRAP_UP_S ends first).
    On PostgreSQL the rows are locked, so routers running at once take different positions."""
    wrap_up = timedelta(seconds=settings.SAFERCITY_WRAP_UP_S)
    Position.objects.filter(state=Position.State.WRAP_UP, state_since__lte=now - wrap_up).update(
        state=Position.State.READY, state_since=now
    )
    busy = Call.objects.filter(state__in=Call.LIVE_STATES, position__isnull=False).values(
        "position_id"
    )
    ready = Position.objects.filter(state=Position.State.READY).exclude(pk__in=busy)
    if connection.features.has_select_for_update_skip_locked:
        ready = ready.select_for_update(skip_locked=True)
    return list(ready.order_by("is_backup", "state_since", "name"))


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


def _route(actor: Actor, now: datetime | None = None) -> list[tuple[Call, Position]]:
    """The router: waiting calls to free positions that can take them; returns what was
    assigned. For callers that have checked `actor` already: the event path (after an offered
    call or a freed position), a call-taker going ready or not ready, and the worker's tick.
    Runs in its own savepoint: if another router took a position first, nothing here is kept
    and the next round tries again, while the caller's own writes stand."""
    now = now or timezone.now()
    rollover = timedelta(seconds=settings.SAFERCITY_ROLLOVER_S)
    assigned: list[tuple[Call, Position]] = []
    try:
        with transaction.atomic():
            positions = _free_positions(now)
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
    except IntegrityError:
        return []
    return assigned


def _roll_over(actor: Actor, now: datetime | None) -> list[Call]:
    """The automatic rule, run by the worker's tick: callers waiting past
    SAFERCITY_PARTNER_ROLLOVER_S while no position is free go to the partner center. Off when
    the setting is 0."""
    limit = settings.SAFERCITY_PARTNER_ROLLOVER_S
    now = now or timezone.now()
    if limit <= 0:
        return []
    rolled: list[Call] = []
    with transaction.atomic():
        waiting = Call.objects.select_for_update().filter(
            state=Call.State.WAITING,
            position__isnull=True,
            rolled_to_partner_at__isnull=True,
            arrived_at__lte=now - timedelta(seconds=limit),
        )
        if not waiting.exists() or _free_positions(now):
            return []
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
    """Callers waiting past the alert threshold, longest first: the supervisor acts on these.
    An exercise played faster than real time reaches its threshold sooner by its factor."""
    now = now or timezone.now()
    soonest = timedelta(seconds=settings.SAFERCITY_ALERT_S / MAX_TIME_SCALE)
    waiting = Call.objects.filter(
        state=Call.State.WAITING, arrived_at__lte=now - soonest, rolled_to_partner_at__isnull=True
    ).order_by("arrived_at")
    found = []
    for call in waiting:
        if call.arrived_at is None:
            continue
        waited = (now - call.arrived_at).total_seconds()
        if waited < settings.SAFERCITY_ALERT_S / call.time_scale:
            continue
        unplaced = call.position_id is None
        reason = "no position can take this caller" if unplaced else "ringing unanswered"
        found.append(Alert(call, waited, reason))
    return found


def _alerts_raise(actor: Actor, now: datetime | None = None) -> list[QueueAlert]:
    """Raise an alert, once, for each caller waiting past the threshold."""
    raised = []
    for alert in alerts(now):
        with transaction.atomic():
            stored, new = QueueAlert.objects.get_or_create(
                call=alert.call,
                defaults={"raised_at": now or timezone.now(), "reason": alert.reason},
            )
            if new:
                audit_write(
                    actor=actor,
                    action="emergency.queue.alert",
                    obj=alert.call,
                    detail={"reason": alert.reason, "waited_s": round(alert.waited_s)},
                )
                raised.append(stored)
    return raised


# The worker runs this every SAFERCITY_QUEUE_TICK_S seconds (see EmergencyConfig.ready).
QUEUE_WORKER = SystemActor("911 queue")


def _back_to_queue(position: Position) -> int:
    """A call ringing at this position goes back to the queue, ahead of later callers as
    before (its arrival time is kept); returns how many."""
    return Call.objects.filter(position=position, state=Call.State.WAITING).update(
        position=None, assigned_at=None
    )


def _ring_no_answer(actor: Actor, now: datetime) -> list[Call]:
    """A call left ringing past SAFERCITY_RING_S goes back to the queue, and the position
    that did not answer goes not ready ("missed a call") until its call-taker says ready."""
    limit = now - timedelta(seconds=settings.SAFERCITY_RING_S)
    taken = []
    with transaction.atomic():
        ringing = Call.objects.select_for_update().filter(
            state=Call.State.WAITING, position__isnull=False, assigned_at__lte=limit
        )
        for call in ringing.select_related("position"):
            position = call.position
            call.position, call.assigned_at = None, None
            call.save(update_fields=["position", "assigned_at"])
            if position is not None and position.state == Position.State.READY:
                position.state, position.state_reason = Position.State.NOT_READY, MISSED
                position.state_since = now
                position.save(update_fields=["state", "state_reason", "state_since"])
            audit_write(
                actor=actor,
                action="emergency.queue.ring_no_answer",
                obj=call,
                detail={"position": position.name if position else ""},
            )
            taken.append(call)
    return taken


MISSED = "missed a call"


def queue_tick() -> dict[str, int]:
    """What must happen with the clock, not an event: calls ringing unanswered too long moved
    on, wrap-ups ending, backups joining after rollover, the partner-center rule, and
    supervisor alerts."""
    now = timezone.now()
    moved = _ring_no_answer(QUEUE_WORKER, now)
    assigned = _route(QUEUE_WORKER, now)
    rolled = _roll_over(QUEUE_WORKER, now)
    raised = _alerts_raise(QUEUE_WORKER, now)
    return {
        "moved": len(moved),
        "assigned": len(assigned),
        "rolled": len(rolled),
        "alerts": len(raised),
    }


@requires(*ROUTING_ROLES)
@transaction.atomic
def alert_acknowledge(*, actor: Actor, alert: QueueAlert) -> QueueAlert:
    alert = QueueAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = timezone.now(), actor_label(actor)
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_write(actor=actor, action="emergency.queue.alert_ack", obj=alert.call)
    return alert


@requires(*ROUTING_ROLES)
@transaction.atomic
def roll_to_partner(*, actor: Actor, call: Call, partner: str) -> Call:
    """The supervisor sends a caller who has waited too long to the partner center."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.state != Call.State.WAITING:
        raise ValueError("only a waiting call can be rolled over")
    if call.rolled_to_partner_at is not None:
        raise ValueError(f"this caller was already sent to {call.transferred_to}")
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
