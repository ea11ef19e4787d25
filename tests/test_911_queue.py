"""The 911 queue: no recording, priority and skills, backups on rollover, alerts, no call
assigned twice even with several routers at once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.roles import Role
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.models import Call, Position
from safercity.emergency.services import CallEventIn, event_ingest
from safercity.emergency.services.queue import alerts, assign_waiting, roll_to_partner
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
ROUTER = command_actor("router")


def offer(call_id, seconds_ago, **extra):
    at = timezone.now() - timedelta(seconds=seconds_ago)
    event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn(f"o-{call_id}", call_id, "offered", at, **extra)
    )
    return Call.objects.get(call_id=call_id)


def seat(name, **extra):
    return Position.objects.create(name=name, on_duty=True, **extra)


def test_911_calls_go_before_admin_lines_and_the_oldest_first():
    seat("P1")
    offer("admin-old", 30, line="admin")
    offer("911-new", 2)
    offer("911-old", 5)
    [(call, position)] = assign_waiting(actor=ROUTER)
    assert (call.call_id, position.name) == ("911-old", "P1")


def test_a_caller_gets_a_position_that_speaks_their_language_or_takes_text():
    seat("P1")
    seat("P2", languages=["es"], handles_text=False)
    seat("P3", handles_text=True)
    offer("spanish", 4, language="es")
    offer("text", 3, is_text=True)
    routed = {c.call_id: p.name for c, p in assign_waiting(actor=ROUTER)}
    assert routed["spanish"] == "P2"
    assert routed["text"] in {"P1", "P3"}


def test_backup_positions_join_only_after_rollover(settings):
    settings.SAFERCITY_ROLLOVER_S = 10
    seat("B1", is_backup=True)
    offer("fresh", 3)
    assert assign_waiting(actor=ROUTER) == []
    offer("long", 12)
    [(call, position)] = assign_waiting(actor=ROUTER)
    assert (call.call_id, position.name) == ("long", "B1")


def test_a_position_with_a_live_call_gets_no_other():
    seat("P1")
    offer("first", 5)
    offer("second", 4)
    assert len(assign_waiting(actor=ROUTER)) == 1
    assert assign_waiting(actor=ROUTER) == []
    first = Call.objects.get(call_id="first")
    at = timezone.now()
    event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn("a1", "first", "answered", at, position="P1")
    )
    event_ingest(
        actor=PHONE_SYSTEM,
        event=CallEventIn("r1", "first", "released", at + timedelta(seconds=60)),
    )
    first.refresh_from_db()
    assert first.state == "released"
    [(call, _)] = assign_waiting(actor=ROUTER)
    assert call.call_id == "second"


def test_supervisors_see_long_waits_and_can_roll_a_caller_to_the_partner_center(settings):
    settings.SAFERCITY_ALERT_S = 15
    offer("waiting", 20)
    offer("fine", 3)
    [alert] = alerts()
    assert alert.call.call_id == "waiting" and alert.waited_s >= 20
    assert "no position" in alert.reason
    supervisor = make_user("sam", Role.SUPERVISOR_911)
    rolled = roll_to_partner(actor=supervisor, call=alert.call, partner="St. Louis County ECC")
    assert rolled.transferred_to == "St. Louis County ECC"
    assert alerts() == []
    seat("P1")
    assert [c.call_id for c, _ in assign_waiting(actor=ROUTER)] == ["fine"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_several_routers_at_once_never_assign_a_call_or_position_twice():
    for n in range(8):
        seat(f"P{n}")
    for n in range(30):
        offer(f"c{n}", 30 - n)
    errors = []

    def route():
        try:
            for _ in range(10):
                assign_waiting(actor=ROUTER)
        except Exception as error:  # pragma: no cover - shown below
            errors.append(error)
        finally:
            connection.close()

    routers = [threading.Thread(target=route) for _ in range(4)]
    for router in routers:
        router.start()
    for router in routers:
        router.join()
    assert errors == []
    assigned = Call.objects.exclude(position=None)
    assert assigned.count() == 8
    assert assigned.values("position").distinct().count() == 8
    oldest = sorted(Call.objects.values_list("call_id", flat=True), key=lambda c: int(c[1:]))[:8]
    assert sorted(assigned.values_list("call_id", flat=True)) == sorted(oldest)


def test_the_partner_rollover_rule_sends_long_waits_when_no_one_is_free(settings):
    from safercity.emergency.services.queue import roll_over_long_waits

    offer("long", 40)
    offer("short", 5)
    assert roll_over_long_waits(actor=ROUTER) == [], "off unless the city turns it on"
    settings.SAFERCITY_PARTNER_ROLLOVER_S = 30
    seat("P1")
    assert roll_over_long_waits(actor=ROUTER) == [], "a free position takes them instead"
    Position.objects.update(on_duty=False)
    [rolled] = roll_over_long_waits(actor=ROUTER)
    assert rolled.call_id == "long" and rolled.transferred_to == settings.SAFERCITY_PARTNER_CENTER
