"""The patrol workload engine (issue 18, first part) against the published worked examples:
the relief factor of an 8-hour post (Minnesota Chiefs' handout: 2,920 hours, 1,071
unavailable, 1,849 net, 1.57) and of a 24/7 post at 1,850 net hours (4.73 FTE); CPSM's
burglary (two officers an hour each and one half an hour: 2.5 hours of workload); and the rule
of 60."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from safercity.staffing.engine.patrol import (
    Availability,
    Incident,
    UnitTime,
    covered_share,
    hour_of_week,
    officers_needed,
    patrol_fte,
    relief_factor,
    saturation,
    workload_cube,
)

MONDAY = datetime(2026, 11, 2, 14, 10, tzinfo=ZoneInfo("America/Chicago"))  # hour 14


def _truncated(value: float) -> float:
    """The worked examples print two decimals, cut rather than rounded."""
    return math.floor(value * 100) / 100


def test_the_8_hour_post_of_the_worked_example_needs_1_57_officers():
    # The handout's totals: 8 x 365 hours to cover, 1,071 of an officer's unavailable.
    # (The breakdown quoted with it in our research notes sums to 1,271, not 1,071; the
    # totals agree with each other and with the 1.57, so they are what is checked.)
    year = Availability(scheduled=8 * 365, other=1071)
    assert (year.scheduled, year.unavailable, year.net) == (2920, 1071, 1849)
    assert _truncated(relief_factor(year.scheduled, year.net)) == 1.57


def test_a_schedule_counted_in_days_worked_gives_the_same_kind_of_factor():
    # Local Government Performance Center (2012): 8 x 5 x 52 = 2,080 scheduled, 382 absent,
    # 1,698 available; 2,920 / 1,698 = 1.7 officers per 8-hour post.
    year = Availability(scheduled=8 * 5 * 52, other=382)  # the 382 hours are not broken down
    assert year.net == 1698
    assert round(relief_factor(8 * 365, year.net), 1) == 1.7


def test_a_post_covered_day_and_night_at_1850_net_hours_needs_4_73_officers():
    assert _truncated(relief_factor(24 * 365, 1850)) == 4.73
    # The same through the hours of the week: one officer on duty every hour of the year.
    assert _truncated(patrol_fte(np.ones(168), 1850)) == 4.73
    with pytest.raises(ValueError, match="available"):
        relief_factor(8760, 0)


def _unit(start: datetime, minutes: float | None) -> UnitTime:
    return UnitTime(start, None if minutes is None else start + timedelta(minutes=minutes))


def test_a_burglary_with_three_officers_is_two_and_a_half_hours_of_workload():
    burglary = Incident("26-1", "burglary", "4", MONDAY, False,
                        [_unit(MONDAY, 60), _unit(MONDAY, 60), _unit(MONDAY, 30)])  # fmt: skip
    cube = workload_cube([burglary], weeks=1)
    key = ("burglary", "4", False)
    assert hour_of_week(MONDAY) == 14
    assert cube.calls[key][14] == 1 and cube.units[key][14] == 3
    assert cube.district_hours("4")[14] == 2.5
    # Report writing is added once per call, not per unit.
    assert (
        workload_cube([burglary], weeks=1, extra_minutes={"burglary": 45}).district_hours("4")[14]
        == 3.25
    )


def test_unit_times_that_cannot_be_used_are_reported_with_their_reason():
    bad = Incident("26-2", "disturbance", "6", MONDAY, False, [
        _unit(MONDAY, None), UnitTime(None, MONDAY), _unit(MONDAY, -5), _unit(MONDAY, 2000),
        _unit(MONDAY, 20),
    ])  # fmt: skip
    stop = Incident("26-3", "traffic stop", "6", MONDAY, True, [_unit(MONDAY, 15)])
    cube = workload_cube([bad, stop], weeks=1)
    assert [(d.unit, d.reason) for d in cube.defects] == [
        (0, "no cleared time"), (1, "no dispatched time"), (2, "cleared before it was dispatched"),
        (3, "on the call for more than a day"),
    ]  # fmt: skip
    assert cube.district_hours("6")[14] == pytest.approx(35 / 60)
    # Officer-initiated work is kept apart from the community's calls.
    assert cube.district_hours("6", officer_initiated=True)[14] == pytest.approx(15 / 60)
    assert cube.district_hours("6", officer_initiated=False)[14] == pytest.approx(20 / 60)


def test_the_rule_of_60_sets_the_officers_on_duty_and_the_queue_says_how_often_a_call_waits():
    workload = np.zeros(168)
    workload[14] = 1.2  # 1.2 officer-hours of calls in that hour
    calls = np.zeros(168)
    calls[14] = 3
    sixty = officers_needed(workload, calls, target_share=0.60)
    assert sixty.officers[14] == 2 and sixty.officers[3] == 1  # the floor of one
    fifty_five = officers_needed(workload, calls, target_share=0.55)  # 45% proactive
    assert fifty_five.officers[14] == 3
    # More officers on duty, less chance a priority-1 call waits.
    assert 0 < fifty_five.p1_wait[14] < sixty.p1_wait[14] < 1
    with pytest.raises(ValueError, match="target share"):
        officers_needed(workload, calls, target_share=0)


def test_saturation_and_the_share_of_hours_covered():
    workload = np.array([0.0, 1.2, 3.0, 0.5])
    on_duty = np.array([0.0, 2.0, 4.0, 0.0])
    shares = saturation(workload, on_duty)
    assert shares[0] == 0.0 and shares[1] == pytest.approx(0.6)
    assert shares[2] == pytest.approx(0.75) and math.isnan(shares[3])
    # Needed 1, 2, 5, 1 with 0, 2, 4, 0 on duty: only the second hour was covered.
    assert covered_share(np.array([1, 2, 5, 1]), on_duty) == 0.25
