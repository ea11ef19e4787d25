"""Writing many rows: core.bulk.insert_rows (the demo's year of 911 calls) against Django's
bulk_create of the same rows, on SQLite and PostgreSQL.

    .venv/bin/python bench/bulk.py [--rows 200000] [--only sqlite]

Inputs: the demo generator's calls (`demo.exports.demo_calls`, seed 1, full scale) from
1 January 2026 until `rows` calls are made, as the rows `_load_911_year` writes. Each run
writes into an empty emergency_call table of a fresh database; baseline in the same run:
`Call.objects.bulk_create` of model objects built from the same rows (batches of 5,000), into
the emptied table.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402


def _rows(count: int) -> list[dict[str, object]]:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from safercity.demo.exports import demo_calls
    from safercity.emergency.models import Call

    start, rows = datetime(2026, 1, 1, tzinfo=ZoneInfo("America/Chicago")), []
    while len(rows) < count:
        calls, positions = demo_calls(start, 7, seed=len(rows) + 1, run=f"B{start:%m%d}-")
        for call_id, times in sorted(calls.items()):
            answered = times.get("answered")
            rows.append(
                {
                    "call_id": call_id,
                    "line": Call.Line.EMERGENCY,
                    "state": Call.State.RELEASED if answered else Call.State.ABANDONED,
                    "arrived_at": times["offered"],
                    "answered_at": answered,
                    "answered_by": positions.get(call_id, "") if answered else "",
                    "abandoned_at": None if answered else times.get("abandoned"),
                    "released_at": times.get("released") if answered else None,
                    "imported_from": "bench",
                }
            )
        start += timedelta(days=7)
    return rows[:count]


def run(backend: str, count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from safercity.core.bulk import insert_rows
    from safercity.emergency.models import Call

    call_command("migrate", verbosity=0)
    rows = _rows(count)
    started = time.perf_counter()
    with transaction.atomic():
        Call.objects.bulk_create([Call(**row) for row in rows], batch_size=5000)
    baseline = time.perf_counter() - started
    Call.objects.all().delete()
    started = time.perf_counter()
    insert_rows(Call, rows)
    took = time.perf_counter() - started
    assert Call.objects.count() == count
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"| {backend} | {count:,} calls | {took:.1f} s ({count / took:,.0f} rows/s) "
        f"| bulk_create {baseline:.1f} s ({count / baseline:,.0f} rows/s) "
        f"| {took / baseline:.2f}x | peak {peak:.0f} MiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.rows)
        return
    print("| database | input | insert_rows | baseline | ratio | memory |")
    print("|---|---|---|---|---|---|")
    for_each_database(__file__, ["--rows", str(args.rows)], args.only)


if __name__ == "__main__":
    main()
