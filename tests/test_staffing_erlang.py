"""Erlang C and A against published worked examples (../shared/data/golden/erlang.json),
each matched to the precision its source printed, plus properties that hold for any input."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safercity.staffing.engine.erlang import (
    NENA_TARGETS,
    Target,
    agents_required_a,
    agents_required_c,
    erlang_a_measures,
    erlang_b,
    erlang_c,
    erlang_c_measures,
    offered_load,
    servers_for_asa,
    with_shrinkage,
)
from tests.conftest import shared_data


@pytest.fixture(scope="module")
def golden():
    return json.loads(shared_data("golden", "erlang.json").read_text())


def printed(value: float) -> int:
    """How many decimals the source printed (0.888 -> 3)."""
    text = repr(value)
    return len(text.split(".")[1]) if "." in text else 0


def assert_as_printed(computed: float, published: float) -> None:
    """Within one unit of the last printed digit: sources round or truncate (Abstract Micro
    prints 37.3172377 as 37.31723)."""
    unit = 10.0 ** -printed(published)
    assert abs(computed - published) < unit, f"{computed} does not print as {published}"


def test_call_centre_helper_worked_example(golden):
    example = golden["E1_call_centre_helper"]
    given_ = example["inputs"]
    load = offered_load(given_["calls"], given_["period_min"] * 60, given_["aht_s"])
    assert load == given_["A_erlangs"]
    published = example["published"]
    n11 = erlang_c_measures(11, load, given_["aht_s"], given_["target_s"])
    assert_as_printed(n11.p_wait, published["N11_Pw"])
    # The page's intermediate sums: X = A^N/N! * N/(N-A), Y = sum of A^k/k! for k < N.
    x = load**11 / math.factorial(11) * 11 / (11 - load)
    y = sum(load**k / math.factorial(k) for k in range(11))
    assert_as_printed(x, published["N11_X"])
    assert_as_printed(y, published["N11_Y"])
    n14 = erlang_c_measures(14, load, given_["aht_s"], given_["target_s"])
    assert_as_printed(n14.p_wait, published["N14_Pw"])
    assert_as_printed(n14.service_level, published["N14_SL20"])
    assert_as_printed(n14.asa_s, published["N14_ASA_s"])
    assert_as_printed(n14.answered_immediately, published["N14_answered_immediately"])
    assert_as_printed(n14.occupancy, published["N14_occupancy"])
    target = (Target(given_["target_s"], given_["target_sl"]),)
    agents = agents_required_c(load, given_["aht_s"], target, given_["max_occupancy"])
    assert agents == example["computed"]["raw_N"]
    assert with_shrinkage(agents, given_["shrinkage"]) == published["agents_after_shrinkage"]
    for n in (11, 12, 13):
        secondary = example["secondary_only_published"]
        measures = erlang_c_measures(n, load, given_["aht_s"], given_["target_s"])
        if f"N{n}_Pw" in secondary:
            assert_as_printed(measures.p_wait, secondary[f"N{n}_Pw"])
        assert_as_printed(measures.service_level, secondary[f"N{n}_SL20"])


@pytest.mark.parametrize("name", ["E2_abstractmicro_ErlcWait4_a", "E3_abstractmicro_ErlcWait4_b"])
def test_abstract_micro_average_wait(golden, name):
    example = golden[name]
    given_ = example["inputs"]
    load = offered_load(given_["calls"], given_["period_s"], given_["aht_s"])
    measures = erlang_c_measures(given_["servers"], load, given_["aht_s"], 0)
    # The published figure has more digits than double precision agrees on: 7 significant.
    assert measures.asa_s == pytest.approx(example["published"]["avg_wait_s"], rel=2e-8)


@pytest.mark.parametrize(
    "name", ["E4_abstractmicro_ErlcNsrvFromWait4_a", "E5_abstractmicro_ErlcNsrvFromWait4_b"]
)
def test_fractional_servers_for_an_average_wait(golden, name):
    example = golden[name]
    given_ = example["inputs"]
    load = offered_load(given_["calls"], given_["period_s"], given_["aht_s"])
    servers = servers_for_asa(load, given_["aht_s"], given_["target_avg_wait_s"])
    assert_as_printed(servers, example["published"]["servers_fractional"])
    assert math.ceil(servers) == example["computed"]["servers_integer"]


def test_westbay_example(golden):
    example = golden["E6_westbay_360_calls"]
    given_ = example["inputs"]
    load = offered_load(given_["calls"], given_["period_min"] * 60, given_["aht_s"])
    at_15 = erlang_c_measures(given_["agents"], load, given_["aht_s"], 15)
    at_20 = erlang_c_measures(given_["agents"], load, given_["aht_s"], 20)
    expected = example["computed"]
    assert_as_printed(at_15.p_wait, expected["Pw"])
    assert_as_printed(at_15.asa_s, expected["ASA_s"])
    assert_as_printed(at_15.service_level, expected["SL15"])
    assert_as_printed(at_20.service_level, expected["SL20"])
    assert_as_printed(at_15.occupancy, expected["occupancy"])


@pytest.mark.parametrize("servers", [12, 14])
def test_erlang_a_matches_the_independent_solution(golden, servers):
    example = golden["ErlangA_checks_unpublished"]
    given_ = example["inputs"]
    aht = given_["aht_min"] * 60
    load = offered_load(given_["calls"], given_["period_min"] * 60, aht)
    measures = erlang_a_measures(
        servers, load, aht, given_["patience_min"] * 60, given_["target_s"]
    )
    expected = example["computed"][f"n{servers}"]
    assert_as_printed(measures.p_wait, expected["P_wait"])
    assert_as_printed(measures.p_abandon, expected["P_abandon"])
    assert_as_printed(measures.service_level, expected["SL20"])


@given(st.integers(1, 200), st.floats(0.01, 250))
@settings(max_examples=200, deadline=None)
def test_the_gamma_form_agrees_with_the_recursion_at_whole_servers(servers, load):
    recursion = erlang_b(servers, load)
    gamma_form = erlang_b(servers + 1e-12, load)  # forces the incomplete-gamma path
    assert gamma_form == pytest.approx(recursion, rel=1e-6, abs=1e-300)


@given(st.floats(0.5, 60), st.floats(30, 600))
@settings(max_examples=60, deadline=None)
def test_more_call_takers_never_make_answering_slower(load, aht):
    start = math.floor(load) + 1
    levels = [erlang_c_measures(n, load, aht, 15).service_level for n in range(start, start + 8)]
    assert levels == sorted(levels)
    waits = [erlang_c(n + 0.5, load) for n in range(start, start + 8)]
    assert waits == sorted(waits, reverse=True)


@given(st.floats(1, 40), st.floats(60, 400))
@settings(max_examples=30, deadline=None)
def test_very_patient_callers_make_erlang_a_into_erlang_c(load, aht):
    servers = math.floor(load) + 2
    a = erlang_a_measures(servers, load, aht, 1e9, 20)
    c = erlang_c_measures(servers, load, aht, 20)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-5)
    assert a.p_abandon < 1e-5


def test_nena_staffing_meets_both_targets_and_one_fewer_does_not():
    load = offered_load(120, 1800, 150)
    agents = agents_required_c(load, 150)
    for target in NENA_TARGETS:
        assert erlang_c_measures(agents, load, 150, target.seconds).service_level >= target.share
    assert any(
        erlang_c_measures(agents - 1, load, 150, t.seconds).service_level < t.share
        for t in NENA_TARGETS
    )
    # Callers who hang up take load off the queue: never more staff than Erlang C says.
    assert agents_required_a(load, 150, patience_s=60) <= agents


def test_an_overloaded_centre_answers_nobody_in_time():
    measures = erlang_c_measures(5, 6.0, 180, 20)
    assert (measures.p_wait, measures.service_level, measures.asa_s) == (1.0, 0.0, math.inf)


def test_bad_inputs_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="period"):
        offered_load(10, 0, 180)
    with pytest.raises(ValueError, match="shrinkage"):
        with_shrinkage(10, 1.0)
    with pytest.raises(ValueError, match="positive"):
        erlang_a_measures(3, 2.0, 180, 0, 20)


@given(
    loads=st.lists(st.floats(0, 400, allow_nan=False), min_size=1, max_size=60),
    aht=st.sampled_from([30.0, 120.0, 240.0, 900.0]),
    targets=st.sampled_from([NENA_TARGETS, (Target(15, 0.9),), (Target(60, 0.99),)]),
    occupancy=st.sampled_from([1.0, 0.85, 0.6]),
)
@settings(max_examples=200, deadline=None)
def test_every_interval_at_once_gives_the_one_at_a_time_head_counts(loads, aht, targets, occupancy):
    from safercity.staffing.engine.erlang import agents_required_c_all

    one_by_one = [agents_required_c(load, aht, targets, occupancy) for load in loads]
    at_once = agents_required_c_all(np.array(loads), aht, targets, occupancy)
    assert at_once.tolist() == one_by_one


def test_a_load_beyond_the_window_is_still_answered_exactly(monkeypatch):
    from safercity.staffing.engine import erlang

    monkeypatch.setattr(erlang, "MAX_WINDOW", 2)  # so that most answers lie beyond it
    loads = np.array([0.5, 40.0, 300.0, 0.0])
    targets = (Target(20, 0.95),)
    at_once = erlang.agents_required_c_all(loads, 180, targets)
    assert at_once.tolist() == [agents_required_c(x, 180, targets) for x in loads]
    assert at_once[2] > 300 + 2 and at_once[3] == 0


@given(
    load=st.floats(0.05, 150, allow_nan=False),
    aht=st.sampled_from([60.0, 180.0, 300.0]),
    patience=st.sampled_from([20.0, 120.0, 600.0]),
    target=st.sampled_from([0.0, 15.0, 60.0]),
    extra=st.integers(-5, 12),
)
@settings(max_examples=150, deadline=None)
def test_erlang_a_closed_form_agrees_with_the_state_model(load, aht, patience, target, extra):
    """The incomplete-gamma service level equals the one from the Markov chain and the
    matrix exponential, which share no formula with it."""
    from safercity.staffing.engine.erlang import erlang_a_service_level

    servers = max(1, math.floor(load) + extra)
    chain = erlang_a_measures(servers, load, aht, patience, target).service_level
    closed = erlang_a_service_level(np.array([servers]), np.array([load]), aht, patience, target)
    assert closed[0] == pytest.approx(chain, abs=1e-9)


@given(
    loads=st.lists(st.floats(0, 120, allow_nan=False), min_size=1, max_size=25),
    aht=st.sampled_from([60.0, 180.0, 420.0]),
    patience=st.sampled_from([15.0, 90.0, 300.0, 1200.0]),
    targets=st.sampled_from([NENA_TARGETS, (Target(15, 0.9),), (Target(60, 0.99),)]),
)
@settings(max_examples=60, deadline=None)
def test_erlang_a_every_interval_at_once_gives_the_one_at_a_time_head_counts(
    loads, aht, patience, targets
):
    from safercity.staffing.engine.erlang import agents_required_a_all

    one_by_one = [agents_required_a(load, aht, patience, targets) for load in loads]
    at_once = agents_required_a_all(np.array(loads), aht, patience, targets)
    assert at_once.tolist() == one_by_one


@pytest.mark.parametrize("load", [5e-324, 1e-310, 1e-200, 1e-9, 1e-6])
def test_erlang_a_at_once_with_a_vanishing_load_still_agrees(load):
    from safercity.staffing.engine.erlang import agents_required_a_all

    for aht, patience in ((60.0, 15.0), (420.0, 90.0), (420.0, 300.0)):
        at_once = agents_required_a_all(np.array([load]), aht, patience)
        assert at_once.tolist() == [agents_required_a(load, aht, patience)]


def test_an_erlang_a_answer_beyond_the_window_is_still_exact(monkeypatch):
    from safercity.staffing.engine import erlang

    monkeypatch.setattr(erlang, "MAX_WINDOW", 1)  # a window of four head counts
    loads = np.array([0.0, 2.0, 90.0])
    at_once = erlang.agents_required_a_all(loads, 180, 200)
    assert at_once.tolist() == [agents_required_a(x, 180, 200) for x in loads]
    assert at_once[2] > 90 * 0.8 + 8
