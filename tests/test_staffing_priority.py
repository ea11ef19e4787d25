"""Priority classes in the call-taker simulator (issue 14): a non-preemptive priority queue
with hang-ups, checked call by call against simpy's PriorityResource on the same inputs."""

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safercity.staffing.engine.simulate import CallbackPolicy, Staffing, poisson_calls, simulate
from tests.oracles.simpy_queue import simulate_simpy


def classed(calls, rng, shares):
    priority = rng.choice(len(shares), size=len(calls), p=shares).astype(np.int64)
    return dataclasses.replace(calls, priority=priority)


def test_every_call_ends_as_in_simpys_priority_queue():
    rng = np.random.default_rng(3)
    calls = classed(poisson_calls(rng, 110 / 1800, 2 * 86_400, 180, 300), rng, [0.2, 0.5, 0.3])
    fast = simulate(calls, Staffing.constant(11))
    oracle = simulate_simpy(calls, 11)
    assert (fast.answered == oracle.answered).all()
    assert np.allclose(fast.wait, oracle.wait, atol=1e-6)
    top = calls.priority == 0
    # Busy enough that the classes differ a great deal: the first class barely waits.
    assert fast.wait[top & fast.answered].mean() < fast.wait[~top & fast.answered].mean() / 2
    assert (~fast.answered[top]).mean() < (~fast.answered[~top]).mean()


@given(
    agents=st.integers(1, 5),
    per_hour=st.floats(5, 100),
    patience=st.sampled_from([20.0, 90.0, math.inf]),
    classes=st.integers(2, 4),
    seed=st.integers(0, 10_000),
)
@settings(max_examples=30, deadline=None)
def test_random_small_centres_with_classes_agree_with_simpy(
    agents, per_hour, patience, classes, seed
):
    rng = np.random.default_rng(seed)
    calls = poisson_calls(rng, per_hour / 3600, 4 * 3600, 240, patience)
    calls = classed(calls, rng, [1 / classes] * classes)
    fast = simulate(calls, Staffing.constant(agents))
    oracle = simulate_simpy(calls, agents)
    assert (fast.answered == oracle.answered).all()
    assert np.allclose(fast.wait, oracle.wait, atol=1e-6)


def test_one_class_is_the_first_come_first_served_queue():
    rng = np.random.default_rng(8)
    calls = poisson_calls(rng, 90 / 1800, 86_400, 180, 200)
    one = dataclasses.replace(calls, priority=np.zeros(len(calls), dtype=np.int64))
    plain, classed_run = simulate(calls, Staffing.constant(9)), simulate(one, Staffing.constant(9))
    assert (plain.answered == classed_run.answered).all()
    assert np.allclose(plain.wait, classed_run.wait)


def test_staffing_that_changes_by_interval_is_followed_with_classes():
    rng = np.random.default_rng(4)
    calls = classed(poisson_calls(rng, 60 / 1800, 4 * 3600, 180, 600), rng, [0.5, 0.5])
    staffing = Staffing(1800, np.array([6, 0, 0, 6, 6, 6, 6, 6], dtype=np.int64))
    result = simulate(calls, staffing)
    # Nobody answers while nobody is on duty: every call in that hour waits for 01:30.
    quiet = (calls.arrival >= 1800) & (calls.arrival < 5400)
    starts = calls.arrival[quiet & result.answered] + result.wait[quiet & result.answered]
    assert (starts >= 5400 - 1e-9).all() and len(starts) > 5
    assert ((result.served_by >= 0) == result.answered).all()


def test_callbacks_with_classes_are_refused_not_ignored():
    rng = np.random.default_rng(1)
    calls = classed(poisson_calls(rng, 0.01, 3600, 180, 60), rng, [0.5, 0.5])
    with pytest.raises(ValueError, match="callbacks are not simulated with priority classes"):
        simulate(calls, Staffing.constant(2), CallbackPolicy())
