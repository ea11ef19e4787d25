"""The service directory in HSDS 3.0: importing a large directory file, importing it again
(nothing changes), and paging through the public API fully nested, on SQLite and PostgreSQL.

    .venv/bin/python bench/directory.py [--services 5000] [--only postgres]

Inputs (seed 3): `services` services of services/10 organizations, each with a phone, two
languages, weekly hours, one location with an address, one capacity and its type as a
taxonomy term, written as one HSDS JSON list (what another directory's export looks like).
Measured: hsds_import of the file (schema check, rules, writes; one transaction); the same
file again (every service matched by id, nothing written); GET /api/hsds/services with
full=true, 100 a page, every page (p50/p95 per page). Baselines in the same run: the first
import for the second, and the one-to-one listing (100 a page) for the nested pages.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402

KINDS = ("addiction", "mental health", "housing", "crisis", "youth", "jobs")


def directory(count: int) -> bytes:
    chance = random.Random(3)
    space = uuid.UUID("6a1f2c3e-0000-4000-8000-000000000000")

    def uid(*parts: object) -> str:
        return str(uuid.uuid5(space, ":".join(map(str, parts))))

    records = []
    for n in range(count):
        org = n // 10
        records.append({
            "id": uid("s", n), "name": f"Service {n}", "status": "active",
            "description": "Bench service " * 8,
            "organization": {"id": uid("o", org), "name": f"Organization {org}",
                             "description": "Bench organization"},
            "phones": [{"id": uid("p", n), "number": f"314-555-{n % 10000:04d}"}],
            "languages": [{"id": uid("l", n), "code": "en"}, {"id": uid("m", n), "code": "es"}],
            "schedules": [{"id": uid("h", n), "byday": "MO,TU,WE,TH,FR", "opens_at": "08:00",
                           "closes_at": "18:00"}],
            "service_at_locations": [{"id": uid("a", n), "location": {
                "id": uid("x", n), "location_type": "physical", "name": f"Site {n}",
                "latitude": 38.6 + chance.random() / 10, "longitude": -90.3 + chance.random() / 10,
                "addresses": [{"address_1": f"{n} Market St", "city": "St. Louis",
                               "state_province": "MO", "postal_code": "63101"}]}}],
            "capacities": [{"id": uid("c", n), "unit": {"id": uid("u", "bed"), "name": "bed"},
                            "available": chance.randrange(0, 20), "maximum": 20,
                            "updated": "2026-12-01T12:00:00+00:00"}],
            "attributes": [{"taxonomy_term": {"code": chance.choice(KINDS)}}],
        })  # fmt: skip
    return json.dumps(records).encode()


def _pages(client: object, query: str, total: int) -> list[float]:
    times = []
    for page in range(1, total // 100 + 2):
        started = time.perf_counter()
        answer = client.get(f"/api/hsds/services?per_page=100&page={page}{query}")  # type: ignore[attr-defined]
        times.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.content[:300]
        if answer.json()["last_page"]:
            break
    return times


def _p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100)[q - 1] if len(times) > 1 else times[0]


def run(backend: str, count: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from safercity.core.actors import command_actor
    from safercity.equity import hsds

    call_command("migrate", verbosity=0)
    data = directory(count)
    actor = command_actor("bench")
    started = time.perf_counter()
    first = hsds.hsds_import(actor=actor, data=data)
    first_s = time.perf_counter() - started
    assert first.created == count, first.rejected[:3]
    started = time.perf_counter()
    again = hsds.hsds_import(actor=actor, data=data)
    again_s = time.perf_counter() - started
    assert again.unchanged == count
    client = Client()
    nested = _pages(client, "&full=true", count)
    flat = _pages(client, "", count)
    size = f"{count:,} services ({len(data) / 1e6:.1f} MB)"
    print(f"| {backend} | import {size} | {first_s:.1f} s ({count / first_s:,.0f}/s) | — | — |")
    print(
        f"| {backend} | the same file again | {again_s:.1f} s | first import {first_s:.1f} s "
        f"| {again_s / first_s:.2f}x |"
    )
    print(f"| {backend} | a page of 100, full=true | p50 {_p(nested, 50) * 1000:.0f} ms, "
          f"p95 {_p(nested, 95) * 1000:.0f} ms | one-to-one page p50 {_p(flat, 50) * 1000:.0f} ms "
          f"| {_p(nested, 50) / _p(flat, 50):.1f}x |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=5000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.services)
        return
    print("| database | what | time | baseline | ratio |")
    print("|---|---|---|---|---|")
    for_each_database(__file__, ["--services", str(args.services)], args.only)


if __name__ == "__main__":
    main()
