from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from safercity.demo.stream import demo_events
from safercity.emergency.models import Call, Callback, CallEvent

CHICAGO = ZoneInfo("America/Chicago")


def test_the_demo_stream_is_a_realistic_evening_of_events_in_order():
    events = demo_events(
        start=datetime(2026, 7, 10, 18, 0, tzinfo=CHICAGO), minutes=60, positions=6
    )
    kinds = [e.body["kind"] for e in events]
    offered = kinds.count("offered")
    assert 80 < offered < 200  # about 130 an hour on a July Friday evening, at 700k a year
    assert kinds.count("answered") + kinds.count("abandoned") == offered
    assert kinds.count("released") == kinds.count("answered")
    assert all(a.at <= b.at for a, b in pairwise(events))
    assert len({e.body["event_id"] for e in events}) == len(events)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_stream_plays_into_the_real_api(live_server, settings, capsys):
    settings.SAFERCITY_CTI_KEY = "stream-key-" + "x" * 20
    call_command(
        "emergency_demo_stream",
        "--url",
        f"{live_server.url}/api/911/events",
        "--minutes",
        "20",
        "--speed",
        "2000",
        "--scale",
        "3",
        "--run",
        "t1",
        "--positions",
        "3",
        "--hour",
        "18:00",  # an evening's calls, whenever the test runs (at midnight there are few)
        verbosity=0,
    )
    out = capsys.readouterr().out
    assert "sent: 201 x" in out and "400" not in out
    offered = CallEvent.objects.filter(kind="offered").count()
    assert Call.objects.count() == offered > 20
    assert set(Call.objects.values_list("exercise", "time_scale")) == {("t1", 2000.0)}
    assert Callback.objects.count() == Call.objects.filter(state="abandoned").count()
