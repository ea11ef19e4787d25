"""From call history to a verified weekly plan: forecast, requirements, shifts, simulation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt

from safercity.staffing.engine.erlang import NENA_TARGETS, Target
from safercity.staffing.engine.forecast import (
    SLOTS_PER_WEEK,
    Accuracy,
    Forecast,
    History,
    evaluate,
    fit,
)
from safercity.staffing.engine.schedule import SLOT_S, Plan, requirements, schedule
from safercity.staffing.engine.simulate import CallbackPolicy, CallStream, Staffing, simulate

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Verification:
    weeks: int
    calls: int
    service_level: dict[float, float]  # seconds -> share answered within them, all weeks
    abandonment: float
    callbacks_in_time: float
    slot_service_level: dict[float, FloatArray]  # seconds -> per-slot share (336 values)
    occupancy: float

    def meets(self, targets: tuple[Target, ...] = NENA_TARGETS) -> bool:
        return all(self.service_level[t.seconds] >= t.share for t in targets)

    def slots_meeting(self, target: Target) -> float:
        return float((self.slot_service_level[target.seconds] >= target.share).mean())


@dataclass(frozen=True)
class StaffingPlan:
    week_start: date
    forecast: Forecast
    accuracy: Accuracy | None
    expected_calls: FloatArray  # per slot of the planned week
    aht_s: float
    patience_s: float
    plan: Plan
    verification: Verification


def next_monday(after: date) -> date:
    return after + timedelta(days=7 - after.weekday())


def verify(
    plan: Plan,
    expected_calls: FloatArray,
    *,
    aht_s: float,
    patience_s: float,
    weeks: int = 8,
    seed: int = 1,
    callbacks: CallbackPolicy | None = None,
    targets: tuple[Target, ...] = NENA_TARGETS,
) -> Verification:
    """Play `weeks` of random calls at the forecast rates against the plan's staffing."""
    rng = np.random.default_rng(seed)
    rates = np.tile(expected_calls, weeks)
    counts = rng.poisson(rates)
    starts = np.arange(rates.size) * float(SLOT_S)
    arrival = np.sort(np.repeat(starts, counts) + rng.uniform(0, SLOT_S, counts.sum()))
    size = arrival.size
    calls = CallStream(
        arrival=arrival,
        handle=rng.exponential(aht_s, size),
        patience=rng.exponential(patience_s, size),
        callback_handle=rng.exponential(aht_s, size),
    )
    policy = callbacks or CallbackPolicy(delay_s=0, deadline_s=600)
    staffing = Staffing(float(SLOT_S), np.tile(plan.on_phones, weeks))
    result = simulate(calls, staffing, policy)
    slot_of_call = (arrival // SLOT_S).astype(np.int64) % SLOTS_PER_WEEK
    per_slot: dict[float, FloatArray] = {}
    overall: dict[float, float] = {}
    seconds = sorted({t.seconds for t in targets} | {15.0, 20.0})
    for limit in seconds:
        within = result.answered & (result.wait <= limit)
        offered = np.bincount(slot_of_call, minlength=SLOTS_PER_WEEK)
        hit = np.bincount(slot_of_call, weights=within, minlength=SLOTS_PER_WEEK)
        per_slot[limit] = np.divide(hit, offered, out=np.ones(SLOTS_PER_WEEK), where=offered > 0)
        overall[limit] = result.service_level(limit)
    return Verification(
        weeks=weeks,
        calls=size,
        service_level=overall,
        abandonment=result.abandonment,
        callbacks_in_time=result.callbacks_within_deadline(policy.deadline_s),
        slot_service_level=per_slot,
        occupancy=result.busy_s / result.staffed_s if result.staffed_s else 0.0,
    )


def make_plan(
    history: History,
    *,
    aht_s: float,
    patience_s: float,
    shrinkage: float = 0.3,
    week_start: date | None = None,
    holdout_days: int = 28,
    shift_hours: tuple[float, ...] = (8, 10, 12),
    verify_weeks: int = 8,
    seed: int = 1,
    progress: Progress | None = None,
) -> StaffingPlan:
    say = progress or (lambda _: None)
    accuracy = None
    if history.days > holdout_days + 28:
        say("forecast: checking accuracy on the last four weeks")
        train, holdout = history.split(holdout_days)
        accuracy = evaluate(fit(train), holdout)
    say("forecast: fitting on all history")
    forecast = fit(history)
    monday = week_start or next_monday(history.day(history.days - 1))
    if monday.weekday() != 0:
        raise ValueError("a plan starts on a Monday")
    expected = forecast.week(monday)
    say("requirements: Erlang A per 30-minute slot")
    needed = requirements(expected, aht_s, patience_s=patience_s)
    say("shifts: integer programme (HiGHS)")
    plan = schedule(needed, shrinkage=shrinkage, shift_hours=shift_hours)
    say(f"verification: simulating {verify_weeks} weeks")
    verification = verify(
        plan, expected, aht_s=aht_s, patience_s=patience_s, weeks=verify_weeks, seed=seed
    )
    return StaffingPlan(
        week_start=monday,
        forecast=forecast,
        accuracy=accuracy,
        expected_calls=expected,
        aht_s=aht_s,
        patience_s=patience_s,
        plan=plan,
        verification=verification,
    )
