"""Replaying the real call-centre day (Technion "Anonymous Bank", ../shared/data/callcenter)."""

import numpy as np
import pytest

from safercity.staffing.anonbank import read_anonbank
from safercity.staffing.engine.replay import (
    ObservedCall,
    agents_per_interval,
    busy_agents_per_interval,
    class_ranks,
    observed_outcomes,
    patience_rate,
    replay_inputs,
    simulated_outcomes,
)
from safercity.staffing.engine.simulate import simulate
from tests.conftest import shared_data

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def day():
    return read_anonbank(shared_data("callcenter", "anonbank_calls_one_day.csv").read_bytes())


def test_the_trace_reader_keeps_queued_calls_and_explains_the_rest(day):
    calls, rejected = day
    assert len(calls) == 1243 + 268 + 726  # answered after queueing, answered at once, hung up
    assert sum(c.abandoned for c in calls) == 726
    reasons = {r.reason for r in rejected}
    assert len(rejected) == 18 + 120
    assert any("PHANTOM" in reason for reason in reasons)
    assert any("voice menu" in reason for reason in reasons)


def test_the_replay_brackets_what_happened_that_day(day):
    calls, _ = day
    observed = observed_outcomes(calls)
    outcomes = {}
    for rule in ("busy agents, rounded up", "busy agents, rounded", "busy agents, rounded down"):
        outcomes[rule] = [
            simulated_outcomes(
                simulate(*replay_inputs(calls, staffing_rule=rule, seed=seed, classes=False))
            )
            for seed in (1, 2, 3)
        ]
    more = np.mean([o.abandonment for o in outcomes["busy agents, rounded up"]])
    central = np.mean([o.abandonment for o in outcomes["busy agents, rounded"]])
    less = np.mean([o.abandonment for o in outcomes["busy agents, rounded down"]])
    # More capacity, fewer hang-ups; and the real day lies between the two bounds.
    assert more < central < less
    assert more < observed.abandonment < less
    assert abs(central - observed.abandonment) < 0.05
    waits = [np.mean([o.mean_wait_answered_s for o in outcomes[r]]) for r in outcomes]
    assert waits[0] < observed.mean_wait_answered_s < waits[2]


def test_priority_classes_answer_the_class_the_day_favoured_first(day):
    calls, _ = day
    ranks = class_ranks(calls)
    assert ranks[0] == 0, "the trace's class 0 was answered at once most often that day"
    observed = observed_outcomes(calls)
    errors = {}
    for classes in (False, True):
        runs = []
        for seed in (1, 2, 3, 4, 5):
            stream, staffing = replay_inputs(calls, seed=seed, classes=classes)
            result = simulate(stream, staffing)
            runs.append(simulated_outcomes(result))
            if classes:
                at_once = (result.wait == 0) & result.answered
                first = at_once[stream.priority == 0].mean()
                assert first > 3 * at_once[stream.priority > 0].mean()
        within = np.mean([r.answered_within[20] for r in runs])
        errors[classes] = abs(within - observed.answered_within[20])
    # On this day the classes bring answered-within-20 s closer to what happened.
    assert errors[True] < 0.03 < errors[False]


def test_the_replay_uses_the_days_own_arrivals_and_hang_ups(day):
    calls, _ = day
    stream, staffing = replay_inputs(calls, seed=4)
    assert len(stream) == len(calls)
    assert np.all(np.diff(stream.arrival) >= 0)
    ordered = sorted(calls, key=lambda c: c.arrival_s)
    abandoned = np.array([c.abandoned for c in ordered])
    waits = np.array([c.wait_s for c in ordered])
    # Callers who hung up keep their observed patience; answered callers were more patient.
    assert np.array_equal(stream.patience[abandoned], waits[abandoned])
    assert (stream.patience[~abandoned] >= waits[~abandoned]).all()
    assert 1 / patience_rate(calls) == pytest.approx(360.4, abs=0.1)
    distinct = agents_per_interval(calls, 1800)
    busy = busy_agents_per_interval(calls, 1800)
    assert (busy <= distinct + 1e-9).all(), "agents cannot be busier than there are agents"
    assert staffing.agents.max() <= distinct.max()


def test_a_day_without_answered_calls_cannot_be_replayed():
    with pytest.raises(ValueError, match="no answered calls"):
        replay_inputs([ObservedCall(10.0, 5.0, True)])


def test_the_replay_command_prints_observed_and_simulated_side_by_side(capsys):
    from django.core.management import call_command

    trace = shared_data("callcenter", "anonbank_calls_one_day.csv")
    call_command("staffing", "replay", str(trace), "--seeds", "1")
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[1].startswith("observed") and "32.5%" in lines[1]
    assert len(lines) == 2 + 4 * 2, "each rule with the priority classes and as one queue"
    assert any(line.startswith("simulated, busy agents, rounded, classes ") for line in lines)
    assert any(line.startswith("simulated, busy agents, rounded, one queue ") for line in lines)
    assert err.count("not replayed") == 138


def test_a_compressed_multi_day_trace_is_replayed_one_day_at_a_time(tmp_path, capsys):
    """Two days are two replays, each on its own clock, and the error is averaged per day."""
    import gzip

    from django.core.management import call_command

    text = shared_data("callcenter", "anonbank_calls_one_day.csv").read_text()
    header, *rows = text.splitlines()
    second = [row.replace("2010-08-01", "2010-08-02") for row in rows]
    trace = tmp_path / "two-days.csv.gz"
    trace.write_bytes(gzip.compress("\n".join([header, *rows, *second]).encode()))
    call_command("staffing", "replay", str(trace), "--seeds", "1")
    out = capsys.readouterr().out
    assert "2010-08-01: " in out and "2010-08-02: " in out
    assert out.count("observed") == 2 and out.count("32.5%") >= 2, "each day as it happened"
    assert "mean absolute error per day over 2 days:" in out
    call_command("staffing", "replay", str(trace), "--seeds", "1", "--day", "2010-08-02")
    one = capsys.readouterr().out
    assert one.count("observed") == 1 and "mean absolute error" not in one


def test_a_broken_or_unknown_trace_is_refused_plainly(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    broken = tmp_path / "cut.csv.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(CommandError, match="a broken gzip file"):
        call_command("staffing", "replay", str(broken))
    trace = shared_data("callcenter", "anonbank_calls_one_day.csv")
    with pytest.raises(CommandError, match="no calls on 2011-01-01"):
        call_command("staffing", "replay", str(trace), "--day", "2011-01-01")
