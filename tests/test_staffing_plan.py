from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from safercity.demo.engine import MONTH_SHAPE_911, expected_911_per_slot
from safercity.staffing.engine.erlang import NENA_TARGETS, Target
from safercity.staffing.engine.forecast import SLOTS_PER_WEEK, History, count_calls, evaluate, fit
from safercity.staffing.engine.planner import make_plan, verify
from safercity.staffing.engine.schedule import requirements, schedule

CHICAGO = ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def history():
    first = date(2024, 1, 1)
    rng = np.random.default_rng(4)
    expected = expected_911_per_slot(first, 2 * 365 + 14, 700_000)
    return History(first, rng.poisson(expected).astype(float))


def test_calls_are_counted_in_local_half_hours():
    arrivals = [
        datetime(2026, 3, 2, 0, 10, tzinfo=CHICAGO),
        datetime(2026, 3, 2, 0, 29, 59, tzinfo=CHICAGO),
        datetime(2026, 3, 2, 23, 45, tzinfo=CHICAGO),
        datetime(2026, 3, 4, 12, 0, tzinfo=CHICAGO),
    ]
    counted = count_calls(arrivals)
    assert counted.first_day == date(2026, 3, 2)
    assert counted.counts.shape == (3, 48)
    assert counted.counts[0, 0] == 2
    assert counted.counts[0, 47] == 1
    assert counted.counts[1].sum() == 0
    assert counted.counts[2, 24] == 1


def test_the_forecast_finds_the_seasons_and_is_as_good_as_the_noise_allows(history):
    train, holdout = history.split(28)
    forecast = fit(train)
    months = np.array(MONTH_SHAPE_911) / np.mean(MONTH_SHAPE_911)
    assert np.allclose(forecast.month_factor, months, rtol=0.03)
    accuracy = evaluate(forecast, holdout)
    assert accuracy.wape < 1.1 * accuracy.noise_floor_wape
    assert accuracy.daily_wape < 0.04
    assert abs(accuracy.bias) < 0.02


def test_the_forecast_follows_a_recent_rise_in_volume(history):
    grown = History(history.first_day, history.counts.copy())
    grown.counts[-56:] *= 1.2  # the last eight weeks are 20% busier
    ratio = fit(grown).level / fit(history).level
    assert 1.15 < ratio < 1.25


def test_a_holdout_must_leave_history():
    with pytest.raises(ValueError, match="holdout"):
        History(date(2026, 1, 1), np.zeros((10, 48))).split(10)


def test_every_slot_is_covered_after_shrinkage_at_nearly_the_lower_bound():
    calls = expected_911_per_slot(date(2026, 7, 6), 7, 700_000).ravel()
    needed = requirements(calls, 120, patience_s=90)
    plan = schedule(needed, shrinkage=0.3)
    assert plan.optimal
    assert (plan.on_phones >= needed).all()
    assert (plan.coverage >= plan.scheduled_needed).all()
    assert plan.lower_bound_hours <= plan.staff_hours <= 1.02 * plan.lower_bound_hours
    assert {s.hours for s in plan.shifts} <= {8, 10, 12}
    assert plan.scheduled_needed.sum() == sum(np.ceil(needed / 0.7 - 1e-9))


def test_a_shift_can_run_from_sunday_night_into_monday():
    needed = np.zeros(SLOTS_PER_WEEK, dtype=np.int64)
    needed[:4] = 1  # Monday 00:00-02:00
    needed[-4:] = 1  # Sunday 22:00-24:00
    plan = schedule(needed, shrinkage=0.0)
    assert plan.staff_hours == 8
    [shift] = plan.shifts
    assert shift.label().startswith("Sun")


def test_erlang_c_asks_for_at_least_as_many_as_erlang_a():
    calls = expected_911_per_slot(date(2026, 1, 5), 1, 700_000).ravel()
    assert (requirements(calls, 120) >= requirements(calls, 120, patience_s=90)).all()


def test_the_plan_meets_nena_when_simulated_and_a_thinner_one_does_not():
    calls = expected_911_per_slot(date(2026, 7, 6), 7, 700_000).ravel()
    plan = schedule(requirements(calls, 120, patience_s=90), shrinkage=0.3)
    checked = verify(plan, calls, aht_s=120, patience_s=90, weeks=4, seed=3)
    assert checked.meets(NENA_TARGETS)
    assert checked.callbacks_in_time > 0.99
    thin = schedule(requirements(calls, 120, patience_s=90) - 2, shrinkage=0.3)
    assert not verify(thin, calls, aht_s=120, patience_s=90, weeks=4, seed=3).meets(NENA_TARGETS)


def test_a_plan_from_history_starts_the_monday_after_it(history):
    steps = []
    made = make_plan(history, aht_s=120, patience_s=90, progress=steps.append, verify_weeks=2)
    assert made.week_start == date(2026, 1, 19)
    assert made.week_start.weekday() == 0
    assert made.accuracy is not None
    assert len(steps) == 5
    assert made.verification.meets()
    assert made.plan.staff_hours >= made.plan.lower_bound_hours
    with pytest.raises(ValueError, match="Monday"):
        make_plan(history, aht_s=120, patience_s=90, week_start=date(2026, 1, 20))


def test_utc_arrivals_are_counted_on_the_citys_clock():
    noon_utc = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    counted = count_calls([noon_utc.astimezone(CHICAGO)])
    assert counted.counts[0, 24] == 1  # 12:00 in St. Louis
    assert Target(15, 0.9) in NENA_TARGETS
    assert counted.day(1) == date(2026, 3, 2) + timedelta(days=1)
