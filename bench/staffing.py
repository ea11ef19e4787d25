"""Staffing engine benchmarks, each a ratio within one run.

    .venv/bin/python bench/staffing.py [--calls 1000000] [--no-pyworkforce]

1. Erlang C against pyworkforce 0.5.4, which runs in its own Python 3.12 virtual environment
   (var/bench/pyworkforce-venv, made here on first use; never a project dependency). Inputs:
   the demo city's 336 half-hour slots of a July week (700k calls a year, 120 s handle time);
   for each slot, the fewest call-takers answering 90% within 15 s, and that level's service.
2. The simulator against the simpy model (tests/oracles/simpy_queue.py) on the same calls:
   Poisson arrivals, 100 calls per 30 minutes, 180 s handle, 300 s patience, 12 call-takers.
3. Erlang A (90 s mean patience) on the same 336 slots: every slot at once against the
   slot-by-slot search (pyworkforce has no Erlang A), same head counts checked.
4. A week of 30-minute staffing: Erlang A requirements, the shift programme, and the
   verification by simulation (8 weeks).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safercity.demo.engine import expected_911_per_slot  # noqa: E402
from safercity.staffing.engine.erlang import (  # noqa: E402
    Target,
    agents_required_a,
    agents_required_a_all,
    agents_required_c,
    agents_required_c_all,
    erlang_c_measures,
    offered_load,
)
from safercity.staffing.engine.planner import verify  # noqa: E402
from safercity.staffing.engine.schedule import SLOT_S, requirements, schedule  # noqa: E402
from safercity.staffing.engine.simulate import (  # noqa: E402
    CallbackPolicy,
    Staffing,
    poisson_calls,
    simulate,
)
from tests.oracles.simpy_queue import simulate_simpy  # noqa: E402

PYWORKFORCE_VENV = ROOT / "var" / "bench" / "pyworkforce-venv"
PYTHON_312 = Path.home() / ".pyenv" / "versions" / "3.12.1" / "bin" / "python"
AHT_S = 120.0
TARGET = Target(15, 0.90)

PYWORKFORCE_WORKER = """
import json, sys, time
from pyworkforce.queuing import ErlangC
slots = json.load(open(sys.argv[1]))
best, answers = float("inf"), None
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    out = []
    for calls in slots:
        e = ErlangC(transactions=calls, asa=15 / 60, aht=2.0, interval=30, shrinkage=0.0)
        r = e.required_positions(service_level=0.90, max_occupancy=1.0)
        out.append([r["raw_positions"], r["service_level"]])
    best = min(best, time.perf_counter() - started)
    answers = out
print(json.dumps({"seconds": best, "answers": answers}))
"""


def ours(slots: list[float]) -> list[tuple[int, float]]:
    """One interval at a time (the scalar search)."""
    out = []
    for calls in slots:
        load = offered_load(calls, SLOT_S, AHT_S)
        agents = agents_required_c(load, AHT_S, (TARGET,))
        out.append((agents, erlang_c_measures(agents, load, AHT_S, TARGET.seconds).service_level))
    return out


def ours_all(slots: list[float]) -> np.ndarray:
    """Every interval at once (what the planner uses)."""
    loads = np.array(slots) * AHT_S / SLOT_S
    return agents_required_c_all(loads, AHT_S, (TARGET,))


def best_of(repeats: int, run):  # type: ignore[no-untyped-def]
    best, answer = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        answer = run()
        best = min(best, time.perf_counter() - started)
    return best, answer


def ensure_pyworkforce() -> Path | None:
    python = PYWORKFORCE_VENV / "bin" / "python"
    if python.exists():
        return python
    if not PYTHON_312.exists():
        return None
    subprocess.run([str(PYTHON_312), "-m", "venv", str(PYWORKFORCE_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "pyworkforce==0.5.4"], check=True)
    return python


def erlang_benchmark(repeats: int) -> None:
    week = expected_911_per_slot(date(2026, 7, 6), 7, 700_000).ravel()
    slots = [round(float(v), 3) for v in week]
    ours_s, ours_answers = best_of(repeats, lambda: ours(slots))
    all_s, all_answers = best_of(repeats * 20, lambda: ours_all(slots))
    python = ensure_pyworkforce()
    if python is None:
        print(
            f"| Erlang C, 336 slots | ours {ours_s * 1000:.1f} ms | pyworkforce: no Python 3.12 |"
        )
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(slots, handle)
    done = subprocess.run(
        [str(python), "-c", PYWORKFORCE_WORKER, handle.name, str(repeats)],
        check=True,
        capture_output=True,
        text=True,
    )
    theirs = json.loads(done.stdout)
    same_agents = all(a == b[0] for (a, _), b in zip(ours_answers, theirs["answers"], strict=True))
    worst = max(abs(a - b[1]) for (_, a), b in zip(ours_answers, theirs["answers"], strict=True))
    print(
        f"| Erlang C: fewest call-takers for 90% in 15 s, 336 slots, one at a time "
        f"| ours {ours_s * 1000:.2f} ms "
        f"| pyworkforce {theirs['seconds'] * 1000:.2f} ms | {theirs['seconds'] / ours_s:.1f}x "
        f"| same head counts: {same_agents}; largest service-level difference {worst:.1e} |"
    )
    same_all = all(int(a) == b[0] for a, b in zip(all_answers, theirs["answers"], strict=True))
    print(
        f"| Erlang C: the same, every slot at once (agents_required_c_all) "
        f"| ours {all_s * 1000:.2f} ms "
        f"| pyworkforce {theirs['seconds'] * 1000:.2f} ms | {theirs['seconds'] / all_s:.1f}x "
        f"| same head counts: {same_all} |"
    )


def simulator_benchmark(calls_wanted: int) -> None:
    rng = np.random.default_rng(7)
    horizon = calls_wanted / (100 / 1800)
    calls = poisson_calls(rng, 100 / 1800, horizon, 180, 300)
    # Three priority classes (20%, 50%, 30% of callers): the non-preemptive priority queue.
    classed = dataclasses.replace(
        calls, priority=rng.choice(3, size=len(calls), p=[0.2, 0.5, 0.3]).astype(np.int64)
    )
    runs = (
        (calls, None, "no callbacks"),
        (calls, CallbackPolicy(delay_s=30), "callbacks"),
        (classed, None, "3 priority classes"),
    )
    for calls, policy, label in runs:
        fast_s, fast = best_of(3, lambda c=calls, p=policy: simulate(c, Staffing.constant(12), p))
        started = time.perf_counter()
        oracle = simulate_simpy(calls, 12, policy)
        simpy_s = time.perf_counter() - started
        same = bool((fast.answered == oracle.answered).all()) and bool(
            np.allclose(fast.wait, oracle.wait, atol=1e-6)
        )
        difference = abs(fast.service_level(20) - oracle.service_level(20)) * 100
        print(
            f"| simulator, {len(calls):,} calls, {label} | ours {fast_s:.2f} s "
            f"({len(calls) / fast_s:,.0f} calls/s) | simpy {simpy_s:.2f} s | "
            f"{simpy_s / fast_s:.1f}x | every call the same: {same}; SL20 "
            f"{fast.service_level(20):.4f} vs {oracle.service_level(20):.4f} "
            f"({difference:.2f} pp) |"
        )


def erlang_a_benchmark(repeats: int) -> None:
    week = expected_911_per_slot(date(2026, 7, 6), 7, 700_000).ravel()
    loads = np.round(week, 3) * AHT_S / SLOT_S
    targets = (TARGET,)
    one_s, one = best_of(
        repeats, lambda: [agents_required_a(float(x), AHT_S, 90, targets) for x in loads]
    )
    all_s, at_once = best_of(repeats * 20, lambda: agents_required_a_all(loads, AHT_S, 90, targets))
    print(
        f"| Erlang A (90 s patience): fewest call-takers for 90% in 15 s, 336 slots, every slot "
        f"at once | ours {all_s * 1000:.2f} ms | one slot at a time {one_s * 1000:.1f} ms "
        f"| {one_s / all_s:.0f}x | same head counts: {at_once.tolist() == one} |"
    )


def week_benchmark(repeats: int) -> None:
    week = expected_911_per_slot(date(2026, 7, 6), 7, 700_000).ravel()
    need_s, needed = best_of(repeats, lambda: requirements(week, AHT_S, patience_s=90))
    plan_s, plan = best_of(repeats, lambda: schedule(needed, shrinkage=0.3))
    check_s, checked = best_of(
        repeats, lambda: verify(plan, week, aht_s=AHT_S, patience_s=90, weeks=8)
    )
    print(
        f"| a week of 30-minute staffing (336 slots) | requirements {need_s * 1000:.0f} ms, "
        f"shifts {plan_s * 1000:.0f} ms, verification {check_s * 1000:.0f} ms "
        f"({checked.calls:,} calls) | | | {plan.staff_hours:.0f} staff-hours, lower bound "
        f"{plan.lower_bound_hours:.1f} (+{plan.staff_hours / plan.lower_bound_hours - 1:.1%}); "
        f"proved optimal: {plan.optimal}; simulated {checked.service_level[15]:.1%} in 15 s, "
        f"{checked.service_level[20]:.1%} in 20 s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-pyworkforce", action="store_true")
    args = parser.parse_args()
    print("| benchmark | ours | baseline | speed-up | same results? |")
    print("|---|---|---|---|---|")
    if not args.no_pyworkforce:
        erlang_benchmark(args.repeats)
    erlang_a_benchmark(args.repeats)
    simulator_benchmark(args.calls)
    week_benchmark(args.repeats)


if __name__ == "__main__":
    main()
