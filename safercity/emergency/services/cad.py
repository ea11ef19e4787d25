"""CAD: incidents from triaged calls, units and their status times, and the nearest available
unit of each discipline the incident needs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.geo import distance_m
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.emergency.models import Assignment, Call, Incident, Unit

DISPATCH_ROLES = (Role.DISPATCHER, Role.SUPERVISOR_911, Role.ADMINISTRATOR)
NEXT_STATUS = {"en_route": "en_route_at", "on_scene": "on_scene_at", "cleared": "cleared_at"}
# How a unit leaves an incident (the CAD's disposition codes, in words).
DISPOSITIONS = (
    "report taken",
    "arrest made",
    "citation issued",
    "advised or resolved on scene",
    "transported to a hospital",
    "taken to a community facility",
    "referred to services",
    "gone on arrival",
    "unfounded",
    "assisted another unit",
)


class DispatchRefused(ValueError):
    """A dispatch action that cannot be done now; the message says why."""


@requires(Role.CALL_TAKER, *DISPATCH_ROLES)
@transaction.atomic
def incident_from_call(*, actor: Actor, call: Call) -> Incident:
    """An incident for a triaged call, keeping the call's received and answered times."""
    if not call.call_type or not call.disciplines:
        raise ValueError("triage the call first: it has no call type or no one to send")
    if call.arrived_at is None:
        raise ValueError("the call has no arrival time")
    incident, created = Incident.objects.get_or_create(
        call=call,
        defaults={
            "call_type": call.call_type,
            "priority": call.priority_code or 3,
            "disciplines": call.disciplines,
            "lat": call.lat,
            "lon": call.lon,
            "address": call.ali,
            "received_at": call.arrived_at,
            "answered_at": call.answered_at,
            "entered_at": timezone.now(),
        },
    )
    if created:
        audit_write(actor=actor, action="emergency.incident.create", obj=incident)
    return incident


@dataclass(frozen=True)
class Candidate:
    unit: Unit
    metres: float | None  # None when the unit's or the incident's place is unknown


@dataclass(frozen=True)
class Recommendation:
    discipline: str
    unit: Unit | None
    metres: float | None
    # The next nearest available units of the same discipline, for the dispatcher's choice.
    others: tuple[Candidate, ...] = ()


def _distance(incident: Incident, unit: Unit) -> float:
    if None in (unit.lat, unit.lon, incident.lat, incident.lon):
        return math.inf
    return distance_m(incident.lat, incident.lon, unit.lat, unit.lon)  # type: ignore[arg-type]


def recommend(incident: Incident, available: list[Unit] | None = None) -> list[Recommendation]:
    """For each discipline still needed, the nearest available unit (or none available),
    with the next few. `available` saves a query per incident when listing many."""
    # .all(): the dispatcher's board prefetches every open incident's assignments and units.
    sent = {a.unit.discipline for a in incident.assignments.all() if a.open}
    if available is None:
        available = list(Unit.objects.filter(status=Unit.Status.AVAILABLE))
    picks = []
    for discipline in incident.disciplines:
        if discipline in sent:
            continue
        ranked = sorted(
            ((_distance(incident, unit), unit.call_sign, unit) for unit in available
             if unit.discipline == discipline),
        )  # fmt: skip
        candidates = [
            Candidate(unit, metres if math.isfinite(metres) else None)
            for metres, _, unit in ranked[:4]
        ]
        best = candidates[0] if candidates else None
        picks.append(
            Recommendation(
                discipline,
                best.unit if best else None,
                best.metres if best else None,
                tuple(candidates[1:]),
            )
        )
    return picks


@requires(*DISPATCH_ROLES)
@transaction.atomic
def dispatch(*, actor: Actor, incident: Incident, unit: Unit) -> Assignment:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status not in Incident.OPEN_STATUSES:
        raise DispatchRefused(f"incident {incident.pk} is {incident.get_status_display()}")
    if unit.status != Unit.Status.AVAILABLE:
        raise DispatchRefused(f"{unit.call_sign} is {unit.get_status_display()}, not available")
    now = timezone.now()
    unit.status, unit.status_at = Unit.Status.DISPATCHED, now
    unit.save(update_fields=["status", "status_at"])
    assignment = Assignment.objects.create(incident=incident, unit=unit, dispatched_at=now)
    if incident.status == Incident.Status.PENDING:
        incident.status = Incident.Status.ACTIVE
        incident.save(update_fields=["status"])
    audit_write(
        actor=actor, action="emergency.dispatch", obj=incident, detail={"unit": unit.call_sign}
    )
    return assignment


@requires(*DISPATCH_ROLES)
@transaction.atomic
def unit_progress(
    *, actor: Actor, assignment: Assignment, status: str, disposition: str = ""
) -> Assignment:
    """A unit reports en route, on scene, or cleared (with a disposition); the incident closes
    when every unit sent has cleared, with the last unit's disposition."""
    if status not in NEXT_STATUS:
        raise DispatchRefused(f"status must be one of {', '.join(NEXT_STATUS)}")
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("unit", "incident")
        .get(pk=assignment.pk)
    )
    if not assignment.open:
        raise DispatchRefused(f"{assignment.unit.call_sign} is no longer on this incident")
    if status == "en_route" and assignment.on_scene_at is not None:
        raise DispatchRefused(f"{assignment.unit.call_sign} is already on scene")
    if status == "cleared" and disposition not in DISPOSITIONS:
        raise DispatchRefused("clearing needs a disposition")
    now = timezone.now()
    setattr(assignment, NEXT_STATUS[status], now)
    assignment.disposition = disposition
    assignment.save()
    unit = assignment.unit
    incident = assignment.incident
    unit.status = Unit.Status.AVAILABLE if status == "cleared" else status
    unit.status_at = now
    if status == "on_scene" and incident.lat is not None:
        unit.lat, unit.lon = incident.lat, incident.lon  # no vehicle locations: the scene's
    unit.save(update_fields=["status", "status_at", "lat", "lon"])
    if status == "cleared" and not _open_assignments(incident).exists():
        incident.status, incident.closed_at = Incident.Status.CLOSED, now
        incident.disposition = disposition
        incident.save(update_fields=["status", "closed_at", "disposition"])
    audit_write(
        actor=actor,
        action=f"emergency.unit.{status}",
        obj=incident,
        detail={"unit": unit.call_sign, "disposition": disposition},
    )
    return assignment


def _open_assignments(incident: Incident) -> QuerySet[Assignment]:
    return incident.assignments.filter(cleared_at=None, cancelled_at=None)


def _take_off(assignment: Assignment, reason: str, now: datetime) -> None:
    assignment.cancelled_at, assignment.cancel_reason = now, reason
    assignment.save(update_fields=["cancelled_at", "cancel_reason"])
    Unit.objects.filter(pk=assignment.unit_id).update(status=Unit.Status.AVAILABLE, status_at=now)


@requires(*DISPATCH_ROLES)
@transaction.atomic
def assignment_cancel(*, actor: Actor, assignment: Assignment, reason: str) -> Assignment:
    """Take a unit off an incident before it clears (it is free again); an incident left with
    no unit goes back to the pending queue."""
    if not reason.strip():
        raise DispatchRefused("say why the unit is taken off")
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment.pk)
    if not assignment.open:
        raise DispatchRefused(f"{assignment.unit.call_sign} is no longer on this incident")
    now = timezone.now()
    _take_off(assignment, reason.strip()[:200], now)
    incident = Incident.objects.select_for_update().get(pk=assignment.incident_id)
    if not _open_assignments(incident).exists() and incident.status == Incident.Status.ACTIVE:
        incident.status = Incident.Status.PENDING
        incident.save(update_fields=["status"])
    audit_write(
        actor=actor,
        action="emergency.unit.cancel",
        obj=incident,
        detail={"unit": assignment.unit.call_sign, "reason": reason.strip()[:200]},
    )
    return assignment


@requires(*DISPATCH_ROLES)
@transaction.atomic
def unit_reassign(*, actor: Actor, assignment: Assignment, incident: Incident) -> Assignment:
    """Send a unit from its incident to another one (a more urgent call)."""
    if assignment.incident_id == incident.pk:
        raise DispatchRefused("the unit is already on that incident")
    assignment_cancel(actor=actor, assignment=assignment, reason=f"sent to incident {incident.pk}")
    return dispatch(actor=actor, incident=incident, unit=assignment.unit)


@requires(*DISPATCH_ROLES)
@transaction.atomic
def incident_cancel(*, actor: Actor, incident: Incident, reason: str) -> Incident:
    """Cancel an incident (a duplicate, the caller called back to cancel): its units are free."""
    if not reason.strip():
        raise DispatchRefused("say why the incident is cancelled")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status not in Incident.OPEN_STATUSES:
        raise DispatchRefused(f"incident {incident.pk} is {incident.get_status_display()}")
    now = timezone.now()
    for assignment in _open_assignments(incident).select_for_update():
        _take_off(assignment, "incident cancelled", now)
    incident.status, incident.closed_at = Incident.Status.CANCELLED, now
    incident.cancel_reason = reason.strip()[:200]
    incident.save(update_fields=["status", "closed_at", "cancel_reason"])
    audit_write(
        actor=actor, action="emergency.incident.cancel", obj=incident, detail={"reason": reason}
    )
    return incident


@requires(*DISPATCH_ROLES)
@transaction.atomic
def unit_availability(*, actor: Actor, unit: Unit, in_service: bool) -> Unit:
    """Put a free unit out of service (end of shift, repairs) or back in."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    busy = unit.assignments.filter(cleared_at=None, cancelled_at=None).exists()
    if busy:
        raise DispatchRefused(f"{unit.call_sign} is on an incident")
    unit.status = Unit.Status.AVAILABLE if in_service else Unit.Status.OUT
    unit.status_at = timezone.now()
    unit.save(update_fields=["status", "status_at"])
    audit_write(
        actor=actor, action="emergency.unit.service", obj=unit, detail={"in_service": in_service}
    )
    return unit
