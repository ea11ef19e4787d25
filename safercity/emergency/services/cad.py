"""CAD: incidents from triaged calls, units and their status times, and the nearest available
unit of each discipline the incident needs."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.geo import distance_m
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.emergency.models import Assignment, Call, Incident, Unit

DISPATCH_ROLES = (Role.DISPATCHER, Role.SUPERVISOR_911, Role.ADMINISTRATOR)
NEXT_STATUS = {"en_route": "en_route_at", "on_scene": "on_scene_at", "cleared": "cleared_at"}


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
class Recommendation:
    discipline: str
    unit: Unit | None
    metres: float | None


def recommend(incident: Incident) -> list[Recommendation]:
    """For each discipline still needed, the nearest available unit (or none available)."""
    sent = set(
        incident.assignments.filter(cleared_at=None).values_list("unit__discipline", flat=True)
    )
    picks = []
    for discipline in incident.disciplines:
        if discipline in sent:
            continue
        units = Unit.objects.filter(discipline=discipline, status=Unit.Status.AVAILABLE)
        best: tuple[float, Unit] | None = None
        for unit in units:
            if None in (unit.lat, unit.lon, incident.lat, incident.lon):
                distance = math.inf
            else:
                distance = distance_m(incident.lat, incident.lon, unit.lat, unit.lon)  # type: ignore[arg-type]
            if best is None or distance < best[0]:
                best = (distance, unit)
        picks.append(
            Recommendation(
                discipline,
                best[1] if best else None,
                best[0] if best and math.isfinite(best[0]) else None,
            )
        )
    return picks


@requires(*DISPATCH_ROLES)
@transaction.atomic
def dispatch(*, actor: Actor, incident: Incident, unit: Unit) -> Assignment:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.status != Unit.Status.AVAILABLE:
        raise ValueError(f"{unit.call_sign} is {unit.get_status_display()}, not available")
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
def unit_progress(*, actor: Actor, assignment: Assignment, status: str) -> Assignment:
    """A unit reports en route, on scene, or cleared; the incident closes when all clear."""
    if status not in NEXT_STATUS:
        raise ValueError(f"status must be one of {', '.join(NEXT_STATUS)}")
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("unit", "incident")
        .get(pk=assignment.pk)
    )
    if assignment.cleared_at is not None:
        raise ValueError("this unit has already cleared the incident")
    now = timezone.now()
    setattr(assignment, NEXT_STATUS[status], now)
    assignment.save()
    unit = assignment.unit
    unit.status = Unit.Status.AVAILABLE if status == "cleared" else status
    unit.status_at = now
    unit.save(update_fields=["status", "status_at"])
    incident = assignment.incident
    if status == "cleared" and not incident.assignments.filter(cleared_at=None).exists():
        incident.status, incident.closed_at = Incident.Status.CLOSED, now
        incident.save(update_fields=["status", "closed_at"])
    audit_write(
        actor=actor,
        action=f"emergency.unit.{status}",
        obj=incident,
        detail={"unit": unit.call_sign},
    )
    return assignment
