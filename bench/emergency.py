"""911 call events: sustained ingest rate, and time from an offered call to its assignment.

    .venv/bin/python bench/emergency.py [--only sqlite] [--minutes 30] [--scale 20]

Inputs: the demo city's 911 demand for a Friday evening, `scale` times normal volume, played
through the queue simulator (40 positions), as phone-system events in time order; each event
goes through the real write path (event_ingest: checks, locks, audit, routing, commit): an
offered call is assigned to a ready position inside the event's own transaction, so the time
from the phone system's report to the assignment is the time event_ingest takes. PostgreSQL
runs durable (fsync and synchronous commit on, its defaults). Baseline in the same run: a bare
one-row insert and commit on the same database, the floor for any durable write there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402

POSITIONS = 40


def child(backend: str, minutes: float, scale: float) -> None:
    import os

    # The replay runs faster than the clock: positions come free at once after a call.
    os.environ["SAFERCITY_WRAP_UP_S"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from safercity.demo.stream import demo_events
    from safercity.emergency.api import PHONE_SYSTEM
    from safercity.emergency.models import Position
    from safercity.emergency.services import CallEventIn, event_ingest

    call_command("migrate", verbosity=0)
    evening = datetime(2026, 7, 10, 18, 0, tzinfo=ZoneInfo("America/Chicago"))
    events = demo_events(
        start=evening, minutes=minutes, positions=POSITIONS, scale=scale, run="bench"
    )
    started = time.perf_counter()
    for n in range(2000):
        with transaction.atomic():
            Position.objects.create(name=f"floor{n}")
    floor_rate = 2000 / (time.perf_counter() - started)
    Position.objects.all().delete()
    for n in range(POSITIONS):
        Position.objects.create(name=f"P{n + 1}", state="ready")
    cti = PHONE_SYSTEM
    latencies = []
    assigned = on_arrival = 0
    started = time.perf_counter()
    for event in events:
        body = dict(event.body)
        at = datetime.fromisoformat(str(body.pop("at")))
        begun = time.perf_counter()
        _, _, routed = event_ingest(actor=cti, event=CallEventIn(at=at, **body))
        if body["kind"] == "offered":
            latencies.append((time.perf_counter() - begun) * 1000)
            on_arrival += bool(routed)
        assigned += len(routed)
    took = time.perf_counter() - started
    rate = len(events) / took
    ordered = sorted(latencies)
    p99 = ordered[int(0.99 * (len(ordered) - 1))]
    print(
        f"| {backend} | {len(events):,} events ({len(latencies):,} calls, {scale:g}x volume) "
        f"| {rate:,.0f} events/s | bare insert {floor_rate:,.0f}/s | {floor_rate / rate:.1f}x "
        f"| offered to assigned p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms "
        f"({on_arrival:,} calls assigned on arrival, {assigned:,} assignments in all) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--scale", type=float, default=20)
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.minutes, args.scale)
        return
    print("| database | load | sustained | baseline | ratio | latency |")
    print("|---|---|---|---|---|---|")
    for_each_database(
        __file__,
        ["--minutes", str(args.minutes), "--scale", str(args.scale)],
        args.only,
        durable=True,
    )


if __name__ == "__main__":
    main()
