from datetime import timedelta

import pytest
from django.utils import timezone

from safercity.core.roles import Role
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.board import board_state
from safercity.emergency.models import Position
from safercity.emergency.services import CallEventIn, event_ingest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
CTI = PHONE_SYSTEM


def happen(event_id, call_id, kind, seconds_ago, **extra):
    at = timezone.now() - timedelta(seconds=seconds_ago)
    event_ingest(actor=CTI, event=CallEventIn(event_id, call_id, kind, at, **extra))


@pytest.fixture
def busy_floor(settings):
    settings.SAFERCITY_ALERT_S = 15
    Position.objects.create(name="P1", state="ready", staffed_by="carl")
    Position.objects.create(name="P2", state="ready")
    for n in range(9):
        happen(f"o{n}", f"done{n}", "offered", 600 + n)
        happen(f"a{n}", f"done{n}", "answered", 600 + n - 5, position="P2")
        happen(f"r{n}", f"done{n}", "released", 500 + n)
    happen("o-late", "late", "offered", 400)
    happen("a-late", "late", "answered", 400 - 30, position="P2")
    happen("r-late", "late", "released", 300)
    happen("o-now", "now", "offered", 40)
    happen("a-now", "now", "answered", 35, position="P1")
    happen("o-wait", "wait", "offered", 25)
    happen("o-gone", "gone", "offered", 200)
    happen("x-gone", "gone", "abandoned", 190)


def test_the_board_shows_the_floor_as_it_is(busy_floor):
    state = board_state()
    assert state.waiting == 1 and state.longest_wait_s >= 25
    assert state.rolling.calls == 13
    assert state.rolling.within_15 == pytest.approx(10 / 13)
    assert state.rolling.within_20 == pytest.approx(10 / 13)
    assert [(s.position.name, s.call.call_id if s.call else None) for s in state.positions] == [
        ("P1", "now"),
        ("P2", None),
    ]
    assert [a.call.call_id for a in state.alerts] == ["wait"]
    assert (state.callbacks_open, state.callbacks_overdue) == (1, 0)


def test_supervisors_see_it_and_htmx_refreshes_only_the_board(client, busy_floor):
    client.force_login(make_user("sam", Role.SUPERVISOR_911))
    page = client.get("/staff/911/board/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "76.9%" in page
    fragment = client.get("/staff/911/board/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'data-testid="alerts"' in fragment
    client.force_login(make_user("ines", Role.INSPECTOR))
    assert client.get("/staff/911/board/").status_code == 403


def test_answer_times_are_reported_per_hour_day_and_month(client, busy_floor):
    client.force_login(make_user("ana", Role.ANALYST))
    for period in ("hour", "day", "month"):
        rows = client.get("/staff/911/nena/", {"period": period}).context["rows"]
        assert sum(row.calls for row in rows) == 13, period
        if len(rows) == 1:  # the test's calls may straddle an hour (or midnight)
            assert rows[0].within_15 == pytest.approx(10 / 13)
            assert not rows[0].meets_standard
    assert 'data-testid="nena"' in client.get("/staff/911/nena/").content.decode()
    assert client.get("/staff/911/nena/", {"period": "century"}).status_code == 200
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get("/staff/911/nena/").status_code == 403
