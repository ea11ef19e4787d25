"""Patrol staffing: a year of CAD to the workload cube, and a reorganization scenario judged
beside today as the scenario page does it.

    .venv/bin/python bench/patrol.py [--incidents 250000] [--only sqlite]

Inputs (seed 1): `incidents` incidents over 52 weeks in six districts and 15 call types, each
with 1 to 4 police units (mean about 2), unit times of 5 to 120 minutes, 1% of units without
a clear time; a year of rosters (three shifts a day in each district: 6,552 shifts); 19 units
of the department; a scenario of three steps (a merger, a move to patrol, two call types to
civilians).

Measured: (1) `engine.patrol.workload_cube` over the incidents, best of 3; baseline in the
same run: the same counting written the obvious way (a NumPy element updated per incident),
once. (2) The scenario page's work (`scenarios.picture` - the stored cube, the year's rosters
by hour of the week - and `scenarios.result`), p50 and max of 20, on SQLite and PostgreSQL;
baseline: the same scenario when the workload is counted again from the incidents instead of
read from its stored cube.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402
from safercity.staffing.engine import patrol as engine  # noqa: E402

DISTRICTS = [str(n) for n in range(1, 7)]
TYPES = [f"TYPE {n:02d}" for n in range(15)]
ZONE = ZoneInfo("America/Chicago")
START = datetime(2025, 1, 6, tzinfo=ZONE)  # a Monday


def incidents(count: int) -> list[engine.Incident]:
    chance = random.Random(1)
    made = []
    span = 52 * 7 * 86400
    for n in range(count):
        created = START + timedelta(seconds=chance.uniform(0, span))
        units = []
        for _ in range(chance.choice((1, 1, 2, 2, 2, 3, 4))):
            sent = created + timedelta(seconds=chance.uniform(30, 600))
            cleared = None if chance.random() < 0.01 else sent + timedelta(
                minutes=chance.uniform(5, 120))  # fmt: skip
            units.append(engine.UnitTime(sent, cleared))
        made.append(engine.Incident(f"I{n}", chance.choice(TYPES), chance.choice(DISTRICTS),
                                    created, chance.random() < 0.25, units))  # fmt: skip
    return made


def obvious_cube(made: list[engine.Incident]) -> dict[tuple[str, str, bool], np.ndarray]:
    """The baseline: the same counting (calls, units used, minutes, each defect and its
    reason) with NumPy arrays updated element by element."""
    minutes: dict[tuple[str, str, bool], np.ndarray] = {}
    calls: dict[tuple[str, str, bool], np.ndarray] = {}
    used: dict[tuple[str, str, bool], np.ndarray] = {}
    defects = []
    for incident in made:
        key = (incident.call_type, incident.district, incident.officer_initiated)
        if key not in minutes:
            minutes[key], calls[key], used[key] = np.zeros(168), np.zeros(168), np.zeros(168)
        hour = engine.hour_of_week(incident.created)
        calls[key][hour] += 1
        for n, unit in enumerate(incident.units):
            if unit.dispatched is None or unit.cleared is None:
                defects.append((incident.key, n, "no time"))
                continue
            spent = (unit.cleared - unit.dispatched).total_seconds() / 60
            if not 0 <= spent <= engine.LONGEST_UNIT_MINUTES:
                defects.append((incident.key, n, "out of range"))
                continue
            used[key][hour] += 1
            minutes[key][hour] += spent
    return minutes


def cube_part(count: int) -> dict[str, float]:
    made = incidents(count)
    units = sum(len(i.units) for i in made)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        cube = engine.workload_cube(made, weeks=52)
        best = min(best, time.perf_counter() - started)
    started = time.perf_counter()
    baseline = obvious_cube(made)
    naive = time.perf_counter() - started
    agree = all(np.allclose(cube.minutes[k], v) for k, v in baseline.items())
    if not agree or len(baseline) != len(cube.minutes):
        raise SystemExit("the cube and the obvious count disagree")
    print(f"workload cube: {count:,} incidents, {units:,} unit times, {len(cube.defects):,} "
          f"defects reported: {best:.2f} s (best of 3); obvious way {naive:.2f} s "
          f"({naive / best:.1f}x)")  # fmt: skip
    return {"cube_s": best, "naive_s": naive}


def child(backend: str, count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from safercity.core.actors import command_actor
    from safercity.core.bulk import insert_rows
    from safercity.staffing import patrol, scenarios
    from safercity.staffing.models import Scenario, Workload

    actor = command_actor("bench")
    made = incidents(count)
    cube = engine.workload_cube(made, weeks=52)
    workload = Workload.objects.create(
        start=START.date(), end=(START + timedelta(weeks=52)).date(), requested_by="bench",
        status=Workload.Status.DONE, built_at=START, weeks=52, cube=patrol.cube_json(cube),
        incidents=count,
    )  # fmt: skip
    shifts = []
    for day in range(364):
        for district in DISTRICTS:
            for hour, officers in ((7, 16), (15, 18), (23, 12)):
                begins = START + timedelta(days=day, hours=hour)
                shifts.append({"district": district, "starts_at": begins, "officers": officers,
                               "ends_at": begins + timedelta(hours=8), "source": "bench",
                               "post": "", "created_at": START})  # fmt: skip
    insert_rows(patrol.RosterShift, shifts)
    for n in range(19):
        kind = ("patrol", "investigative", "specialized", "administrative")[n % 4]
        scenarios.unit_save(actor=actor, unit=None, name=f"Unit {n}", kind=kind, sworn=40)
    scenario = Scenario.objects.create(name="bench", created_by="bench", steps=[
        {"kind": "merge", "units": ["Unit 2", "Unit 6"], "kept": 50},
        {"kind": "move", "officers": 30, "to": "patrol"},
        {"kind": "civilianize", "call_types": TYPES[:2]},
    ])  # fmt: skip
    times = []
    for _ in range(20):
        started = time.perf_counter()
        judged = scenarios.result(scenario, scenarios.picture(workload))
        times.append(time.perf_counter() - started)
    if not judged.after or judged.outcome.problems:
        raise SystemExit(f"the scenario was not judged: {judged.outcome.problems}")
    started = time.perf_counter()
    recount = engine.workload_cube(made, weeks=52)
    workload.cube = patrol.cube_json(recount)
    scenarios.result(scenario, scenarios.picture(workload))
    again = time.perf_counter() - started
    p50 = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{backend}: scenario recomputed p50 {p50 * 1000:.0f} ms, max {max(times) * 1000:.0f} "
          f"ms (20 runs; 6,552 roster shifts); counting the workload again instead: "
          f"{again:.2f} s ({again / p50:.0f}x); peak memory {peak:.0f} MiB")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=250_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.incidents)
        return
    cube_part(args.incidents)
    for_each_database(__file__, ["--incidents", str(args.incidents)], args.only)


if __name__ == "__main__":
    main()
