"""The 911 write path. Phone-system events come in here, once each, and are committed before
they are acknowledged; every abandoned call gets a callback with a deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused, bounded_moment, clean_text, finite
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.emergency.models import MAX_TIME_SCALE, Call, Callback, CallEvent, Position
from safercity.emergency.services.queue import _route

KINDS = ("offered", "answered", "transferred", "abandoned", "released")
CALLBACK_ROLES = (Role.CALL_TAKER, Role.SUPERVISOR_911, Role.ADMINISTRATOR)


class EventInvalid(ValueError):
    """An event the phone system sent that cannot be used, with the reason."""


@dataclass(frozen=True)
class CallEventIn:
    event_id: str
    call_id: str
    kind: str
    at: datetime
    line: str = Call.Line.EMERGENCY
    ani: str = ""
    ali: str = ""
    lat: float | None = None
    lon: float | None = None
    language: str = "en"
    is_text: bool = False
    position: str = ""
    by_attendant: bool = False  # an automated attendant picked up: not an answer
    transferred_to: str = ""
    exercise: str = ""  # a drill's or demo stream's name: kept out of published figures
    time_scale: float = 1.0  # an exercise played this many times faster: its deadlines shrink

    def check(self) -> None:
        try:
            self._check_fields()
        except InputRefused as refused:
            raise EventInvalid(str(refused)) from None
        if not self.event_id.strip() or not self.call_id.strip():
            raise EventInvalid("event_id and call_id are required")
        if self.kind not in KINDS:
            raise EventInvalid(f"kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.line not in Call.Line.values:
            raise EventInvalid(f"line must be 911 or admin, not {self.line!r}")
        if self.time_scale != 1.0 and not self.exercise:
            raise EventInvalid("only an exercise is played faster than real time: name it")
        if self.kind == "answered" and not self.position and not self.by_attendant:
            raise EventInvalid("an answered event names the position that answered")
        skew = timedelta(seconds=settings.SAFERCITY_EVENT_SKEW_S)
        if self.at > timezone.now() + skew:
            raise EventInvalid(
                f"at is more than {skew.total_seconds():.0f} s in the future: "
                "check the phone system's clock"
            )

    def _check_fields(self) -> None:
        for name, limit in TEXT_LIMITS.items():
            clean_text(getattr(self, name), name, limit)
        bounded_moment(self.at, "at")
        finite(self.lat, "lat", -90, 90)
        finite(self.lon, "lon", -180, 180)
        finite(self.time_scale, "time_scale", 1, MAX_TIME_SCALE)


# The columns' lengths: a longer value is refused, never cut.
TEXT_LIMITS = {
    "event_id": 64, "call_id": 64, "kind": 12, "line": 5, "ani": 32, "ali": 300,
    "language": 8, "position": 64, "transferred_to": 64, "exercise": 64,
}  # fmt: skip


def _apply(call: Call, event: CallEventIn) -> None:
    """Move the call on. Events may arrive out of order: each sets only its own facts."""
    if event.kind == "offered":
        call.arrived_at = min(filter(None, [call.arrived_at, event.at]))
    elif event.kind == "answered" and not event.by_attendant:
        # NENA-STA-020.1: only a person answering stops the clock.
        if call.answered_at is None or event.at < call.answered_at:
            call.answered_at, call.answered_by = event.at, event.position
            answering = Position.objects.filter(name=event.position).first()
            holding_another = (
                Call.objects.filter(position=answering, state__in=Call.LIVE_STATES)
                .exclude(pk=call.pk)
                .exists()
            )
            if answering is not None and not holding_another:
                call.position = answering
    elif event.kind == "abandoned":
        call.abandoned_at = event.at
    elif event.kind == "transferred":
        call.transferred_at, call.transferred_to = event.at, event.transferred_to
    elif event.kind == "released":
        call.released_at = event.at
    for field in ("ani", "ali", "lat", "lon"):
        value = getattr(event, field)
        if value not in ("", None):
            setattr(call, field, value)
    call.state = _state(call)


def _state(call: Call) -> str:
    if call.answered_at is None and call.abandoned_at is not None:
        return Call.State.ABANDONED
    if call.released_at is not None:
        return Call.State.RELEASED
    if call.transferred_at is not None:
        return Call.State.TRANSFERRED
    if call.answered_at is not None:
        return Call.State.ANSWERED
    return Call.State.WAITING


def _wrap_up(call: Call, event: CallEventIn) -> None:
    """A call-taker whose call ended goes into wrap-up (one who chose not ready stays so)."""
    if event.kind not in ("released", "transferred") or call.position_id is None:
        return
    if call.answered_at is None:
        return
    Position.objects.filter(pk=call.position_id, state=Position.State.READY).update(
        state=Position.State.WRAP_UP, state_since=timezone.now()
    )


# Events after which the router runs: a new caller, or a position that may have come free.
ROUTING_KINDS = ("offered", "abandoned", "released", "transferred")


class Ingested(NamedTuple):
    event: CallEvent
    new: bool
    # What the router assigned while this event was handled: the offered call itself, or a
    # waiting call sent to the position this event freed.
    routed: list[tuple[Call, Position]]


def _callback_for(call: Call) -> None:
    abandoned = call.abandoned_at
    if call.state == Call.State.ABANDONED and abandoned and not hasattr(call, "callback"):
        deadline = timedelta(seconds=settings.SAFERCITY_CALLBACK_DEADLINE_S / call.time_scale)
        Callback.objects.create(call=call, created_at=abandoned, due_at=abandoned + deadline)


# The phone system's events come with its key (scope `911:events`); supervisors may replay them.
@requires(Role.SUPERVISOR_911, Role.ADMINISTRATOR, scope="911:events")
def event_ingest(*, actor: Actor, event: CallEventIn) -> Ingested:
    """Store one event, apply it, and route: the same transaction assigns the offered call (or
    the position this event freed) to a ready position. Returns the stored event, whether it
    was new, and what was routed; the same event_id again changes nothing. Committed before
    returning."""
    return _ingest(actor, event)


def _ingest(actor: Actor, event: CallEventIn) -> Ingested:
    """event_ingest without the permission check, for services that have made their own (a
    call-taker answering at the workstation records the same event the phone system would)."""
    event.check()
    existing = CallEvent.objects.filter(event_id=event.event_id).first()
    if existing is not None:
        return Ingested(existing, False, [])
    try:
        with transaction.atomic():
            call, _ = Call.objects.select_for_update().get_or_create(
                call_id=event.call_id,
                defaults={
                    "line": event.line,
                    "language": event.language,
                    "is_text": event.is_text,
                    "exercise": event.exercise,
                    "time_scale": event.time_scale,
                },
            )
            stored = CallEvent.objects.create(
                event_id=event.event_id,
                call=call,
                kind=event.kind,
                at=event.at,
                payload=_payload(event),
            )
            _apply(call, event)
            call.save()
            _wrap_up(call, event)
            _callback_for(call)
            audit_write(
                actor=actor,
                action=f"emergency.event.{event.kind}",
                obj=call,
                detail={"event_id": event.event_id},
            )
            rollups_stale("scorecard")
            routed = _route(actor) if event.kind in ROUTING_KINDS else []
    except IntegrityError:
        # Another worker stored the same event first: that one stands.
        return Ingested(CallEvent.objects.get(event_id=event.event_id), False, [])
    return Ingested(stored, True, routed)


def _payload(event: CallEventIn) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, datetime) else value
        for key, value in event.__dict__.items()
    }


class CallbackTaken(ValueError):
    """Another call-taker holds this callback, or it is already done."""


def _claim_holder(callback: Callback, now: datetime) -> str:
    """Who holds a live claim on this callback ("" if nobody)."""
    lapse = timedelta(seconds=settings.SAFERCITY_CALLBACK_CLAIM_S)
    if callback.claimed_by and callback.claimed_at and callback.claimed_at > now - lapse:
        return callback.claimed_by
    return ""


@requires(*CALLBACK_ROLES)
@transaction.atomic
def callback_claim(*, actor: Actor, callback: Callback) -> Callback:
    """Take a callback before dialling, so no one else calls the same person back."""
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    now, me = timezone.now(), actor_label(actor)
    if callback.completed_at is not None:
        raise CallbackTaken(f"already done by {callback.completed_by}")
    holder = _claim_holder(callback, now)
    if holder and holder != me:
        raise CallbackTaken(
            f"{holder} is calling back since {timezone.localtime(callback.claimed_at):%H:%M}"
        )
    callback.claimed_by, callback.claimed_at = me, now
    callback.save(update_fields=["claimed_by", "claimed_at"])
    audit_write(actor=actor, action="emergency.callback.claim", obj=callback.call)
    return callback


@requires(*CALLBACK_ROLES)
@transaction.atomic
def callback_record(*, actor: Actor, callback: Callback, outcome: str, notes: str = "") -> Callback:
    """The call-taker holding the claim records what happened when they called back; after
    no answer the claim is let go, so the next attempt can be anyone's."""
    if outcome not in Callback.Outcome.values or outcome == Callback.Outcome.OPEN:
        raise ValueError("choose the outcome: reached, no answer, no emergency or unreachable")
    callback = Callback.objects.select_for_update().get(pk=callback.pk)
    if callback.completed_at is not None:
        raise CallbackTaken(f"already done by {callback.completed_by}")
    holder = _claim_holder(callback, timezone.now())
    if holder != actor_label(actor):
        raise CallbackTaken(
            f"{holder} is calling back" if holder else "claim the callback before recording it"
        )
    callback.claimed_by, callback.claimed_at = "", None
    callback.attempts += 1
    callback.outcome = outcome
    callback.notes = "\n".join(filter(None, [callback.notes, notes.strip()]))
    if outcome != Callback.Outcome.NO_ANSWER:
        callback.completed_at = timezone.now()
        callback.completed_by = actor_label(actor)
    callback.save()
    audit_write(
        actor=actor,
        action="emergency.callback.record",
        obj=callback.call,
        detail={"outcome": outcome, "attempts": callback.attempts},
    )
    return callback


@requires(Role.SUPERVISOR_911, Role.ADMINISTRATOR)
@transaction.atomic
def positions_on_duty(
    *, actor: Actor, names: list[str], languages: dict[str, list[str]] | None = None
) -> int:
    """Open these positions, ready for calls (creating them if needed), for a centre whose
    call-takers sign in at the phone rather than the workstation; sign out every other one."""
    now = timezone.now()
    for name in names:
        Position.objects.update_or_create(
            name=name,
            defaults={
                "state": Position.State.READY,
                "state_since": now,
                "languages": (languages or {}).get(name, []),
            },
        )
    closed = (
        Position.objects.exclude(name__in=names)
        .exclude(state=Position.State.SIGNED_OUT)
        .update(state=Position.State.SIGNED_OUT, state_since=now, staffed_by="")
    )
    audit_write(
        actor=actor, action="emergency.positions.on_duty", detail={"open": names, "closed": closed}
    )
    return len(names)
