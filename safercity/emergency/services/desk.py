"""The call-taker's side of the queue: signing in to a position, ready and not ready, and
working the call the router sent (answer, transfer, release). Answers, transfers and releases
made at the workstation are recorded as the same events the phone system sends, so a centre
whose phone system reports them too gets one call, not two (the earlier answer stands)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role, has_role
from safercity.emergency.models import Call, Position
from safercity.emergency.services import CallEventIn, _ingest
from safercity.emergency.services.crisis import _counselor_takes
from safercity.emergency.services.queue import _back_to_queue, _route

DESK_ROLES = (Role.CALL_TAKER, Role.SUPERVISOR_911, Role.ADMINISTRATOR)
# Where the workstation's one-step transfers go.
TRANSFER_TARGETS = {"311": "311 city services", "crisis": "crisis line"}


class DeskRefused(ValueError):
    """What the call-taker asked cannot be done now; the message says why."""


def _mine(actor: Actor, position: Position) -> None:
    """Only the call-taker signed in to a position works it (a supervisor may step in)."""
    if position.staffed_by != actor_label(actor) and not has_role(
        actor, Role.SUPERVISOR_911, Role.ADMINISTRATOR
    ):
        raise DeskRefused(f"{position.name} is not your position")


def _live_call(position: Position) -> Call | None:
    return Call.objects.filter(position=position, state__in=Call.LIVE_STATES).first()


@requires(*DESK_ROLES)
@transaction.atomic
def position_sign_in(*, actor: Actor, position: Position) -> Position:
    """Sign in to a free position (not ready until the call-taker says so). Signing in
    somewhere else signs the call-taker out of their old position first."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    me = actor_label(actor)
    if position.state != Position.State.SIGNED_OUT and position.staffed_by not in ("", me):
        raise DeskRefused(f"{position.name} is staffed by {position.staffed_by}")
    for old in Position.objects.select_for_update().filter(staffed_by=me).exclude(pk=position.pk):
        _sign_out(actor, old)
    now = timezone.now()
    position.state, position.state_reason, position.state_since = (
        Position.State.NOT_READY,
        "signed in",
        now,
    )
    position.staffed_by = me
    position.save(update_fields=["state", "state_reason", "state_since", "staffed_by"])
    audit_write(actor=actor, action="emergency.position.sign_in", obj=position)
    return position


@requires(*DESK_ROLES)
@transaction.atomic
def position_sign_out(*, actor: Actor, position: Position) -> Position:
    position = Position.objects.select_for_update().get(pk=position.pk)
    _mine(actor, position)
    _sign_out(actor, position)
    return position


def _sign_out(actor: Actor, position: Position) -> None:
    call = _live_call(position)
    if call is not None and call.state == Call.State.ANSWERED:
        raise DeskRefused(f"{position.name} is on a call: release it before signing out")
    ringing = _back_to_queue(position)
    position.state, position.state_reason = Position.State.SIGNED_OUT, ""
    position.state_since, position.staffed_by = timezone.now(), ""
    position.save(update_fields=["state", "state_reason", "state_since", "staffed_by"])
    audit_write(actor=actor, action="emergency.position.sign_out", obj=position)
    if ringing:
        _route(actor)


@requires(*DESK_ROLES)
@transaction.atomic
def position_set_state(
    *, actor: Actor, position: Position, state: str, reason: str = ""
) -> list[tuple[Call, Position]]:
    """Ready, or not ready with a reason (a call ringing here goes on to the next ready
    position). Returns what the router assigned as a result."""
    position = Position.objects.select_for_update().get(pk=position.pk)
    _mine(actor, position)
    if position.state == Position.State.SIGNED_OUT:
        raise DeskRefused("sign in to the position first")
    if state == Position.State.READY:
        position.state, position.state_reason = Position.State.READY, ""
    elif state == Position.State.NOT_READY:
        if reason not in Position.NOT_READY_REASONS:
            raise DeskRefused(f"say why: one of {', '.join(Position.NOT_READY_REASONS)}")
        position.state, position.state_reason = Position.State.NOT_READY, reason
    else:
        raise DeskRefused("a call-taker can be ready or not ready")
    position.state_since = timezone.now()
    position.save(update_fields=["state", "state_reason", "state_since"])
    audit_write(
        actor=actor,
        action="emergency.position.state",
        obj=position,
        detail={"state": state, "reason": reason},
    )
    if state == Position.State.NOT_READY:
        _back_to_queue(position)  # to the next ready position, at once
    return _route(actor)


def _record(actor: Actor, call: Call, kind: str, **extra: object) -> Call:
    event = CallEventIn(
        event_id=f"desk:{call.call_id}:{kind}",
        call_id=call.call_id,
        kind=kind,
        at=timezone.now(),
        **extra,  # type: ignore[arg-type]
    )
    _ingest(actor, event)
    call.refresh_from_db()
    return call


@requires(*DESK_ROLES)
def call_answer(*, actor: Actor, call: Call, position: Position) -> Call:
    """Answer the call ringing at this position: the NENA clock stops now."""
    _mine(actor, position)
    call.refresh_from_db()
    if call.state != Call.State.WAITING:
        raise DeskRefused(f"this call is {call.get_state_display()}, not ringing")
    if call.position_id not in (None, position.pk):
        raise DeskRefused("this call is ringing at another position")
    return _record(actor, call, "answered", position=position.name)


@requires(*DESK_ROLES)
def call_transfer(*, actor: Actor, call: Call, position: Position, to: str) -> Call:
    """One-step transfer of the answered call to 311 or the crisis line."""
    _mine(actor, position)
    if to not in TRANSFER_TARGETS:
        raise DeskRefused(f"transfer to one of {', '.join(TRANSFER_TARGETS)}")
    call.refresh_from_db()
    if call.state != Call.State.ANSWERED or call.position_id != position.pk:
        raise DeskRefused("only the call you are on can be transferred")
    target = settings.SAFERCITY_CRISIS_LINE if to == "crisis" else TRANSFER_TARGETS[to]
    with transaction.atomic():
        call = _record(actor, call, "transferred", transferred_to=target)
        if to == "crisis":
            _counselor_takes(actor, call)
    return call


@requires(*DESK_ROLES)
def call_release(*, actor: Actor, call: Call, position: Position) -> Call:
    """The call-taker hangs up: the position goes into wrap-up."""
    _mine(actor, position)
    call.refresh_from_db()
    if call.state != Call.State.ANSWERED or call.position_id != position.pk:
        raise DeskRefused("only the call you are on can be released")
    return _record(actor, call, "released")
