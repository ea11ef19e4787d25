"""The dispatcher workstation at /staff/911/dispatch/: the waiting queue with recommended units,
one action to send, status changes to cleared, reassign and cancel, the live map's data."""

import pytest
from django.utils import timezone

from safercity.core.geo import distance_m
from safercity.core.roles import Role
from safercity.emergency.models import Assignment, Incident, Unit
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana(client):
    user = make_user("dana", Role.DISPATCHER)
    client.force_login(user)
    return user


def incident(call_type="ASSAULT", priority=1, disciplines=("police", "ems"), **extra):
    now = timezone.now()
    return Incident.objects.create(
        call_type=call_type, priority=priority, disciplines=list(disciplines),
        lat=38.627, lon=-90.199, address="1200 MARKET ST", received_at=now, entered_at=now,
        **extra,
    )  # fmt: skip


def units():
    Unit.objects.create(call_sign="1A12", discipline="police", lat=38.630, lon=-90.200)
    Unit.objects.create(call_sign="3C31", discipline="police", lat=38.600, lon=-90.250)
    Unit.objects.create(call_sign="M7", discipline="ems", lat=38.64, lon=-90.26)


def post(client, url, data=None):
    return client.post(url, data or {}, HTTP_HX_REQUEST="true").content.decode()


def test_the_queue_orders_by_priority_and_recommends_the_nearest_unit(client, dana):
    units()
    routine = incident("THEFT", 4, ("police",))
    urgent = incident()
    page = client.get("/staff/911/dispatch/").content.decode()
    assert page.index(f"incident {urgent.pk}") < page.index(f"incident {routine.pk}")
    waiting = page.split('data-testid="waiting"')[1].split("</table>")[0]
    metres = distance_m(38.627, -90.199, 38.630, -90.200)
    assert 300 < metres < 400
    assert f"Send 1A12</button></form> {metres:.0f} m" in waiting
    assert "3C31" in waiting, "the next nearest is offered too"


def test_a_dispatcher_sends_a_unit_and_walks_it_to_cleared(client, dana):
    units()
    case = incident(disciplines=("police",))
    unit = Unit.objects.get(call_sign="1A12")
    board = post(client, f"/staff/911/dispatch/incidents/{case.pk}/send/", {"unit": unit.pk})
    assignment = Assignment.objects.get()
    assert "No incident is waiting" in board and f"assignment-{assignment.pk}" in board
    for status in ("en_route", "on_scene"):
        post(client, f"/staff/911/dispatch/assignments/{assignment.pk}/status/", {"status": status})
    missing = post(
        client, f"/staff/911/dispatch/assignments/{assignment.pk}/status/", {"status": "cleared"}
    )
    assert "clearing needs a disposition" in missing
    post(
        client,
        f"/staff/911/dispatch/assignments/{assignment.pk}/status/",
        {"status": "cleared", "disposition": "report taken"},
    )
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.dispatched_at <= assignment.en_route_at <= assignment.on_scene_at
    assert assignment.on_scene_at <= assignment.cleared_at
    assert (case.status, case.disposition) == ("closed", "report taken")
    assert Unit.objects.get(pk=unit.pk).status == "available"


def test_reassign_cancel_and_out_of_service_from_the_board(client, dana):
    units()
    first, second = incident("THEFT", 4, ("police",)), incident("SHOOTING", 1, ("police",))
    unit = Unit.objects.get(call_sign="1A12")
    post(client, f"/staff/911/dispatch/incidents/{first.pk}/send/", {"unit": unit.pk})
    assignment = Assignment.objects.get()
    post(client, f"/staff/911/dispatch/assignments/{assignment.pk}/reassign/",
         {"incident": second.pk})  # fmt: skip
    assert Assignment.objects.get(incident=second).unit == unit
    refused = post(client, f"/staff/911/dispatch/incidents/{first.pk}/cancel/", {"reason": ""})
    assert "say why" in refused
    post(client, f"/staff/911/dispatch/incidents/{first.pk}/cancel/", {"reason": "duplicate"})
    first.refresh_from_db()
    assert first.status == "cancelled"
    medic = Unit.objects.get(call_sign="M7")
    post(client, f"/staff/911/dispatch/units/{medic.pk}/service/", {"in_service": "0"})
    assert Unit.objects.get(pk=medic.pk).status == "out"
    busy = post(client, f"/staff/911/dispatch/units/{unit.pk}/service/", {"in_service": "0"})
    assert "1A12 is on an incident" in busy
    bad = post(client, f"/staff/911/dispatch/incidents/{second.pk}/send/", {"unit": "x"})
    assert "choose the unit" in bad


def test_the_board_answers_204_until_something_changes_and_the_map_has_points(client, dana):
    units()
    first = client.get("/staff/911/dispatch/board/").content.decode()
    token = first.split('id="seen-board" name="seen" value="')[1].split('"')[0]
    assert client.get("/staff/911/dispatch/board/", {"seen": token}).status_code == 204
    incident()
    assert client.get("/staff/911/dispatch/board/", {"seen": token}).status_code == 200
    features = client.get("/staff/911/dispatch/map.geojson").json()["features"]
    kinds = sorted(f["properties"]["kind"] for f in features)
    assert kinds == ["incident", "unit", "unit", "unit"]


def test_call_takers_cannot_dispatch(client):
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get("/staff/911/dispatch/").status_code == 403
