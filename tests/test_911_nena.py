from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.engine.nena import answer_times
from safercity.emergency.measures import figures
from safercity.emergency.services import CallEventIn, event_ingest

CHICAGO = ZoneInfo("America/Chicago")


def test_shares_count_unanswered_calls_against_the_standard():
    start = datetime(2026, 11, 2, 13, 0, tzinfo=CHICAGO)
    arrivals = [start + timedelta(minutes=i) for i in range(20)]
    seconds = [5.0] * 16 + [18.0, 25.0, None, float("nan")]
    [month] = answer_times(arrivals, seconds, "month")
    assert (month.calls, month.answered) == (20, 18)
    assert month.within_15 == pytest.approx(16 / 20)
    assert month.within_20 == pytest.approx(17 / 20)
    assert month.abandoned == pytest.approx(2 / 20)
    assert not month.meets_standard


def test_periods_follow_the_citys_clock():
    late = datetime(2026, 11, 30, 23, 30, tzinfo=CHICAGO)  # already December in UTC
    rows = answer_times([late, late + timedelta(hours=1)], [3.0, 3.0], "month")
    assert [r.period for r in rows] == ["2026-11", "2026-12"]
    hours = answer_times([late, late + timedelta(minutes=10)], [3.0, 30.0], "hour")
    assert [(r.period, r.within_15) for r in hours] == [("2026-11-30 23:00", 0.5)]
    assert answer_times([late] * 10, [10.0] * 10, "day")[0].meets_standard


def test_impossible_answer_times_are_refused():
    with pytest.raises(ValueError, match="before the arrival"):
        answer_times([datetime(2026, 1, 1, tzinfo=UTC)], [-2.0], "day")


@pytest.mark.django_db
def test_the_scorecard_shows_this_months_answer_times_once_there_are_enough_calls(client):
    actor = PHONE_SYSTEM
    now = timezone.now().replace(microsecond=0)
    start = max(
        timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0), now - timedelta(hours=6)
    )
    for n in range(12):
        at = start + timedelta(minutes=n)
        event_ingest(actor=actor, event=CallEventIn(f"o{n}", f"c{n}", "offered", at))
        answer = 4 if n < 11 else 40
        event_ingest(
            actor=actor,
            event=CallEventIn(
                f"a{n}", f"c{n}", "answered", at + timedelta(seconds=answer), position="P1"
            ),
        )
    within_15, within_20 = figures()
    assert within_15.value == f"{11 / 12:.1%}" and within_15.meets_target is True
    assert within_20.meets_target is False
    assert f"{11 / 12:.1%}" in client.get("/").content.decode()
