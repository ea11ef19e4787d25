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
from safercity.emergency.models import Call, Position, QueueAlert
from safercity.emergency.services import CallEventIn, event_ingest
from safercity.emergency.services.queue import _route, alerts, queue_tick, roll_to_partner
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
    return Position.objects.create(name=name, state="ready", **extra)


def test_an_offered_call_is_routed_in_the_same_event_to_the_longest_ready_position():
    seat("P1")
    seat("P2")
    Position.objects.filter(name="P1").update(state_since=timezone.now())
    Position.objects.filter(name="P2").update(state_since=timezone.now() - timedelta(minutes=3))
    at = timezone.now()
    _, new, routed = event_ingest(actor=PHONE_SYSTEM, event=CallEventIn("o-1", "c1", "offered", at))
    assert new and [(c.call_id, p.name) for c, p in routed] == [("c1", "P2")]
    assert Call.objects.get(call_id="c1").position.name == "P2", "stored, not only answered"


def test_911_calls_go_before_admin_lines_and_the_oldest_first():
    offer("admin-old", 30, line="admin")
    offer("911-new", 2)
    offer("911-old", 5)
    seat("P1")
    assert queue_tick()["assigned"] == 1
    assert Call.objects.get(position__name="P1").call_id == "911-old"


def test_a_caller_gets_a_position_that_speaks_their_language_or_takes_text():
    offer("spanish", 4, language="es")
    offer("text", 3, is_text=True)
    seat("P1")
    seat("P2", languages=["es"], handles_text=False)
    seat("P3", handles_text=True)
    queue_tick()
    routed = dict(Call.objects.exclude(position=None).values_list("call_id", "position__name"))
    assert routed["spanish"] == "P2"
    assert routed["text"] in {"P1", "P3"}


def test_backup_positions_join_only_after_rollover_and_the_worker_tick_does_it(settings):
    settings.SAFERCITY_ROLLOVER_S = 10
    seat("B1", is_backup=True)
    offer("fresh", 3)
    assert Call.objects.get(call_id="fresh").position is None
    offer("long", 12)
    assert Call.objects.get(call_id="long").position.name == "B1", "routed when offered"
    Call.objects.filter(call_id="fresh").update(arrived_at=timezone.now() - timedelta(seconds=11))
    seat("B2", is_backup=True)
    assert queue_tick()["assigned"] == 1
    assert Call.objects.get(call_id="fresh").position.name == "B2"


def test_a_position_with_a_live_call_gets_no_other_and_the_next_comes_after_wrap_up(settings):
    settings.SAFERCITY_WRAP_UP_S = 0
    seat("P1")
    offer("first", 5)
    offer("second", 4)
    assert Call.objects.get(call_id="second").position is None
    at = timezone.now()
    event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn("a1", "first", "answered", at, position="P1")
    )
    _, _, routed = event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn("r1", "first", "released", at)
    )
    assert [c.call_id for c, _ in routed] == ["second"], "the freed position takes the next"


def test_after_a_call_the_position_wraps_up_before_the_next_caller(settings):
    settings.SAFERCITY_WRAP_UP_S = 30
    seat("P1")
    offer("first", 5)
    offer("second", 4)
    at = timezone.now()
    event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn("a1", "first", "answered", at, position="P1")
    )
    event_ingest(actor=PHONE_SYSTEM, event=CallEventIn("r1", "first", "released", at))
    position = Position.objects.get(name="P1")
    assert position.state == "wrap_up"
    assert queue_tick()["assigned"] == 0
    Position.objects.filter(pk=position.pk).update(state_since=at - timedelta(seconds=31))
    assert queue_tick()["assigned"] == 1
    assert Position.objects.get(pk=position.pk).state == "ready"


def test_the_worker_raises_each_long_wait_once(settings):
    settings.SAFERCITY_ALERT_S = 15
    offer("waiting", 20)
    assert queue_tick()["alerts"] == 1
    assert queue_tick()["alerts"] == 0
    alert = QueueAlert.objects.get()
    assert alert.call.call_id == "waiting" and "no position" in alert.reason


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
    queue_tick()
    assert list(Call.objects.exclude(position=None).values_list("call_id", flat=True)) == ["fine"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_several_routers_at_once_never_assign_a_call_or_position_twice():
    for n in range(30):
        offer(f"c{n}", 30 - n)
    for n in range(8):
        seat(f"P{n}")
    errors = []

    def route():
        try:
            for _ in range(10):
                _route(ROUTER)
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
    from safercity.emergency.services.queue import _roll_over

    offer("long", 40)
    offer("short", 5)
    assert queue_tick()["rolled"] == 0, "off unless the city turns it on"
    settings.SAFERCITY_PARTNER_ROLLOVER_S = 30
    seat("P1")
    assert _roll_over(ROUTER, None) == [], "a free position takes them instead"
    Position.objects.update(state="signed_out")
    assert queue_tick()["rolled"] == 1
    rolled = Call.objects.get(call_id="long")
    assert rolled.rolled_to_partner_at is not None
    assert rolled.transferred_to == settings.SAFERCITY_PARTNER_CENTER


def test_a_call_nobody_answers_goes_to_the_next_ready_position(settings):
    settings.SAFERCITY_RING_S = 20
    seat("P1")
    call = offer("ringing", 1)
    assert call.position.name == "P1"
    seat("P2")
    Call.objects.filter(pk=call.pk).update(assigned_at=timezone.now() - timedelta(seconds=21))
    result = queue_tick()
    assert (result["moved"], result["assigned"]) == (1, 1)
    call.refresh_from_db()
    assert call.position.name == "P2"
    missed = Position.objects.get(name="P1")
    assert (missed.state, missed.state_reason) == ("not_ready", "missed a call")


def test_going_not_ready_sends_a_ringing_call_on_at_once():
    from safercity.emergency.services.desk import position_set_state

    carl = make_user("carl", Role.CALL_TAKER)
    seat("P1", staffed_by="carl")
    call = offer("ringing", 1)
    seat("P2")
    routed = position_set_state(
        actor=carl, position=Position.objects.get(name="P1"), state="not_ready", reason="break"
    )
    assert [(c.call_id, p.name) for c, p in routed] == [("ringing", "P2")]
    assert Call.objects.get(pk=call.pk).position.name == "P2"
