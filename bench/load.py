"""Public pages under load through the production server (gunicorn, DEBUG=0, whitenoise),
20 concurrent clients, next to a bare Django view through the same server in the same run.

    .venv/bin/python bench/load.py [--seconds 10] [--connections 20] [--scale 0.25]
                                   [--requests 1000000] [--only sqlite|postgres]

Setup (not timed): a fresh database (a SQLite file, or a throwaway PostgreSQL server), the
demo city at --scale, the SLMPD legacy files for 2018-2019 from ../shared/data when present (so
the crime page has real CompStat tables and a chart), N synthetic 311 requests over two years
(bulk, as bench/open311.py seeds them), and each rollup computed once, as the worker does.
The load generator is wrk (Debian's `wrk`), 2 threads; p95 comes from wrk's latency histogram.
gunicorn runs 2 x cores + 1 workers, as in production.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import gunicorn  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("P50_US %d\\n", latency:percentile(50)))
  io.write(string.format("ERRORS %d\\n", summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""
PAGES = {
    "bare Django view (baseline)": "/bench/bare/",
    "public scorecard": "/",
    "public crime page": "/crime/",
    "public landlords page (commitment 6)": "/landlords/",
    "Open311 services.json": "/open311/v2/services.json",
    "Open311 requests.json, default page (up to 1,000)": "/open311/v2/requests.json",
}

SEED = """
import numpy as np, time
from datetime import timedelta
from django.db import connection
from django.utils import timezone
from safercity.service311.models import Service, ServiceRequest
count = {count}
services = list(Service.objects.all())
rng = np.random.default_rng(7)
now = timezone.now().replace(microsecond=0)
for first in range(0, count, 20_000):
    size = min(20_000, count - first)
    ages = rng.uniform(0, 730 * 86_400, size)
    picks = rng.integers(0, len(services), size)
    rows = []
    for age, pick in zip(ages, picks):
        opened = now - timedelta(seconds=float(age))
        service = services[int(pick)]
        rows.append(ServiceRequest(service=service, status="closed", requested_datetime=opened,
            updated_datetime=opened + timedelta(days=1),
            expected_datetime=opened + timedelta(days=service.sla_days),
            lat=38.55 + float(rng.random()) * 0.2, long=-90.32 + float(rng.random()) * 0.15,
            description="synthetic"))
    ServiceRequest.objects.bulk_create(rows, batch_size=5000)
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
from safercity.core.rollups import ROLLUPS, rollup_refresh
for name in ROLLUPS:
    print(name, round(rollup_refresh(name).seconds, 2), "s")
"""


def _safercity(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "safercity"), *args],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"safercity {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wrk(url: str, seconds: int, connections: int, script: Path) -> dict[str, float]:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = done.stdout
    if "Requests/sec" not in out or "P95_US" not in out:
        raise SystemExit(f"wrk said:\n{out}\n{done.stderr}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p95 = int(re.search(r"P95_US (\d+)", out).group(1)) / 1000  # type: ignore[union-attr]
    p50 = int(re.search(r"P50_US (\d+)", out).group(1)) / 1000  # type: ignore[union-attr]
    errors = int(re.search(r"ERRORS (\d+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": rate,
        "p50": p50,
        "p95": p95,
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def run(backend: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFERCITY_", "DJANGO_"))}
        env.update(
            DEBUG="0",
            SECRET_KEY="bench-only-" + "x" * 50,
            SAFERCITY_VAR=folder,
            DJANGO_SETTINGS_MODULE="bench.loadsettings",
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="ERROR",
            SAFERCITY_ACCESS_LOG="/dev/null",
            ALLOWED_HOSTS="127.0.0.1",
        )
        server = None
        if backend == "postgres":
            from tests.pgserver import PostgresServer

            server = PostgresServer.start()
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{server.port}/postgres"
        try:
            started = time.perf_counter()
            _safercity(env, "migrate", "--noinput", "-v", "0")
            _safercity(env, "collectstatic", "--noinput", "-v", "0")
            _safercity(env, "demo_load", "--scale", str(args.scale), "--no-staff")
            legacy = sorted((SHARED / "slmpd" / "legacy").glob("201[89]/*.csv"))
            if legacy:
                _safercity(env, "crime_import_legacy", *[str(p) for p in legacy])
            seeded = _safercity(env, "shell", "-v", "0", "-c", SEED.format(count=args.requests))
            print(f"setup {time.perf_counter() - started:.0f} s; rollups: {seeded.split()}")
            with gunicorn(env) as base:
                script = Path(folder) / "p95.lua"
                script.write_text(LUA)
                results = {}
                for label, url in PAGES.items():
                    _wrk(base + url, 2, args.connections, script)  # warm every worker
                    results[label] = _wrk(base + url, args.seconds, args.connections, script)
                    print(label, results[label], flush=True)
        finally:
            if server:
                server.stop()
    bare = results["bare Django view (baseline)"]["rate"]
    for label, r in results.items():
        print(
            f"| {backend} | {label} | {r['rate']:,.0f} req/s | p50 {r['p50']:.1f} ms | "
            f"p95 {r['p95']:.1f} ms | {r['rate'] / bare:.2f} of bare | {r['errors']:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.25)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print("| database | page | throughput | p50 | p95 | share of the bare view | errors |")
    print("|---|---|---|---|---|---|---|")
    for backend in [args.only] if args.only else ["sqlite", "postgres"]:
        run(backend, args)


if __name__ == "__main__":
    main()
