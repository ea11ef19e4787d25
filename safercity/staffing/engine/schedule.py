"""Shift scheduling: which shifts (start and length) and how many call-takers on each, so that
every 30-minute slot of the week has enough people on the phones, at the fewest staff-hours.

An integer programme solved by HiGHS (scipy.optimize.milp). The week wraps around: a shift
starting Sunday evening covers Monday's first hours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from safercity.staffing.engine.erlang import (
    NENA_TARGETS,
    Target,
    agents_required_a_all,
    agents_required_c_all,
)
from safercity.staffing.engine.forecast import SLOT_MINUTES, SLOTS_PER_WEEK

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
SLOT_S = SLOT_MINUTES * 60
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def requirements(
    calls_per_slot: FloatArray,
    aht_s: float,
    *,
    patience_s: float | None = None,
    targets: tuple[Target, ...] = NENA_TARGETS,
) -> IntArray:
    """Call-takers needed on the phones in each slot to meet every target (Erlang A when
    callers' patience is known, else the more cautious Erlang C), every slot at once."""
    rounded = np.round(np.asarray(calls_per_slot, dtype=np.float64), 3)
    if aht_s <= 0 or (rounded < 0).any():
        raise ValueError("calls and handle time must be non-negative and the period positive")
    loads = rounded * aht_s / SLOT_S
    if not patience_s:
        return agents_required_c_all(loads, aht_s, targets)
    return agents_required_a_all(loads, aht_s, patience_s, targets)


@dataclass(frozen=True)
class Shift:
    start_slot: int  # 0 = Monday 00:00
    length_slots: int
    heads: int

    @property
    def hours(self) -> float:
        return self.length_slots * SLOT_MINUTES / 60

    def label(self) -> str:
        day, slot = divmod(self.start_slot, 48)
        minutes = slot * SLOT_MINUTES
        return f"{DAYS[day]} {minutes // 60:02d}:{minutes % 60:02d}, {self.hours:g} h"


@dataclass(frozen=True)
class Plan:
    shifts: list[Shift]
    on_phones_needed: IntArray  # per slot, before shrinkage
    scheduled_needed: IntArray  # per slot, after shrinkage
    coverage: IntArray  # heads scheduled per slot
    shrinkage: float
    optimal: bool
    gap: float  # relative gap the solver proved

    @property
    def staff_hours(self) -> float:
        return sum(s.heads * s.hours for s in self.shifts)

    @property
    def lower_bound_hours(self) -> float:
        """Sum of the per-slot minima: no schedule can use fewer hours."""
        return float(self.scheduled_needed.sum() * SLOT_MINUTES / 60)

    @property
    def on_phones(self) -> IntArray:
        """Call-takers expected on the phones once shrinkage takes its share."""
        on: IntArray = np.floor(self.coverage * (1 - self.shrinkage) + 1e-9).astype(np.int64)
        return on


def _coverage_matrix(starts: list[int], lengths: list[int]) -> lil_matrix:
    matrix = lil_matrix((SLOTS_PER_WEEK, len(starts)), dtype=np.float64)
    for column, (start, length) in enumerate(zip(starts, lengths, strict=True)):
        for offset in range(length):
            matrix[(start + offset) % SLOTS_PER_WEEK, column] = 1.0
    return matrix


def schedule(
    on_phones_needed: IntArray,
    *,
    shrinkage: float = 0.3,
    shift_hours: tuple[float, ...] = (8, 10, 12),
    start_every_slots: int = 1,
    time_limit_s: float = 60.0,
) -> Plan:
    """Fewest staff-hours covering `on_phones_needed` / (1 - shrinkage) in every slot."""
    if len(on_phones_needed) != SLOTS_PER_WEEK:
        raise ValueError(f"need one requirement for each of the {SLOTS_PER_WEEK} slots")
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage must be at least 0 and below 1")
    scheduled_needed = np.ceil(np.asarray(on_phones_needed) / (1 - shrinkage) - 1e-9).astype(
        np.int64
    )
    lengths_slots = [round(h * 60 / SLOT_MINUTES) for h in shift_hours]
    starts, lengths = [], []
    for start in range(0, SLOTS_PER_WEEK, start_every_slots):
        for length in lengths_slots:
            starts.append(start)
            lengths.append(length)
    cover = _coverage_matrix(starts, lengths).tocsr()
    cost = np.array(lengths, dtype=np.float64) * SLOT_MINUTES / 60
    result = milp(
        c=cost,
        constraints=LinearConstraint(cover, lb=scheduled_needed, ub=np.inf),
        integrality=np.ones(len(cost)),
        bounds=Bounds(0, np.inf),
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-4},
    )
    if result.x is None:
        raise RuntimeError(f"the scheduler found no plan: {result.message}")
    heads = np.round(result.x).astype(np.int64)
    shifts = [Shift(starts[i], lengths[i], int(heads[i])) for i in np.flatnonzero(heads)]
    coverage = np.asarray(cover @ heads, dtype=np.int64)
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return Plan(
        shifts=sorted(shifts, key=lambda s: (s.start_slot, s.length_slots)),
        on_phones_needed=np.asarray(on_phones_needed, dtype=np.int64),
        scheduled_needed=scheduled_needed,
        coverage=coverage,
        shrinkage=shrinkage,
        optimal=result.status == 0,
        gap=gap if math.isfinite(gap) else 0.0,
    )
