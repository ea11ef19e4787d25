from datetime import timedelta

import pytest
from django.utils import timezone

from safercity.core.roles import Role
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.board import board_state
from safercity.emergency.models import Call, Position
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
    assert [a.call.call_id for a, _ in state.alerts] == ["wait"]
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
    today = timezone.localdate()
    span = {"from": today - timedelta(days=1), "to": today}
    for period in ("hour", "day", "week", "month"):
        rows = client.get("/staff/911/nena/", {**span, "by": period}).context["rows"]
        assert sum(row["row"].calls for row in rows) == 13, period
        total = client.get("/staff/911/nena/", {**span, "by": period}).context["total"]
        assert total["row"].of_all(15) == pytest.approx((10 / 13, 10 / 13))
        assert total["meets_all"] is False
    assert 'data-testid="nena"' in client.get("/staff/911/nena/").content.decode()
    assert client.get("/staff/911/nena/", {"by": "century"}).status_code == 200
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get("/staff/911/nena/").status_code == 403


def test_a_supervisor_acknowledges_a_raised_alert_and_sends_the_caller_to_the_partner(
    client, settings
):
    from safercity.emergency.models import QueueAlert
    from safercity.emergency.services.queue import queue_tick

    settings.SAFERCITY_ALERT_S = 15
    call = Call.objects.create(
        call_id="long", state="waiting", arrived_at=timezone.now() - timedelta(seconds=40)
    )
    queue_tick()
    alert = QueueAlert.objects.get()
    client.force_login(make_user("sofia", Role.SUPERVISOR_911))
    page = client.get("/staff/911/board/").content.decode()
    assert "alert raised" in page and ">Acknowledge<" in page
    client.post(f"/staff/911/board/alerts/{alert.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    alert.refresh_from_db()
    assert alert.acknowledged_by == "sofia"
    board = client.post(f"/staff/911/board/calls/{call.pk}/partner/", HTTP_HX_REQUEST="true")
    call.refresh_from_db()
    assert call.rolled_to_partner_at is not None and "Call long (" not in board.content.decode()
    again = client.post(f"/staff/911/board/calls/{call.pk}/partner/", HTTP_HX_REQUEST="true")
    assert "already sent to St. Louis County ECC" in again.content.decode()
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert "Acknowledge" not in client.get("/staff/911/board/").content.decode()
    assert client.post(f"/staff/911/board/alerts/{alert.pk}/acknowledge/").status_code == 403


def test_an_exercise_runs_on_its_own_clock_and_stays_out_of_published_figures(settings):
    """The demo's burst (or a drill) at 10x: its caller reaches the alert threshold in a tenth
    of the time and its callback is due sooner; the scorecard's figures do not count it."""
    from safercity.emergency import measures
    from safercity.emergency.models import Callback
    from safercity.emergency.services import EventInvalid

    settings.SAFERCITY_ALERT_S = 15
    settings.SAFERCITY_CALLBACK_DEADLINE_S = 300
    fast = {"exercise": "burst-1", "time_scale": 10.0}
    for n in range(12):
        happen(f"x-o{n}", f"drill-{n}", "offered", 90 + n, **fast)
        happen(f"x-a{n}", f"drill-{n}", "answered", 80 + n, position="P1", **fast)
    assert measures.figures()[0].value == "no calls yet", "exercises are not published"
    happen("x-ow", "drill-wait", "offered", 3, **fast)
    happen("r-ow", "real-wait", "offered", 3)
    assert [alert.call.call_id for alert, _ in board_state().alerts] == ["drill-wait"]
    happen("x-og", "drill-gone", "offered", 60, **fast)
    happen("x-ag", "drill-gone", "abandoned", 50, **fast)
    callback = Callback.objects.get(call__call_id="drill-gone")
    assert (callback.due_at - callback.created_at).total_seconds() == pytest.approx(30)
    with pytest.raises(EventInvalid, match="only an exercise"):
        happen("x-o3", "unnamed", "offered", 1, time_scale=10.0)
    with pytest.raises(EventInvalid, match="time_scale"):
        happen("x-o4", "too-fast", "offered", 1, exercise="burst-1", time_scale=1e6)
    assert not Call.objects.filter(call_id__in=["unnamed", "too-fast"]).exists()


def test_the_board_says_which_calls_are_an_exercise(client, settings):
    settings.SAFERCITY_ALERT_S = 15
    happen("x-o1", "drill-wait", "offered", 60, exercise="burst-1", time_scale=10.0)
    client.force_login(make_user("sam", Role.SUPERVISOR_911))
    page = client.get("/staff/911/board/").content.decode()
    assert "exercise burst-1</strong> at 10x speed" in page
