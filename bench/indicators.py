"""The Equity Indicators computed from SaferCity's own records, over a city-sized year: the
task worker computes last year's and this year's every day.

    .venv/bin/python bench/indicators.py [--calls 700000] [--requests 110000] [--only sqlite]

Inputs (seed 5): 79 square neighborhoods in a grid with residents by race (about half with a
Black majority, a third with a white one); last year's `calls` 911 calls (St. Louis takes about
700,000 a year) at random places with waits of 0-60 s, `requests` closed 311 requests (about
110,000 a year) and 600 use-of-force incidents. Measured: `indicators_compute` for the year
(all three indicators: every call and request placed in its neighborhood), its peak Python
memory (tracemalloc, in a second run: tracing slows it), and the baseline in the same run:
reading the same calls' and requests' columns once, with nothing placed or summed.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402

SIDE, SIZE, WEST, SOUTH = 9, 0.01, -90.32, 38.55


def run(backend: str, calls: int, requests: int) -> None:
    import django

    django.setup()
    import shapely
    from django.core.management import call_command
    from django.utils import timezone

    from safercity.core import geo
    from safercity.core.actors import command_actor
    from safercity.core.bulk import insert_rows
    from safercity.core.services import boundaries_import
    from safercity.emergency.models import Call
    from safercity.equity import computed, indicators, residents
    from safercity.service311.models import Department, Service, ServiceRequest
    from safercity.useofforce.models import ForceIncident, PolicyVersion

    call_command("migrate", verbosity=0)
    actor = command_actor("bench")
    chance = random.Random(5)
    cells = [(n, n % SIDE, n // SIDE) for n in range(79)]
    boundaries_import(actor=actor, layer="neighborhoods", features=[
        geo.Feature({"number": n + 1, "name": f"Hood {n + 1}"},
                    shapely.box(WEST + x * SIZE, SOUTH + y * SIZE, WEST + (x + 1) * SIZE,
                                SOUTH + (y + 1) * SIZE))
        for n, x, y in cells
    ])  # fmt: skip
    rows = ["neighborhood,total,white,black"]
    for n, _, y in cells:
        total = chance.randrange(1000, 7000)
        black = 0.8 if y >= 5 else (0.15 if y <= 2 else 0.45)
        rows.append(f"{n + 1},{total},{int(total * (0.9 - black))},{int(total * black)}")
    residents.residents_import(actor=actor, data="\n".join(rows).encode(), year=2020,
                               source="bench")  # fmt: skip
    indicators.framework_import(actor=actor, data=(
        b"theme,topic,indicator,direction,computed_from\n"
        b"T,P,Use of Force,B-W,use_of_force\nT,S,911 Answer Times,B-W,answer_911\n"
        b"T,S,311 Time to Close,B-W,close_311\n"))  # fmt: skip
    year = timezone.localdate().year - 1
    zone = timezone.get_current_timezone()
    start = datetime(year, 1, 1, tzinfo=zone)

    def moment() -> datetime:
        return start + timedelta(seconds=chance.randrange(364 * 86400))

    def place() -> tuple[float, float]:
        return (WEST + chance.random() * SIDE * SIZE, SOUTH + chance.random() * 8.7 * SIZE)

    batch: list[dict[str, object]] = []
    for n in range(calls):
        arrived, (lon, lat) = moment(), place()
        batch.append({"call_id": f"b{n}", "state": "released", "arrived_at": arrived,
                      "answered_at": arrived + timedelta(seconds=chance.uniform(0, 60)),
                      "lat": lat, "lon": lon})  # fmt: skip
        if len(batch) == 50_000:
            insert_rows(Call, batch)
            batch = []
    insert_rows(Call, batch)
    department = Department.objects.create(name="Bench")
    service = Service.objects.create(service_code="B", service_name="Bench", department=department)
    batch = []
    for _ in range(requests):
        asked, (lon, lat) = moment(), place()
        done = asked + timedelta(days=chance.uniform(0, 20))
        batch.append({"token": uuid.uuid4().hex, "service_id": service.pk, "status": "closed",
                      "requested_datetime": asked, "updated_datetime": done,
                      "closed_datetime": min(done, start.replace(year=year + 1)
                                             - timedelta(seconds=1)),
                      "lat": lat, "long": lon})  # fmt: skip
        if len(batch) == 50_000:
            insert_rows(ServiceRequest, batch)
            batch = []
    insert_rows(ServiceRequest, batch)
    policy = PolicyVersion.objects.create(version="bench", effective_from=start.date())
    ForceIncident.objects.bulk_create(
        ForceIncident(case_number=f"f{n}", occurred_at=(when := moment()), lon=place()[0],
                      lat=place()[1], level=1, policy=policy, reported_at=when,
                      public_id=f"f{n}")
        for n in range(600)
    )  # fmt: skip

    started = time.perf_counter()
    read = len(list(Call.objects.values_list("arrived_at", "answered_at", "lat", "lon")
                    .iterator(chunk_size=5000)))  # fmt: skip
    read += len(
        list(
            ServiceRequest.objects.values_list(
                "requested_datetime", "closed_datetime", "lat", "long"
            ).iterator(chunk_size=5000)
        )
    )
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    report = computed.indicators_compute(actor=actor, year=year)
    took = time.perf_counter() - started
    assert report.saved == 3, report.outcomes
    tracemalloc.start()  # again, for memory only (tracing slows Python several times over)
    computed.indicators_compute(actor=actor, year=year)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"| {backend} | compute a year: {calls:,} calls, {requests:,} requests, 600 "
        f"incidents | {took:.1f} s, peak {peak / 1e6:.0f} MB | reading them once "
        f"{baseline:.1f} s | {took / baseline:.1f}x |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=700_000)
    parser.add_argument("--requests", type=int, default=110_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.calls, args.requests)
        return
    print("| database | what | time | baseline | ratio |")
    print("|---|---|---|---|---|")
    for_each_database(
        __file__, ["--calls", str(args.calls), "--requests", str(args.requests)], args.only
    )


if __name__ == "__main__":
    main()
