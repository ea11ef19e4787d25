import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safercity.staffing.engine.erlang import erlang_a_measures, offered_load
from safercity.staffing.engine.simulate import (
    CallbackPolicy,
    CallStream,
    Staffing,
    poisson_calls,
    simulate,
)
from tests.oracles.simpy_queue import simulate_simpy


def _calls(seed=5, days=2.0, per_30_min=100, aht=180, patience=300):
    rng = np.random.default_rng(seed)
    return poisson_calls(rng, per_30_min / 1800, 86_400 * days, aht, patience)


@pytest.mark.parametrize("policy", [None, CallbackPolicy(delay_s=30)])
def test_every_call_ends_as_in_the_simpy_model(policy):
    calls = _calls()
    fast = simulate(calls, Staffing.constant(12), policy)
    oracle = simulate_simpy(calls, 12, policy)
    assert (fast.answered == oracle.answered).all()
    assert np.allclose(fast.wait, oracle.wait, atol=1e-6)
    assert (fast.callback_made == oracle.callback_made).all()
    assert np.allclose(fast.callback_delay, oracle.callback_delay, atol=1e-6, equal_nan=True)
    assert abs(fast.service_level(20) - oracle.service_level(20)) < 0.005


@given(
    agents=st.integers(1, 6),
    per_hour=st.floats(5, 120),
    patience=st.sampled_from([30.0, 120.0, math.inf]),
    seed=st.integers(0, 10_000),
)
@settings(max_examples=25, deadline=None)
def test_random_small_centres_agree_with_simpy_call_by_call(agents, per_hour, patience, seed):
    rng = np.random.default_rng(seed)
    calls = poisson_calls(rng, per_hour / 3600, 4 * 3600, 200, patience)
    policy = CallbackPolicy(delay_s=10)
    fast = simulate(calls, Staffing.constant(agents), policy)
    oracle = simulate_simpy(calls, agents, policy)
    assert (fast.answered == oracle.answered).all()
    assert np.allclose(fast.wait, oracle.wait, atol=1e-6)
    assert (fast.callback_made == oracle.callback_made).all()


def test_a_long_run_agrees_with_erlang_a():
    calls = _calls(seed=11, days=40)
    result = simulate(calls, Staffing.constant(12))
    expected = erlang_a_measures(12, offered_load(100, 1800, 180), 180, 300, 20)
    assert abs(result.service_level(20) - expected.service_level) < 0.005
    assert abs(result.abandonment - expected.p_abandon) < 0.005


def test_every_abandoned_call_is_called_back_and_never_while_a_caller_waits():
    calls = _calls(seed=2, days=3)
    result = simulate(calls, Staffing.constant(11), CallbackPolicy(delay_s=20))
    abandoned = ~result.answered
    assert abandoned.sum() > 100
    assert result.callback_made[abandoned].all()
    assert not result.callback_made[result.answered].any()
    starts = (calls.arrival + calls.patience + result.callback_delay)[abandoned]
    waiting_from = calls.arrival
    waiting_to = calls.arrival + result.wait
    order = np.argsort(waiting_from)
    latest_end = np.maximum.accumulate(waiting_to[order])
    position = np.searchsorted(waiting_from[order], starts, side="left") - 1
    someone_waiting = (position >= 0) & (latest_end[np.maximum(position, 0)] > starts + 1e-9)
    assert not someone_waiting.any()
    assert (result.callback_delay[abandoned] >= 20 - 1e-9).all()


def test_nobody_is_answered_while_nobody_is_on_duty():
    arrival = np.array([100.0, 700.0, 900.0, 1300.0])
    calls = CallStream(arrival, np.full(4, 60.0), np.full(4, np.inf))
    result = simulate(calls, Staffing(600, np.array([1, 0, 1])))
    answered_at = arrival + result.wait
    assert result.answered.all()
    assert answered_at.tolist() == [100.0, 1200.0, 1260.0, 1320.0]


def test_a_call_in_progress_is_finished_when_the_shift_ends():
    calls = CallStream(np.array([500.0, 650.0]), np.array([400.0, 10.0]), np.full(2, np.inf))
    result = simulate(calls, Staffing(600, np.array([2, 1])))
    # The first call runs past the end of the first interval; the one on-duty
    # call-taker of the second interval is the one still on that call.
    assert result.wait.tolist() == [0.0, 250.0]


def test_with_nobody_ever_on_duty_every_caller_hangs_up_and_callbacks_are_owed():
    calls = _calls(days=0.05)
    result = simulate(calls, Staffing.constant(0), CallbackPolicy())
    assert result.abandonment == 1.0
    assert result.unfinished_callbacks == len(calls)


def test_calls_out_of_order_are_refused():
    with pytest.raises(ValueError, match="arrival order"):
        CallStream(np.array([5.0, 1.0]), np.ones(2), np.ones(2))
