"""From an uploaded or named call-history file to a plan: shared by the command and the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from safercity.staffing.calls_csv import CallHistory, read_call_history
from safercity.staffing.engine.forecast import count_calls
from safercity.staffing.engine.planner import Progress, StaffingPlan, make_plan, next_monday

DEFAULT_PATIENCE_S = 90.0
MIN_DAYS = 14


@dataclass(frozen=True)
class PlanOutcome:
    plan: StaffingPlan
    history: CallHistory
    patience_note: str


def plan_from_csv(
    data: str | bytes,
    *,
    aht_s: float | None = None,
    patience_s: float | None = None,
    shrinkage: float = 0.3,
    week_start: date | None = None,
    progress: Progress | None = None,
) -> PlanOutcome:
    """Raises ValueError with a reason a supervisor can act on when the file cannot be used."""
    zone = ZoneInfo(settings.TIME_ZONE)
    history = read_call_history(data, zone)
    if not history.arrivals:
        raise ValueError("the file has no usable calls")
    counted = count_calls(history.arrivals)
    if counted.days < MIN_DAYS:
        raise ValueError(f"the file covers {counted.days} days; a plan needs at least {MIN_DAYS}")
    handle = aht_s or history.mean_handle_s
    if handle <= 0:
        raise ValueError("the average handle time must be more than zero")
    if patience_s:
        patience, note = patience_s, "as given"
    elif (estimated := history.patience_s()) is not None:
        patience, note = estimated, "estimated from the file's waits and hang-ups"
    else:
        patience, note = DEFAULT_PATIENCE_S, "an assumption: the file has no waits or hang-ups"
    plan = make_plan(
        counted,
        aht_s=handle,
        patience_s=patience,
        shrinkage=shrinkage,
        week_start=week_start,
        progress=progress,
    )
    return PlanOutcome(plan, history, note)


def plan_from_demo(*, weeks: int = 104, seed: int = 2026, shrinkage: float = 0.3) -> PlanOutcome:
    """A plan from the demo city's synthetic 911 history (two years, ending last Sunday)."""
    import numpy as np
    from django.utils import timezone

    from safercity.demo.engine import expected_911_per_slot, load_calibration
    from safercity.staffing.engine.forecast import History

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
