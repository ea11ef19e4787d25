"""Replay a real call-centre trace day by day and report, per staffing rule, the mean absolute
error per day of abandonment and of answered-within-20 s against what happened.

    .venv/bin/python bench/replay.py [TRACE.csv[.gz]] [--seeds 5]

Input: an Anonymous Bank format trace of any length (one day, a month); by default the one
real day in ../shared/data/callcenter. The issue's goal: a mean absolute error under 3 points
for the best rule over a month-long trace. Timing: the whole replay, and a bare read of the
trace in the same run as its baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safercity.core.textfiles import read_bytes_maybe_gzip  # noqa: E402
from safercity.staffing.anonbank import read_anonbank  # noqa: E402
from safercity.staffing.engine.replay import by_day, mean_errors, replay_days  # noqa: E402

ONE_DAY = ROOT.parent / "shared" / "data" / "callcenter" / "anonbank_calls_one_day.csv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("trace", type=Path, nargs="?", default=ONE_DAY)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    calls, rejected = read_anonbank(read_bytes_maybe_gzip(args.trace))
    read_s = time.perf_counter() - started
    days = by_day(calls)
    started = time.perf_counter()
    replays = replay_days(days, args.seeds)
    replay_s = time.perf_counter() - started
    print(
        f"{args.trace.name}: {len(calls):,} calls over {len(days)} day(s) ({len(rejected):,} rows "
        f"not replayed); replay {replay_s:.1f} s, reading the trace {read_s:.2f} s "
        f"({replay_s / read_s:.0f}x); {args.seeds} seeds per rule and day"
    )
    print("| staffing rule | abandonment, mean abs. error per day | answered in 20 s, same |")
    print("|---|---|---|")
    errors = mean_errors(replays)
    for label, (hung_up, within) in sorted(errors.items(), key=lambda kv: kv[1][0] + kv[1][1]):
        print(f"| {label} | {hung_up * 100:.1f} points | {within * 100:.1f} points |")
    best = min(errors.items(), key=lambda kv: max(kv[1]))
    print(
        f"best rule: {best[0]} (largest of its two errors {max(best[1]) * 100:.1f} points; "
        f"goal under 3 over a month{'' if len(days) >= 28 else ', this trace is shorter'})"
    )


if __name__ == "__main__":
    main()
