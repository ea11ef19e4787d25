"""What the patrol pages show: each district's need against who was on duty, and the
reorganization scenarios beside today (issue 18). Reads the latest workload built from the
CAD, the rosters of its period and the department's units; writes scenarios and units."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.months import month_after
from safercity.core.permissions import requires
from safercity.staffing.engine import patrol as engine
from safercity.staffing.engine import reorg
from safercity.staffing.engine.erlang import erlang_c
from safercity.staffing.models import CallTypeTime, DepartmentUnit, PatrolModel, Scenario, Workload
from safercity.staffing.patrol import (
    PATROL_ROLES,
    HourSlots,
    availability,
    cube_from,
    latest_workload,
    model_settings,
    on_duty_slots,
    on_duty_week,
)

HOURS = engine.HOURS_OF_WEEK
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class DistrictPlan:
    district: str
    calls_week: float
    workload_week: float  # consumed hours in an average week
    officer_share: float  # of the workload, the share officers started
    need: engine.Need
    on_duty: np.ndarray | None  # by hour of the week, from rosters (None: no roster)
    fte_needed: float

    @property
    def saturation_by_hour(self) -> np.ndarray | None:
        return None if self.on_duty is None else engine.saturation(self.need.workload_hours,
                                                                   self.on_duty)  # fmt: skip

    @property
    def saturation(self) -> float | None:
        if self.on_duty is None or self.on_duty.sum() <= 0:
            return None
        return float(self.need.workload_hours.sum() / self.on_duty.sum())

    @property
    def covered(self) -> float | None:
        if self.on_duty is None:
            return None
        return engine.covered_share(self.need.officers, self.on_duty + 1e-9)

    @property
    def p1_wait(self) -> float:
        """The chance a priority-1 call finds every unit busy (Erlang C), with those rostered
        on duty where there is a roster, else with the model's need; hours weighed by their
        workload."""
        load = self.need.workload_hours
        weights = load if load.sum() > 0 else np.ones(HOURS)
        waits = self.need.p1_wait
        if self.on_duty is not None:
            waits = np.array([erlang_c(float(n), float(a)) if a < n else 1.0
                              for n, a in zip(self.on_duty, load, strict=True)])  # fmt: skip
        return float(np.average(waits, weights=weights))


@dataclass(frozen=True)
class CallTypeRow:
    call_type: str
    calls_week: float
    units_per_call: float
    minutes_per_call: float
    hours_week: float
    officer_share: float
    civilian_suitable: bool
    extra_minutes: float


@dataclass(frozen=True)
class Picture:
    workload: Workload
    settings: PatrolModel
    net_hours: float
    relief: float  # officers per 24/7 post
    districts: list[DistrictPlan]
    call_types: list[CallTypeRow]
    hours: dict[str, dict[str, np.ndarray]]  # district -> call type -> hours by hour of week

    @property
    def shifts(self) -> list[tuple[str, list[int]]]:
        """The model's shifts: a label ("07:00-15:00") and the hours of the day in each."""
        starts = sorted({int(h) % 24 for h in self.settings.shift_starts.split(",") if h.strip()})
        starts = starts or [0]
        shifts = []
        for n, first in enumerate(starts):
            last = starts[(n + 1) % len(starts)]
            length = (last - first) % 24 or 24
            shifts.append((f"{first:02d}:00-{last:02d}:00",
                           [(first + h) % 24 for h in range(length)]))  # fmt: skip
        return shifts

    def fte_by_shift(self, plan: DistrictPlan) -> list[tuple[str, float]]:
        """Patrol FTE the model needs in each shift of `plan`'s district."""
        hour_of_day = np.arange(HOURS) % 24
        return [
            (label, engine.patrol_fte(plan.need.officers[np.isin(hour_of_day, hours)],
                                      self.net_hours))
            for label, hours in self.shifts
        ]  # fmt: skip

    def shift_rows(self) -> list[tuple[DistrictPlan, list[tuple[str, float]]]]:
        return [(d, self.fte_by_shift(d)) for d in self.districts]

    @property
    def rostered(self) -> bool:
        return any(d.on_duty is not None for d in self.districts)

    def district(self, name: str) -> DistrictPlan | None:
        return next((d for d in self.districts if d.district == name), None)


def picture(workload: Workload | None = None) -> Picture | None:
    """Each district's workload, need and on-duty officers, from `workload` (default: the
    latest built); None when no workload has been built."""
    workload = workload or latest_workload()
    if workload is None:
        return None
    settings = model_settings()
    net = availability(settings).net
    cube = cube_from(workload)
    rostered = on_duty_week(workload.start, workload.end)
    hours: dict[str, dict[str, np.ndarray]] = {}
    for (call_type, district, _), minutes in cube.minutes.items():
        cell = hours.setdefault(district, {})
        cell[call_type] = cell.get(call_type, np.zeros(HOURS)) + minutes / 60 / cube.weeks
    plans = []
    for district in sorted(hours, key=_district_order):
        load = cube.district_hours(district)
        by_officer = float(cube.district_hours(district, officer_initiated=True).sum())
        need = engine.officers_needed(load, cube.district_calls(district),
                                      target_share=settings.target_share,
                                      minimum=settings.minimum_on_duty)  # fmt: skip
        plans.append(
            DistrictPlan(
                district=district,
                calls_week=float(cube.district_calls(district).sum()),
                workload_week=float(load.sum()),
                officer_share=by_officer / float(load.sum()) if load.sum() else 0.0,
                need=need,
                on_duty=rostered.get(district),
                fte_needed=engine.patrol_fte(need.officers, net),
            )
        )
    return Picture(workload, settings, net, engine.relief_factor(24 * 365, net), plans,
                   _call_types(cube), hours)  # fmt: skip


def _district_order(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (10_000, name)


def _call_types(cube: engine.Cube) -> list[CallTypeRow]:
    settings = {c.call_type: c for c in CallTypeTime.objects.all()}
    calls: dict[str, float] = {}
    units: dict[str, float] = {}
    minutes: dict[str, float] = {}
    by_officer: dict[str, float] = {}
    for (call_type, _, officer), values in cube.minutes.items():
        key = (call_type, _, officer)
        calls[call_type] = calls.get(call_type, 0.0) + float(cube.calls[key].sum())
        units[call_type] = units.get(call_type, 0.0) + float(cube.units[key].sum())
        minutes[call_type] = minutes.get(call_type, 0.0) + float(values.sum())
        if officer:
            by_officer[call_type] = by_officer.get(call_type, 0.0) + float(values.sum())
    rows = []
    for call_type in sorted(calls, key=lambda t: -minutes[t]):
        n = calls[call_type] or 1.0
        found = settings.get(call_type)
        rows.append(
            CallTypeRow(
                call_type=call_type,
                calls_week=calls[call_type] / cube.weeks,
                units_per_call=units[call_type] / n,
                minutes_per_call=minutes[call_type] / n,
                hours_week=minutes[call_type] / 60 / cube.weeks,
                officer_share=by_officer.get(call_type, 0.0) / (minutes[call_type] or 1.0),
                civilian_suitable=bool(found and found.civilian_suitable),
                extra_minutes=found.extra_minutes if found else 0.0,
            )
        )
    return rows


def heat_rows(values: np.ndarray) -> list[tuple[str, list[float]]]:
    """A week by hour as seven rows (Monday first) of 24 values, for the heat map."""
    return [(DAYS[d], [float(v) for v in values[d * 24 : d * 24 + 24]]) for d in range(7)]


# --- The department's units and the scenarios drawn on them ---------------------------------


def department() -> list[reorg.Unit]:
    return [
        reorg.Unit(u.name, u.kind, u.sworn, tuple(f.strip() for f in u.functions.split(",")
                                                  if f.strip()))
        for u in DepartmentUnit.objects.all()
    ]  # fmt: skip


@requires(*PATROL_ROLES)
def unit_save(
    *, actor: Actor, unit: DepartmentUnit | None, name: str, kind: str, sworn: int,
    functions: str = "", source: str = "",
) -> DepartmentUnit:  # fmt: skip
    if kind not in DepartmentUnit.Kind.values:
        raise InputRefused(f"A unit is one of: {', '.join(DepartmentUnit.Kind.values)}.")
    unit = unit or DepartmentUnit()
    unit.name, unit.kind, unit.sworn = name.strip()[:100], kind, sworn
    unit.functions, unit.source = functions.strip()[:300], source.strip()[:300]
    try:
        with transaction.atomic():
            unit.save()
            audit_write(actor=actor, action="patrol.unit.save", obj=unit,
                        detail={"name": unit.name, "kind": kind, "sworn": sworn})  # fmt: skip
    except IntegrityError:
        raise InputRefused(f"There is already a unit named {unit.name!r}.") from None
    return unit


@requires(*PATROL_ROLES)
def unit_delete(*, actor: Actor, unit: DepartmentUnit) -> None:
    with transaction.atomic():
        audit_write(actor=actor, action="patrol.unit.delete", obj=unit, detail={"name": unit.name})
        unit.delete()


STEP_KINDS = {
    "merge": "Merge units",
    "eliminate": "Eliminate units",
    "move": "Move freed officers",
    "civilianize": "Give call types to civilian responders",
}


def change_of(step: dict[str, Any]) -> reorg.Change:
    return reorg.Change(
        kind=str(step.get("kind", "")),
        units=tuple(step.get("units", ())),
        kept=int(step.get("kept", 0)),
        officers=int(step.get("officers", 0)),
        to=str(step.get("to", "")),
        call_types=tuple(step.get("call_types", ())),
    )


def describe_step(step: dict[str, Any]) -> str:
    kind = step.get("kind")
    units = " and ".join(step.get("units", ()))
    if kind == "merge":
        return f"Merge {units}, keeping {step.get('kept')} sworn positions"
    if kind == "eliminate":
        return f"Eliminate {units}"
    if kind == "move":
        return f"Move {step.get('officers')} freed officers to {step.get('to')}"
    if kind == "civilianize":
        return "Civilian responders take " + ", ".join(step.get("call_types", ()))
    return str(kind)


@requires(*PATROL_ROLES)
def scenario_create(
    *, actor: Actor, name: str, description: str = "", target_share: float | None = None
) -> Scenario:
    if target_share is not None and not 0.2 <= target_share <= 0.95:
        raise InputRefused("The target share of time on workload is between 20% and 95%.")
    try:
        with transaction.atomic():
            scenario = Scenario.objects.create(
                name=name.strip()[:120], description=description, target_share=target_share,
                created_by=actor_label(actor),
            )  # fmt: skip
            audit_write(actor=actor, action="patrol.scenario.create", obj=scenario)
    except IntegrityError:
        raise InputRefused(f"There is already a scenario named {name.strip()!r}.") from None
    return scenario


@requires(*PATROL_ROLES)
def scenario_step_add(*, actor: Actor, scenario: Scenario, step: dict[str, Any]) -> Scenario:
    """Add a step at the end; refused (and nothing kept) if it cannot be made after the
    scenario's steps so far (a unit already merged away, more officers than were freed)."""
    steps = [*scenario.steps, step]
    outcome = reorg.apply(department(), [change_of(s) for s in steps])
    mine = [p for p in outcome.problems if p.startswith(f"step {len(steps)}:")]
    if mine:
        raise InputRefused(mine[0].split(": ", 1)[1].capitalize() + ".")
    with transaction.atomic():
        scenario.steps = steps
        scenario.save(update_fields=["steps", "updated_at"])
        audit_write(actor=actor, action="patrol.scenario.step_add", obj=scenario, detail=step)
    return scenario


@requires(*PATROL_ROLES)
def scenario_step_remove(*, actor: Actor, scenario: Scenario, index: int) -> Scenario:
    if not 0 <= index < len(scenario.steps):
        raise InputRefused("There is no such step.")
    with transaction.atomic():
        removed = scenario.steps.pop(index)
        scenario.save(update_fields=["steps", "updated_at"])
        audit_write(actor=actor, action="patrol.scenario.step_remove", obj=scenario,
                    detail=removed)  # fmt: skip
    return scenario


@requires(*PATROL_ROLES)
def scenario_delete(*, actor: Actor, scenario: Scenario) -> None:
    with transaction.atomic():
        audit_write(actor=actor, action="patrol.scenario.delete", obj=scenario,
                    detail={"name": scenario.name, "steps": scenario.steps})  # fmt: skip
        scenario.delete()


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    outcome: reorg.Outcome
    today: list[reorg.DistrictResult]
    after: list[reorg.DistrictResult]
    on_duty_from: str  # where today's on-duty officers came from
    kinds_before: dict[str, int]

    def pairs(self) -> list[tuple[reorg.DistrictResult, reorg.DistrictResult]]:
        return list(zip(self.today, self.after, strict=True))

    @property
    def civilian(self) -> list[str]:
        return sorted(self.outcome.civilian_call_types)

    def kinds_after(self) -> dict[str, int]:
        return {k: self.outcome.sworn(k) for k in reorg.KINDS}


def baseline(pic: Picture, units: list[reorg.Unit]) -> tuple[dict[str, np.ndarray], str]:
    """Today's on-duty officers by district and hour: the rosters where there are any, else
    the patrol units' sworn positions at one officer's net hours, shared by workload."""
    rostered = {d.district: d.on_duty for d in pic.districts if d.on_duty is not None}
    if len(rostered) == len(pic.districts):
        return rostered, "rosters"
    patrol = sum(u.sworn for u in units if u.kind == "patrol")
    total = sum(d.workload_week for d in pic.districts) or 1.0
    on_duty = {
        d.district: rostered.get(d.district,
                                 np.full(HOURS, patrol * d.workload_week / total * pic.net_hours
                                         / reorg.HOURS_A_YEAR))
        for d in pic.districts
    }  # fmt: skip
    said = "rosters, and patrol units' positions where no roster" if rostered else (
        "patrol units' sworn positions (no rosters for the workload's period)")  # fmt: skip
    return on_duty, said


def result(scenario: Scenario, pic: Picture) -> Result:
    units = department()
    outcome = reorg.apply(units, [change_of(s) for s in scenario.steps])
    on_duty, source = baseline(pic, units)
    share = scenario.target_share or pic.settings.target_share
    net, least = pic.net_hours, pic.settings.minimum_on_duty
    today = reorg.evaluate(pic.hours, on_duty, net_hours=net, minimum=least,
                           target_share=pic.settings.target_share)  # fmt: skip
    after = reorg.evaluate(pic.hours, on_duty, net_hours=net, minimum=least, target_share=share,
                           outcome=outcome)  # fmt: skip
    order = {d.district: n for n, d in enumerate(pic.districts)}
    today.sort(key=lambda r: order.get(r.district, 0))
    after.sort(key=lambda r: order.get(r.district, 0))
    kinds = {k: sum(u.sworn for u in units if u.kind == k) for k in reorg.KINDS}
    return Result(scenario, outcome, today, after, source, kinds)


MEASURES = (
    ("saturation", "Saturation (workload over on-duty time)", "{:.0%}"),
    ("proactive", "Proactive time", "{:.0%}"),
    ("p1_wait", "Chance a priority-1 call waits", "{:.1%}"),
    ("fte_needed", "Patrol FTE the model needs", "{:.1f}"),
    ("fte_on_patrol", "Patrol FTE", "{:.1f}"),
    ("hours_short", "Hours of the week short of the need", "{}"),
)


def show(value: float | int, form: str) -> str:
    if isinstance(value, float) and not np.isfinite(value):
        return "—"
    return form.format(value)


def results_csv(results: list[Result]) -> str:
    """District by measure: today, then each scenario (one column each)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["district", "measure", "today", *(r.scenario.name for r in results)])
    if not results:
        return out.getvalue()
    for n, today in enumerate(results[0].today):
        for attr, label, _ in MEASURES:
            values = [getattr(r.after[n], attr) for r in results]
            writer.writerow([today.district, label, _plain(getattr(today, attr)),
                             *(_plain(v) for v in values)])  # fmt: skip
    return out.getvalue()


def _plain(value: float | int) -> str:
    if isinstance(value, float):
        return "" if not np.isfinite(value) else f"{value:.4f}"
    return str(value)


# --- The commitment's measure -------------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    first: date
    hours: int  # district-hours with a roster
    met: int  # of them, hours with at least the model's need on duty

    @property
    def share(self) -> float | None:
        return self.met / self.hours if self.hours else None


def month_coverage(first: date, pic: Picture | None = None) -> Coverage:
    """District-hours of the month whose roster met the model's need (from the latest
    workload), over the district-hours with a roster."""
    pic = pic if pic is not None else picture()
    if pic is None:
        return Coverage(first, 0, 0)
    slots = HourSlots.of(first, month_after(first))
    hours = met = 0
    for district, (on_duty, covered) in on_duty_slots(slots).items():
        plan = pic.district(district)
        if plan is None:
            continue
        needed = plan.need.officers[slots.how[covered]]
        hours += int(covered.sum())
        met += int(np.sum(on_duty[covered] + 1e-9 >= needed))
    return Coverage(first, hours, met)
