"""From an uploaded or named call-history file to a plan: shared by the command and the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings

from safercity.staffing.calls_csv import CallHistory, read_call_history
from safercity.staffing.engine.forecast import count_calls
from safercity.staffing.engine.planner import Progress, StaffingPlan, make_plan

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
        raise ValueError(
            "the average handle time must be more than zero: the file has no answered call "
            "with a handle time"
        )
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


# Sample histories other apps offer on the plan page (the demo city registers its own), so the
# planner can be tried before a center has its own call records.
SampleHistory = Callable[[float], PlanOutcome]
SAMPLE_HISTORIES: dict[str, tuple[str, SampleHistory]] = {}


def register_sample_history(key: str, label: str, plan: SampleHistory) -> None:
    SAMPLE_HISTORIES[key] = (label, plan)
