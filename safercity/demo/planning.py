"""The demo city's synthetic 911 history, offered on the staffing plan page."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.utils import timezone

from safercity.demo.engine import expected_911_per_slot, load_calibration
from safercity.staffing.calls_csv import CallHistory
from safercity.staffing.engine.forecast import History
from safercity.staffing.engine.planner import make_plan, next_monday
from safercity.staffing.planning import PlanOutcome


def plan_from_demo(shrinkage: float = 0.3, *, weeks: int = 104, seed: int = 2026) -> PlanOutcome:
    """A plan from the demo city's synthetic 911 history (two years, ending last Sunday)."""

    calibration = load_calibration()
    today = timezone.localdate()
    first = today - timedelta(days=today.weekday() + 7 * weeks)
    expected = expected_911_per_slot(first, 7 * weeks, calibration["calls_911_per_year"])
    counts = np.random.default_rng(seed).poisson(expected).astype(float)
    plan = make_plan(
        History(first, counts),
        aht_s=calibration["aht_911_s"],
        patience_s=calibration["patience_911_s"],
        shrinkage=shrinkage,
        week_start=next_monday(today),  # the coming week, never one already under way
    )
    return PlanOutcome(plan, CallHistory(), "the demo calibration's assumption")
