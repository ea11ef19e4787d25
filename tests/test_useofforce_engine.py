"""The use-of-force rules (issue 19): review paths by force level, what the FBI collection
takes, the stage clocks with extensions, and the public dataset's age bands."""

from datetime import UTC, datetime, timedelta

import pytest

from safercity.useofforce import engine
from safercity.useofforce.engine import Applied

UTC = UTC
T0 = datetime(2025, 3, 3, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("applied", "path", "fbi"),
    [
        ([Applied("hand control or escort")], engine.SUPERVISOR_REVIEW, False),
        ([Applied("hand control or escort"), Applied("electronic control weapon")],
         engine.SUPERVISOR_INVESTIGATION, False),
        ([Applied("takedown", injury="broken bones")], engine.FORCE_INVESTIGATION, True),
        ([Applied("firearm discharged", firearm_at_person=True)], engine.FORCE_INVESTIGATION,
         True),
        ([Applied("baton or impact weapon", injury="apparent minor injury")],
         engine.SUPERVISOR_INVESTIGATION, False),
        ([Applied("neck restraint", injury="death")], engine.FORCE_INVESTIGATION, True),
    ],
)  # fmt: skip
def test_force_levels_decide_the_review_path_and_the_fbi_collection(applied, path, fbi):
    assert engine.review_path(engine.level(applied)) == path
    assert engine.fbi_reportable(applied) is fbi


def test_an_unknown_force_type_or_no_force_is_refused():
    with pytest.raises(ValueError, match="unknown force type 'sword'"):
        engine.level([Applied("sword")])
    with pytest.raises(ValueError, match="no review path"):
        engine.review_path(engine.level([]))


def test_a_stage_is_due_after_its_policy_time_and_approved_extensions():
    clock = engine.Clock("unit investigation", T0, 30)
    assert clock.due == T0 + timedelta(days=30)
    assert not clock.overdue(T0 + timedelta(days=29))
    assert clock.overdue(T0 + timedelta(days=31))
    with pytest.raises(ValueError, match="approver and a reason"):
        clock.extend(engine.Extension(14, "", "lab results"))
    clock.extend(engine.Extension(14, "Capt. Reyes", "ballistics from the state lab"))
    assert clock.due == T0 + timedelta(days=44) and not clock.overdue(T0 + timedelta(days=31))
    clock.closed = T0 + timedelta(days=40)
    assert not clock.overdue(T0 + timedelta(days=400)) and clock.days_open(T0) == 40


def test_each_path_runs_its_stages_in_order():
    path = engine.FORCE_INVESTIGATION
    stage, seen = "report", ["report"]
    while (stage := engine.next_stage(path, stage)) is not None:
        seen.append(stage)
    assert seen == list(engine.STAGES)
    assert engine.next_stage(engine.SUPERVISOR_REVIEW, "supervisor review") is None


def test_ages_are_published_in_bands():
    assert [engine.age_band(a) for a in (None, 15, 18, 24, 25, 64, 65, 99)] == [
        "unknown",
        "under 18",
        "18-24",
        "18-24",
        "25-34",
        "55-64",
        "65 and over",
        "65 and over",
    ]


def test_investigations_closed_within_90_days_count_the_late_open_ones_too():
    now = T0 + timedelta(days=200)
    clocks = [(T0, T0 + timedelta(days=80)), (T0, T0 + timedelta(days=120)), (T0, None),
              (now - timedelta(days=10), None)]  # fmt: skip
    # decided: two closed and one open past 90 days; the young open one waits
    assert engine.closed_within(clocks, 90, now) == (3, 1)
