"""The reorganization what-if (issue 18): the department's units with their sworn positions,
and scenarios that merge or eliminate units, move officers to patrol or investigations, or
give call types to civilian responders; each scenario's saturation, proactive time,
priority-1 wait and FTE per district beside today's. Pure Python, no Django.

Simplifications, said where they matter: officers a scenario moves to patrol are shared among
districts in proportion to each district's workload, and spread evenly over the hours of the
week (a schedule can be shaped to need later); a call type given to civilians leaves all of
its workload."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from safercity.staffing.engine.erlang import erlang_c
from safercity.staffing.engine.patrol import HOURS_OF_WEEK, officers_needed

HOURS_A_YEAR = 24 * 365

KINDS = ("patrol", "investigative", "specialized", "administrative")


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str  # one of KINDS
    sworn: int
    functions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Change:
    """One step of a scenario.

    - merge: `units` become one, keeping `kept` sworn positions; the rest are freed;
    - eliminate: `units` go; their sworn positions are freed;
    - move: `officers` of the freed positions go to `to` ("patrol" or "investigations");
    - civilianize: `call_types` go to civilian responders."""

    kind: str
    units: tuple[str, ...] = ()
    kept: int = 0
    officers: int = 0
    to: str = ""
    call_types: tuple[str, ...] = ()


@dataclass
class Outcome:
    units: list[Unit]
    freed: int  # sworn positions freed and not yet moved
    to_patrol: int
    to_investigations: int
    civilian_call_types: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    patrol_lost: int = 0  # patrol positions merged or eliminated away

    @property
    def patrol_change(self) -> int:
        """Officers patrol gains (or, below 0, loses) in the scenario."""
        return self.to_patrol - self.patrol_lost

    def sworn(self, kind: str) -> int:
        return sum(u.sworn for u in self.units if u.kind == kind)


def apply(units: Sequence[Unit], changes: Sequence[Change]) -> Outcome:
    """The department after the changes, in order; a change that cannot be made is said in
    `problems` and skipped (nothing half-done)."""
    by_name = {u.name: u for u in units}
    outcome = Outcome(list(units), 0, 0, 0)
    for n, change in enumerate(changes, 1):
        missing = [name for name in change.units if name not in by_name]
        if missing:
            outcome.problems.append(f"step {n}: no unit {missing[0]!r}")
            continue
        if change.kind == "merge":
            merged = [by_name[name] for name in change.units]
            total = sum(u.sworn for u in merged)
            if len(merged) < 2 or not 0 < change.kept <= total:
                outcome.problems.append(f"step {n}: a merger joins two units or more, keeping "
                                        f"1 to {total} sworn positions")  # fmt: skip
                continue
            for u in merged:
                del by_name[u.name]
            name = " + ".join(u.name for u in merged)
            functions = tuple(dict.fromkeys(f for u in merged for f in u.functions))
            by_name[name] = Unit(name, merged[0].kind, change.kept, functions)
            outcome.freed += total - change.kept
        elif change.kind == "eliminate":
            for name in change.units:
                outcome.freed += by_name.pop(name).sworn
        elif change.kind == "move":
            if change.to not in ("patrol", "investigations") or change.officers <= 0:
                outcome.problems.append(f"step {n}: move some officers to patrol or investigations")
                continue
            if change.officers > outcome.freed:
                outcome.problems.append(
                    f"step {n}: only {outcome.freed} freed positions to move, not {change.officers}"
                )
                continue
            outcome.freed -= change.officers
            if change.to == "patrol":
                outcome.to_patrol += change.officers
            else:
                outcome.to_investigations += change.officers
        elif change.kind == "civilianize":
            outcome.civilian_call_types.update(change.call_types)
        else:
            outcome.problems.append(f"step {n}: no such change {change.kind!r}")
    outcome.units = list(by_name.values())
    before = sum(u.sworn for u in units if u.kind == "patrol")
    outcome.patrol_lost = max(0, before - outcome.sworn("patrol"))
    return outcome


@dataclass(frozen=True)
class DistrictResult:
    district: str
    saturation: float  # the week's workload hours over its on-duty hours
    proactive: float  # 1 - saturation
    p1_wait: float  # chance a priority-1 call waits for a unit (hours weighed by workload)
    fte_needed: float
    fte_on_patrol: float
    hours_short: int  # hours of the week with fewer on duty than the model needs


def evaluate(
    workload: Mapping[str, Mapping[str, np.ndarray]],
    on_duty: Mapping[str, np.ndarray],
    *,
    net_hours: float,
    target_share: float = 0.60,
    minimum: int = 1,
    outcome: Outcome | None = None,
) -> list[DistrictResult]:
    """Each district's figures today (`outcome` None) or after a scenario. `workload` is
    hours by call type and hour of the week in an average week; `on_duty` officers by hour."""
    civilian = outcome.civilian_call_types if outcome else set()
    hours = {
        d: sum((v for t, v in types.items() if t not in civilian), np.zeros(HOURS_OF_WEEK))
        for d, types in workload.items()
    }
    total = sum(float(h.sum()) for h in hours.values()) or 1.0
    added = outcome.patrol_change if outcome else 0
    results = []
    for district in sorted(workload):
        load = hours[district]
        share = float(load.sum()) / total
        extra = added * share * net_hours / HOURS_A_YEAR  # officers on duty, every hour
        today = np.asarray(on_duty.get(district, np.zeros(HOURS_OF_WEEK)), dtype=float)
        staff = np.maximum(today + extra, 0.0)
        need = officers_needed(load, load, target_share=target_share, minimum=minimum)
        on_duty_hours = float(staff.sum())
        # The saturation index: the week's workload over the week's on-duty time (not a mean
        # of hourly shares, which an empty night hour would pull about).
        mean_used = float(load.sum()) / on_duty_hours if on_duty_hours > 0 else float("nan")
        waits = np.array([erlang_c(float(s), float(a)) if a < s else 1.0
                          for s, a in zip(staff, load, strict=True)])  # fmt: skip
        # A call is likelier in a busy hour: the hours' waits weighed by their workload.
        weights = load if load.sum() > 0 else np.ones(HOURS_OF_WEEK)
        results.append(
            DistrictResult(
                district=district,
                saturation=mean_used,
                proactive=1 - mean_used,
                p1_wait=float(np.average(waits, weights=weights)),
                fte_needed=float(need.officers.sum()) * 365 / 7 / net_hours,
                fte_on_patrol=float(staff.sum()) * 365 / 7 / net_hours,
                hours_short=int(np.sum(staff < need.officers)),
            )
        )
    return results
