"""GET /open311/v2/requests.json with filters over many requests, on SQLite and PostgreSQL,
against a bare Django view answering the same way (a ratio in one run).

    .venv/bin/python bench/open311.py [--requests 1000000] [--repeats 200] [--only sqlite]

Inputs: the demo catalog (12 services) and N synthetic requests spread over two years
(seed 7), inserted with bulk_create (seeding only: the API's write path is tested elsewhere).
Each query shape is asked `repeats` times through Django's test client (in-process, no
network), after one warm-up: each time first with the response cache emptied (as after a
change to the feed), then once more (answered from the cache); the bare view is a function
returning a fixed JSON list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def run(backend: str, count: int, repeats: int) -> None:
    import django
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.http import JsonResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path
    from django.utils import timezone

    django.setup()
    from safercity.core.actors import command_actor
    from safercity.service311.models import Service, ServiceRequest
    from safercity.service311.services.catalog import DEMO_CATALOG, catalog_load

    call_command("migrate", verbosity=0)
    catalog_load(actor=command_actor("bench"), specs=DEMO_CATALOG, source="bench")
    services = list(Service.objects.all())
    rng = np.random.default_rng(7)
    now = timezone.now().replace(microsecond=0)
    started = time.perf_counter()
    batch = 20_000
    for first in range(0, count, batch):
        size = min(batch, count - first)
        ages = rng.uniform(0, 730 * 86_400, size)
        picks = rng.integers(0, len(services), size)
        closed = rng.random(size) < 0.8
        rows = []
        for age, pick, done in zip(ages, picks, closed, strict=True):
            opened = now - timedelta(seconds=float(age))
            service = services[int(pick)]
            rows.append(
                ServiceRequest(
                    service=service,
                    status="closed" if done else "open",
                    requested_datetime=opened,
                    updated_datetime=opened + timedelta(days=1),
                    expected_datetime=opened + timedelta(days=service.sla_days),
                    lat=38.55 + float(rng.random()) * 0.2,
                    long=-90.32 + float(rng.random()) * 0.15,
                    description="synthetic",
                )
            )
        ServiceRequest.objects.bulk_create(rows, batch_size=5000)
    seeded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def bare(request):  # type: ignore[no-untyped-def]
        return JsonResponse([{"service_request_id": "1", "status": "open"}], safe=False)

    urlconf = type("urls", (), {})
    from safercity import urls as real

    urlconf.urlpatterns = [path("bare/", bare), *real.urlpatterns]
    client = Client()
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    some_ids = ",".join(
        str(i) for i in ServiceRequest.objects.order_by("?").values_list("id", flat=True)[:10]
    )
    shapes = {
        "bare Django view": ("/bare/", {}),
        "one service, open, 30 days, page of 100": (
            "/open311/v2/requests.json",
            {
                "service_code": "POTHOLE",
                "status": "open",
                "page_size": 100,
                "start_date": (now - timedelta(days=30)).strftime(fmt),
                "end_date": now.strftime(fmt),
            },
        ),
        "default: last 90 days, first 1000": ("/open311/v2/requests.json", {}),
        "10 ids": ("/open311/v2/requests.json", {"service_request_id": some_ids}),
        "updated in the last day, page of 100": (
            "/open311/v2/requests.json",
            {"updated_after": (now - timedelta(days=1)).strftime(fmt), "page_size": 100},
        ),
        "XML, two services, closed, 7 days": (
            "/open311/v2/requests.xml",
            {
                "service_code": "RATS,NOISE",
                "status": "closed",
                "start_date": (now - timedelta(days=7)).strftime(fmt),
            },
        ),
    }
    from safercity.service311 import feedcache

    results = {}
    with override_settings(ROOT_URLCONF=urlconf, ALLOWED_HOSTS=["testserver"]):
        for label, (url, params) in shapes.items():
            assert client.get(url, params).status_code == 200, label
            fresh, kept = [], []
            for _ in range(repeats):
                # First as a feed that has just changed (nothing kept), then asked again.
                feedcache.forget()
                for samples in (fresh, kept):
                    begun = time.perf_counter()
                    response = client.get(url, params)
                    samples.append((time.perf_counter() - begun) * 1000)
                    assert response.status_code == 200
            results[label] = (*percentiles(fresh), *percentiles(kept), len(response.content))
    bare_p50 = results["bare Django view"][0]
    for label, (p50, p95, kept50, kept95, size) in results.items():
        print(
            f"| {backend} | {count:,} | {label} | {p50:.2f} ms | {p95:.2f} ms | "
            f"{p50 / bare_p50:.1f}x | {kept50:.2f} ms | {kept95:.2f} ms | {size:,} B |"
        )
    print(f"| {backend} | {count:,} | (seeding with bulk_create: {seeded:.0f} s) | | | | | | |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.requests, args.repeats)
        return
    print(
        "| database | requests | query | p50 | p95 | p50 / bare view "
        "| p50 asked again | p95 asked again | response |"
    )
    print("|---|---|---|---|---|---|---|---|---|")

    for_each_database(
        __file__, ["--requests", str(args.requests), "--repeats", str(args.repeats)], args.only
    )


if __name__ == "__main__":
    main()
