"""Replay a real day of calls through the simulator and compare with what happened.

Arrivals and handle times are the observed ones. Patience is known for callers who hung up
(their wait); for callers who were answered only that it was longer than their wait, so the
replay gives them their wait plus an exponential remainder (patience has no memory in the
model), with the rate estimated as hang-ups / total time spent waiting. Staffing is the
capacity the day had in each interval: by default the number of agents on calls on average
(rounded), with the rounded-up and rounded-down figures and the number of different agents
seen as bounds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from safercity.staffing.engine.simulate import CallStream, SimResult, Staffing, simulate


@dataclass(frozen=True)
class ObservedCall:
    arrival_s: float  # when the caller reached the queue
    wait_s: float  # until answered, or until hanging up
    abandoned: bool
    handle_s: float = math.nan  # for answered calls
    agent: str = ""
    day: str = ""  # the trace's date: a multi-day trace is replayed one day at a time
    priority: int = 0  # the caller's class in the queue, as the trace labels it


@dataclass(frozen=True)
class Outcomes:
    calls: int
    abandonment: float
    mean_wait_answered_s: float
    answered_within: dict[float, float]  # seconds -> share of all offered calls


def observed_outcomes(
    calls: Sequence[ObservedCall], limits: Sequence[float] = (20, 60)
) -> Outcomes:
    answered = [c for c in calls if not c.abandoned]
    return Outcomes(
        calls=len(calls),
        abandonment=1 - len(answered) / len(calls),
        mean_wait_answered_s=float(np.mean([c.wait_s for c in answered])) if answered else 0.0,
        answered_within={
            limit: sum(c.wait_s <= limit for c in answered) / len(calls) for limit in limits
        },
    )


def simulated_outcomes(result: SimResult, limits: Sequence[float] = (20, 60)) -> Outcomes:
    return Outcomes(
        calls=len(result.answered),
        abandonment=result.abandonment,
        mean_wait_answered_s=result.mean_answer_wait,
        answered_within={limit: result.service_level(limit) for limit in limits},
    )


def average_outcomes(runs: Sequence[Outcomes]) -> Outcomes:
    limits = runs[0].answered_within
    return Outcomes(
        calls=runs[0].calls,
        abandonment=float(np.mean([r.abandonment for r in runs])),
        mean_wait_answered_s=float(np.mean([r.mean_wait_answered_s for r in runs])),
        answered_within={k: float(np.mean([r.answered_within[k] for r in runs])) for k in limits},
    )


def patience_rate(calls: Sequence[ObservedCall]) -> float:
    waited = sum(c.wait_s for c in calls)
    hung_up = sum(c.abandoned for c in calls)
    if waited <= 0 or hung_up == 0:
        return 0.0
    return hung_up / waited


def agents_per_interval(calls: Sequence[ObservedCall], interval_s: float) -> np.ndarray:
    """Different agents handling calls in each interval (a service spanning two counts twice)."""
    horizon = max(c.arrival_s + c.wait_s + (0 if c.abandoned else c.handle_s) for c in calls)
    slots: list[set[str]] = [set() for _ in range(int(horizon // interval_s) + 1)]
    for call in calls:
        if call.abandoned or not call.agent:
            continue
        start = call.arrival_s + call.wait_s
        for slot in range(int(start // interval_s), int((start + call.handle_s) // interval_s) + 1):
            slots[slot].add(call.agent)
    return np.array([len(s) for s in slots], dtype=np.int64)


def busy_agents_per_interval(calls: Sequence[ObservedCall], interval_s: float) -> np.ndarray:
    """Agents on calls on average in each interval. While a queue lasts, every agent at work
    is on a call, so this is the capacity the day really had then (less any after-call work
    the trace does not record); when the queue empties it understates it."""
    horizon = max(c.arrival_s + c.wait_s + (0 if c.abandoned else c.handle_s) for c in calls)
    busy = np.zeros(int(horizon // interval_s) + 1)
    for call in calls:
        if call.abandoned:
            continue
        start = call.arrival_s + call.wait_s
        end = start + call.handle_s
        slot = int(start // interval_s)
        while start < end:
            boundary = (slot + 1) * interval_s
            busy[slot] += min(end, boundary) - start
            start, slot = boundary, slot + 1
    return busy / interval_s


StaffingRule = Callable[[Sequence[ObservedCall], float], np.ndarray]


def _rounded(round_: Callable[[np.ndarray], np.ndarray]) -> StaffingRule:
    def rule(calls: Sequence[ObservedCall], interval_s: float) -> np.ndarray:
        return round_(busy_agents_per_interval(calls, interval_s))

    return rule


STAFFING_RULES: dict[str, StaffingRule] = {
    "distinct agents": agents_per_interval,
    "busy agents, rounded": _rounded(np.round),
    "busy agents, rounded up": _rounded(np.ceil),
    "busy agents, rounded down": _rounded(np.floor),
}


def replay_inputs(
    calls: Sequence[ObservedCall],
    *,
    interval_s: float = 1800,
    seed: int = 1,
    staffing_rule: str = "busy agents, rounded",
    classes: bool = True,
) -> tuple[CallStream, Staffing]:
    """The day's calls and capacity for the simulator; with `classes`, each caller keeps the
    priority class the trace gives them (a non-preemptive priority queue), else one queue.
    A trace labels classes without saying which the centre answered first: they are ranked
    by the share of their callers the day answered at once (see `class_ranks`)."""
    rng = np.random.default_rng(seed)
    ordered = sorted(calls, key=lambda c: c.arrival_s)
    theta = patience_rate(ordered)
    mean_patience = 1 / theta if theta > 0 else math.inf
    served_handles = np.array([c.handle_s for c in ordered if not c.abandoned])
    if served_handles.size == 0:
        raise ValueError("the day has no answered calls to learn handle times from")
    handle, patience = [], []
    for call in ordered:
        if call.abandoned:
            handle.append(float(rng.choice(served_handles)))
            patience.append(call.wait_s)
        else:
            handle.append(call.handle_s)
            extra = rng.exponential(mean_patience) if math.isfinite(mean_patience) else math.inf
            patience.append(call.wait_s + extra)
    stream = CallStream(
        arrival=np.array([c.arrival_s for c in ordered]),
        handle=np.array(handle),
        patience=np.array(patience),
        callback_handle=rng.choice(served_handles, len(ordered)),
        priority=_ranked(ordered) if classes else None,
    )
    if staffing_rule not in STAFFING_RULES:
        raise ValueError(f"staffing_rule must be one of {sorted(STAFFING_RULES)}")
    agents = STAFFING_RULES[staffing_rule](ordered, interval_s).astype(np.int64)
    return stream, Staffing(interval_s, agents)


def class_ranks(calls: Sequence[ObservedCall]) -> dict[int, int]:
    """Each class label's place in the queue (0 first): the class whose callers the day
    answered at once most often first (in Anonymous Bank's trace about 64% of one class, 1-2%
    of the others, over a month), ties by label."""
    at_once: dict[int, list[int]] = {}
    for call in calls:
        counts = at_once.setdefault(call.priority, [0, 0])
        counts[0] += (not call.abandoned) and call.wait_s == 0
        counts[1] += 1
    order = sorted(at_once, key=lambda label: (-at_once[label][0] / at_once[label][1], label))
    return {label: place for place, label in enumerate(order)}


def _ranked(calls: Sequence[ObservedCall]) -> np.ndarray:
    ranks = class_ranks(calls)
    return np.array([ranks[c.priority] for c in calls], dtype=np.int64)


def by_day(calls: Sequence[ObservedCall]) -> dict[str, list[ObservedCall]]:
    """A trace's calls per day, in date order (arrival times are seconds into that day)."""
    days: dict[str, list[ObservedCall]] = {}
    for call in calls:
        days.setdefault(call.day, []).append(call)
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class DayReplay:
    day: str
    observed: Outcomes
    simulated: dict[str, Outcomes]  # "rule" or "rule, classes" / "rule, one queue"


def replay_days(days: dict[str, list[ObservedCall]], seeds: int = 3) -> list[DayReplay]:
    """Each day replayed on its own under every staffing rule, `seeds` runs averaged. Where
    the trace has priority classes, each rule runs with them and as one queue."""
    replays = []
    for day, calls in days.items():
        classed = len({c.priority for c in calls}) > 1
        modes = [(", classes", True), (", one queue", False)] if classed else [("", False)]
        simulated = {}
        for rule in STAFFING_RULES:
            for label, classes in modes:
                runs = [
                    simulated_outcomes(
                        simulate(*replay_inputs(calls, staffing_rule=rule, seed=seed,
                                                classes=classes))
                    )
                    for seed in range(1, seeds + 1)
                ]  # fmt: skip
                simulated[f"{rule}{label}"] = average_outcomes(runs)
        replays.append(DayReplay(day, observed_outcomes(calls), simulated))
    return replays


def mean_errors(replays: Sequence[DayReplay], limit: float = 20) -> dict[str, tuple[float, float]]:
    """For each rule: the mean absolute error per day of abandonment and of the share
    answered within `limit` seconds, as fractions."""
    found: dict[str, list[tuple[float, float]]] = {}
    for replay in replays:
        for label, simulated in replay.simulated.items():
            found.setdefault(label, []).append(
                (
                    abs(simulated.abandonment - replay.observed.abandonment),
                    abs(simulated.answered_within[limit] - replay.observed.answered_within[limit]),
                )
            )
    return {
        label: (sum(e[0] for e in errors) / len(errors), sum(e[1] for e in errors) / len(errors))
        for label, errors in found.items()
    }
