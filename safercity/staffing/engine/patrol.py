"""Patrol staffing by workload (Wilson & Weiss 2012; ICMA-CPSM's rule of 60): pure Python,
no Django.

- `workload_cube`: from CAD incidents and their units' times, for each call type, district and
  hour of the week: calls for service, units per call and consumed time (over responding units,
  cleared minus dispatched, plus each call type's report-writing and booking minutes),
  community-initiated and officer-initiated apart; every unit time that cannot be used (missing,
  reversed, implausibly long) is reported with its reason, never dropped silently.
- `relief_factor`: hours a post must be covered in a year over the hours one officer is
  actually available (scheduled hours less leave, vacation, holidays, training and sick).
- `officers_needed`: the officers on duty each hour so that workload takes no more than the
  target share of their time (60%, or 55% to keep 45% proactive), and the queueing check: the
  chance that a priority-1 call waits for a unit (Erlang C over the same hour).
- `saturation`: the share of on-duty patrol time that workload consumed, hour by hour.

Times are minutes and hours of the week: 0 is Monday 00:00-01:00, 167 Sunday 23:00-24:00.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from safercity.staffing.engine.erlang import erlang_c

HOURS_OF_WEEK = 168
LONGEST_UNIT_MINUTES = 24 * 60  # a unit on one call longer than a day is a data defect
YEAR_DAYS = 365


def hour_of_week(moment: datetime) -> int:
    return moment.weekday() * 24 + moment.hour


@dataclass(frozen=True)
class UnitTime:
    """One unit on one incident: when it was dispatched and when it cleared (either may be
    missing in a CAD export)."""

    dispatched: datetime | None
    cleared: datetime | None


@dataclass(frozen=True)
class Incident:
    key: str
    call_type: str
    district: str
    created: datetime
    officer_initiated: bool
    units: Sequence[UnitTime]


@dataclass(frozen=True)
class Defect:
    incident: str
    unit: int  # the unit's place on the incident, from 0
    reason: str


@dataclass
class Cube:
    """Workload by (call type, district, initiated by officer?) and hour of the week."""

    calls: dict[tuple[str, str, bool], np.ndarray] = field(default_factory=dict)
    units: dict[tuple[str, str, bool], np.ndarray] = field(default_factory=dict)
    minutes: dict[tuple[str, str, bool], np.ndarray] = field(default_factory=dict)
    defects: list[Defect] = field(default_factory=list)
    weeks: float = 1.0  # how many weeks the incidents span (averages divide by it)

    def district_hours(self, district: str, *, officer_initiated: bool | None = None) -> np.ndarray:
        """Consumed hours per hour of the week in an average week, for one district."""
        total = np.zeros(HOURS_OF_WEEK)
        for (_, where, by_officer), minutes in self.minutes.items():
            if where == district and officer_initiated in (None, by_officer):
                total += minutes
        return total / 60 / self.weeks

    def district_calls(self, district: str) -> np.ndarray:
        total = np.zeros(HOURS_OF_WEEK)
        for (_, where, _), calls in self.calls.items():
            if where == district:
                total += calls
        return total / self.weeks

    @property
    def districts(self) -> list[str]:
        return sorted({district for _, district, _ in self.calls})


def workload_cube(
    incidents: Sequence[Incident], *, extra_minutes: Mapping[str, float] | None = None,
    weeks: float | None = None,
) -> Cube:  # fmt: skip
    """The workload of `incidents`. `extra_minutes` adds each call type's off-CAD time (report
    writing, booking) once per call; `weeks` is the span averaged over (default: from the
    first incident to the last, at least one)."""
    extra = extra_minutes or {}
    cube = Cube()
    if not incidents:
        return cube
    first = min(i.created for i in incidents)
    last = max(i.created for i in incidents)
    cube.weeks = weeks or max(1.0, (last - first).total_seconds() / (7 * 86400))
    # Plain lists while counting (a NumPy element update costs more than the arithmetic).
    counts: dict[tuple[str, str, bool], tuple[list[float], list[float], list[float]]] = {}
    defects = cube.defects
    for incident in incidents:
        key = (incident.call_type, incident.district, incident.officer_initiated)
        cell = counts.get(key)
        if cell is None:
            cell = counts[key] = ([0.0] * HOURS_OF_WEEK, [0.0] * HOURS_OF_WEEK,
                                  [0.0] * HOURS_OF_WEEK)  # fmt: skip
        created = incident.created
        hour = created.weekday() * 24 + created.hour
        cell[0][hour] += 1
        used = 0
        minutes = 0.0
        for n, unit in enumerate(incident.units):
            if unit.dispatched is None or unit.cleared is None:
                what = "dispatched" if unit.dispatched is None else "cleared"
                defects.append(Defect(incident.key, n, f"no {what} time"))
                continue
            spent = (unit.cleared - unit.dispatched).total_seconds() / 60
            if spent < 0:
                defects.append(Defect(incident.key, n, "cleared before it was dispatched"))
                continue
            if spent > LONGEST_UNIT_MINUTES:
                defects.append(Defect(incident.key, n, "on the call for more than a day"))
                continue
            used += 1
            minutes += spent
        cell[1][hour] += used
        cell[2][hour] += minutes + (extra.get(incident.call_type, 0.0) if used else 0.0)
    for key, (calls, units, spent_minutes) in counts.items():
        cube.calls[key] = np.array(calls)
        cube.units[key] = np.array(units)
        cube.minutes[key] = np.array(spent_minutes)
    return cube


@dataclass(frozen=True)
class Availability:
    """One officer's year, in hours: what the schedule gives and what takes it away. Some
    studies count `scheduled` as every day at the shift's length and the days off among the
    hours unavailable; others count only the days scheduled (e.g. 8 x 5 x 52 = 2,080)."""

    scheduled: float
    days_off: float = 0.0
    vacation: float = 0.0
    holidays: float = 0.0
    training: float = 0.0
    sick: float = 0.0
    other: float = 0.0

    @property
    def unavailable(self) -> float:
        return (
            self.days_off + self.vacation + self.holidays + self.training + self.sick + self.other
        )

    @property
    def net(self) -> float:
        return self.scheduled - self.unavailable


def relief_factor(post_hours_a_year: float, net_hours_per_officer: float) -> float:
    """Officers needed to keep one post covered: the hours the post needs in a year over
    the hours one officer is actually there."""
    if net_hours_per_officer <= 0:
        raise ValueError("an officer must be available some hours of the year")
    return post_hours_a_year / net_hours_per_officer


@dataclass(frozen=True)
class Need:
    """One district's need, hour by hour of an average week."""

    workload_hours: np.ndarray  # consumed hours in each hour of the week
    officers: np.ndarray  # on duty, whole officers, for workload within the target share
    p1_wait: np.ndarray  # chance a priority-1 call waits for a unit, with `officers` on duty
    calls: np.ndarray


def officers_needed(
    workload_hours: np.ndarray, calls: np.ndarray, *, target_share: float = 0.60,
    minimum: int = 1,
) -> Need:  # fmt: skip
    """Officers on duty each hour so that workload takes at most `target_share` of their
    time (whole officers, at least `minimum`); and, with that many on duty, the Erlang C chance
    that a call finds every unit busy (units busy on calls are the servers; the offered load
    is the hour's consumed hours)."""
    if not 0 < target_share <= 1:
        raise ValueError("the target share of time on workload is above 0 and at most 1")
    officers = np.maximum(np.ceil(workload_hours / target_share - 1e-9), minimum).astype(int)
    waits = np.array([
        erlang_c(float(n), float(load)) if load < n else 1.0
        for n, load in zip(officers, workload_hours, strict=True)
    ])  # fmt: skip
    return Need(workload_hours, officers, waits, calls)


def saturation(workload_hours: np.ndarray, on_duty: np.ndarray) -> np.ndarray:
    """Share of on-duty patrol time consumed by workload in each hour (NaN where nobody was on
    duty but work came in; 0 where neither)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(on_duty > 0, workload_hours / np.maximum(on_duty, 1e-12), np.nan)
    return np.where((on_duty <= 0) & (workload_hours <= 0), 0.0, share)


def patrol_fte(officers_by_hour: np.ndarray, net_hours_per_officer: float) -> float:
    """Patrol officers to employ: the officer-hours a year the hours of the week need, over
    one officer's net available hours (the posts times the relief factor)."""
    officer_hours_a_year = float(np.sum(officers_by_hour)) * YEAR_DAYS / 7
    return officer_hours_a_year / net_hours_per_officer


def covered_share(needed: np.ndarray, on_duty: np.ndarray) -> float:
    """The commitment's measure: the share of patrol hours in which those on duty met the
    model's need."""
    if len(needed) == 0:
        return math.nan
    return float(np.mean(on_duty >= needed))
