from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.core.roles import Role
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.engine.triage import Answers
from safercity.emergency.models import Call, Incident, Unit
from safercity.emergency.services import CallEventIn, event_ingest
from safercity.emergency.services.cad import (
    DispatchRefused,
    dispatch,
    incident_cancel,
    incident_from_call,
    recommend,
    unit_availability,
    unit_progress,
    unit_reassign,
)
from safercity.emergency.services.triage import call_triage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
HERE = (38.6270, -90.1994)  # downtown


@pytest.fixture
def triaged_call():
    cti = PHONE_SYSTEM
    at = timezone.now() - timedelta(minutes=2)
    event_ingest(
        actor=cti,
        event=CallEventIn("o1", "c1", "offered", at, lat=HERE[0], lon=HERE[1], ali="500 MARKET ST"),
    )
    event_ingest(
        actor=cti,
        event=CallEventIn("a1", "c1", "answered", at + timedelta(seconds=8), position="P1"),
    )
    call = Call.objects.get(call_id="c1")
    call_triage(
        actor=make_user("carl", Role.CALL_TAKER),
        call=call,
        call_type="ASSAULT",
        answers=Answers(serious_injury=True),
    )
    call.refresh_from_db()
    return call


@pytest.fixture
def dana():
    return make_user("dana", Role.DISPATCHER)


def units():
    Unit.objects.create(call_sign="1A12", discipline="police", lat=38.630, lon=-90.200)  # ~350 m
    Unit.objects.create(call_sign="3C31", discipline="police", lat=38.600, lon=-90.250)  # ~5 km
    Unit.objects.create(call_sign="M7", discipline="ems", lat=38.64, lon=-90.26)
    Unit.objects.create(call_sign="E5", discipline="fire", lat=38.627, lon=-90.199)


def test_an_incident_keeps_the_calls_times_and_needs(triaged_call, dana):
    incident = incident_from_call(actor=dana, call=triaged_call)
    assert incident.received_at == triaged_call.arrived_at
    assert (incident.answered_at - incident.received_at).total_seconds() == 8
    assert incident.entered_at >= incident.answered_at
    assert incident.disciplines == ["police", "ems"] and incident.priority == 1
    assert incident_from_call(actor=dana, call=triaged_call).pk == incident.pk


def test_the_nearest_available_unit_of_each_needed_discipline_is_recommended(triaged_call, dana):
    units()
    incident = incident_from_call(actor=dana, call=triaged_call)
    picks = {r.discipline: r for r in recommend(incident)}
    assert picks["police"].unit.call_sign == "1A12" and picks["police"].metres < 500
    assert picks["ems"].unit.call_sign == "M7"
    assert "fire" not in picks
    dispatch(actor=dana, incident=incident, unit=picks["police"].unit)
    after = {r.discipline: r for r in recommend(incident)}
    assert set(after) == {"ems"}, "police are on their way"


def test_a_unit_already_sent_cannot_be_sent_again(triaged_call, dana):
    units()
    incident = incident_from_call(actor=dana, call=triaged_call)
    unit = Unit.objects.get(call_sign="1A12")
    dispatch(actor=dana, incident=incident, unit=unit)
    with pytest.raises(ValueError, match="not available"):
        dispatch(actor=dana, incident=incident, unit=unit)
    with pytest.raises(PermissionDenied):
        dispatch(
            actor=make_user("ana", Role.ANALYST),
            incident=incident,
            unit=Unit.objects.get(call_sign="M7"),
        )


def test_status_times_run_through_and_the_incident_closes_when_all_clear(triaged_call, dana):
    units()
    incident = incident_from_call(actor=dana, call=triaged_call)
    police = dispatch(actor=dana, incident=incident, unit=Unit.objects.get(call_sign="1A12"))
    medics = dispatch(actor=dana, incident=incident, unit=Unit.objects.get(call_sign="M7"))
    with pytest.raises(DispatchRefused, match="disposition"):
        unit_progress(actor=dana, assignment=police, status="cleared")
    for status in ("en_route", "on_scene", "cleared"):
        unit_progress(actor=dana, assignment=police, status=status, disposition="report taken")
    incident.refresh_from_db()
    assert incident.status == "active"
    unit_progress(
        actor=dana, assignment=medics, status="cleared", disposition="transported to a hospital"
    )
    incident.refresh_from_db()
    police.refresh_from_db()
    assert incident.status == "closed" and incident.closed_at is not None
    assert incident.disposition == "transported to a hospital"
    assert police.dispatched_at <= police.en_route_at <= police.on_scene_at <= police.cleared_at
    assert Unit.objects.get(call_sign="1A12").status == "available"
    with pytest.raises(ValueError, match="no longer on this incident"):
        unit_progress(actor=dana, assignment=police, status="on_scene")


def test_a_dispatcher_reassigns_a_unit_and_cancels_an_incident(triaged_call, dana):
    units()
    first = incident_from_call(actor=dana, call=triaged_call)
    police = dispatch(actor=dana, incident=first, unit=Unit.objects.get(call_sign="1A12"))
    urgent = Incident.objects.create(
        call_type="SHOOTING", priority=1, disciplines=["police"], lat=38.63, lon=-90.2,
        received_at=timezone.now(), entered_at=timezone.now(),
    )  # fmt: skip
    moved = unit_reassign(actor=dana, assignment=police, incident=urgent)
    police.refresh_from_db()
    first.refresh_from_db()
    assert police.cancelled_at is not None and "sent to incident" in police.cancel_reason
    assert first.status == "pending", "left with no unit, it is back in the queue"
    assert moved.incident == urgent and moved.unit.status == "dispatched"
    picks = {r.discipline: r.unit.call_sign for r in recommend(first)}
    assert picks["police"] == "3C31", "1A12 is busy: the next nearest"
    with pytest.raises(DispatchRefused, match="say why"):
        incident_cancel(actor=dana, incident=urgent, reason=" ")
    incident_cancel(actor=dana, incident=urgent, reason="caller says it was fireworks")
    assert Unit.objects.get(call_sign="1A12").status == "available"
    with pytest.raises(DispatchRefused, match="Cancelled"):
        dispatch(actor=dana, incident=urgent, unit=Unit.objects.get(call_sign="1A12"))
    unit_availability(actor=dana, unit=Unit.objects.get(call_sign="M7"), in_service=False)
    assert [r.unit for r in recommend(first) if r.discipline == "ems"] == [None]


def test_an_untriaged_call_cannot_become_an_incident(dana):
    event_ingest(actor=PHONE_SYSTEM, event=CallEventIn("o9", "c9", "offered", timezone.now()))
    with pytest.raises(ValueError, match="triage the call first"):
        incident_from_call(actor=dana, call=Call.objects.get(call_id="c9"))
