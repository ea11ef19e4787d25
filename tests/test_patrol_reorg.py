"""The reorganization what-if's engine (issue 18): merging, eliminating and moving sworn
positions, giving call types to civilians, and what each does to a district's saturation,
proactive time, priority-1 wait and FTE."""

from __future__ import annotations

import numpy as np
import pytest

from safercity.staffing.engine.reorg import Change, Unit, apply, evaluate

UNITS = [
    Unit("District 4 patrol", "patrol", 90, ("patrol",)),
    Unit("Auto theft", "investigative", 10, ("vehicle crime",)),
    Unit("Vehicle recovery", "specialized", 8, ("vehicle crime", "towing")),
    Unit("Mounted patrol", "specialized", 5, ("events",)),
]


def test_a_merger_and_an_elimination_free_positions_that_a_move_sends_to_patrol():
    outcome = apply(UNITS, [
        Change("merge", units=("Auto theft", "Vehicle recovery"), kept=12),
        Change("eliminate", units=("Mounted patrol",)),
        Change("move", officers=9, to="patrol"),
        Change("move", officers=20, to="investigations"),  # more than is free: refused
        Change("eliminate", units=("Harbor unit",)),  # no such unit
        Change("civilianize", call_types=("noise", "parking")),
    ])  # fmt: skip
    names = {u.name: u for u in outcome.units}
    assert names["Auto theft + Vehicle recovery"].sworn == 12
    assert names["Auto theft + Vehicle recovery"].functions == ("vehicle crime", "towing")
    assert "Mounted patrol" not in names
    assert (outcome.freed, outcome.to_patrol, outcome.to_investigations) == (2, 9, 0)
    assert outcome.civilian_call_types == {"noise", "parking"}
    assert len(outcome.problems) == 2
    assert "only 2 freed positions" in outcome.problems[0]
    assert "Harbor unit" in outcome.problems[1]


def test_what_a_scenario_does_to_a_district_beside_today():
    week = np.ones(168)
    workload = {"4": {"burglary": 1.2 * week, "noise": 0.6 * week}}
    on_duty = {"4": 2 * week}
    [today] = evaluate(workload, on_duty, net_hours=1849)
    assert today.saturation == pytest.approx(0.9)  # 1.8 of 2 officer-hours on calls
    assert today.proactive == pytest.approx(0.1)
    assert today.hours_short == 168  # the rule of 60 wants 3 on duty
    civilians = apply(UNITS, [Change("civilianize", call_types=("noise",))])
    [after] = evaluate(workload, on_duty, net_hours=1849, outcome=civilians)
    assert after.saturation == pytest.approx(0.6) and after.hours_short == 0
    assert after.p1_wait < today.p1_wait
    more = apply(UNITS, [Change("eliminate", units=("Mounted patrol",)),
                         Change("move", officers=5, to="patrol")])  # fmt: skip
    [patrol] = evaluate(workload, on_duty, net_hours=1849, outcome=more)
    # Five officers at 1,849 hours a year add about one officer on duty every hour.
    assert patrol.fte_on_patrol - today.fte_on_patrol == pytest.approx(5)
    assert patrol.saturation < today.saturation
