"""Crime import and dashboard queries over every shared legacy year, on SQLite and PostgreSQL.

    .venv/bin/python bench/crime.py [--only sqlite] [--repeats 20]

Inputs: every SLMPD legacy monthly file in ../shared/data/slmpd/legacy (2008-2019, 144 files,
644k rows). Baselines in the same run: a bare csv.reader pass over the same bytes (the floor
for reading them), and a trivial query (count of neighborhoods) for the dashboard queries.
Peak memory is the child process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import csv
import io
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402

LEGACY = ROOT.parent / "shared" / "data" / "slmpd" / "legacy"


def timed(repeats: int, run) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def child(backend: str, repeats: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from safercity.core.actors import command_actor
    from safercity.core.models import Neighborhood
    from safercity.core.textfiles import decode_any
    from safercity.crime.compstat import compstat, hexagon_counts, rates_per_100k
    from safercity.crime.selectors import homicides_by_year
    from safercity.crime.services import legacy_import

    call_command("migrate", verbosity=0)
    hoods = (
        ROOT.parent
        / "shared"
        / "data"
        / "boundaries"
        / "geocrime_stl_pkg"
        / "stl_neighborhoods.geojson"
    )
    call_command("geo_import", "neighborhoods", str(hoods), verbosity=0)
    files = [(p.name, p.read_bytes()) for p in sorted(LEGACY.rglob("*.csv"))]
    started = time.perf_counter()
    rows = sum(1 for _, data in files for _ in csv.reader(io.StringIO(decode_any(data))))
    floor = time.perf_counter() - started
    started = time.perf_counter()
    reports = legacy_import(actor=command_actor("bench"), files=files)
    took = time.perf_counter() - started
    imported = sum(r.created for r in reports)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # The second process that prepares the next file while this one stores the last.
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"| {backend} | import {len(files)} files, {imported:,} records | {took:.1f} s "
        f"({imported / took:,.0f} rows/s) | csv.reader alone {floor:.1f} s "
        f"({rows / floor:,.0f} rows/s) "
        f"| {took / floor:.1f}x | peak {peak:,.0f} MiB, preparing process {worker:,.0f} MiB |"
    )
    # The same 144 files again, as republished unchanged: every month matched record by record.
    started = time.perf_counter()
    again = legacy_import(actor=command_actor("bench"), files=files)
    took = time.perf_counter() - started
    unchanged = sum(r.unchanged for r in again)
    assert unchanged == imported
    assert not any(r.created or r.changed for r in again)
    print(
        f"| {backend} | re-import the same files: {unchanged:,} unchanged | {took:.1f} s "
        f"({unchanged / took:,.0f} rows/s) | csv.reader alone {floor:.1f} s "
        f"| {took / floor:.1f}x | |"
    )
    queries = {
        "trivial query (baseline)": lambda: Neighborhood.objects.count(),
        "homicides by year, 12 years": homicides_by_year,
        "CompStat by district, violent": lambda: compstat(
            date(2019, 6, 30), by="district", ucr_classes=[1, 2, 3, 4]
        ),
        "CompStat by neighborhood, all": lambda: compstat(date(2019, 6, 30), by="neighborhood"),
        "rates per 100k, 2019 homicides": lambda: rates_per_100k(
            date(2019, 1, 1), date(2020, 1, 1), [1]
        ),
        "H3 hexagons, 2019 robberies": lambda: hexagon_counts(
            date(2019, 1, 1), date(2020, 1, 1), [3]
        ),
    }
    base = None
    for label, run in queries.items():
        run()
        p50, p95 = timed(repeats, run)
        base = base or p50
        print(
            f"| {backend} | {label} | p50 {p50:.1f} ms | p95 {p95:.1f} ms | {p50 / base:.0f}x | |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeats)
        return
    if not LEGACY.exists():
        print(f"(no legacy files at {LEGACY}: nothing to measure)")
        return
    print("| database | what | time | baseline | ratio | memory |")
    print("|---|---|---|---|---|---|")
    for_each_database(__file__, ["--repeats", str(args.repeats)], args.only)


if __name__ == "__main__":
    main()
