"""The CSB importer on the city's real export, scaled up, on SQLite and PostgreSQL.

    .venv/bin/python bench/csb.py [--copies 5] [--only sqlite]

Inputs: ../shared/data/csb311/stlcsb_january_2018.csv (1,554 rows, a real month of the city's
Citizens' Service Bureau export), written out `copies` times with new request ids (the same
rows otherwise) into one file, imported through the real write path (`import_csb`: read, check,
catalog, requests, audit) into a fresh database with the city's real neighborhoods. Baseline in
the same run: the shared reader alone (`core.tabular.read_table`) over the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import inspect
import io
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import for_each_database  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
JANUARY = DATA / "csb311" / "stlcsb_january_2018.csv"
NEIGHBORHOODS = DATA / "boundaries" / "city_nbrhds_wards" / "BND_Nhd88_cw.shp"


def scaled(copies: int) -> bytes:
    rows = list(csv.DictReader(io.StringIO(JANUARY.read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for copy in range(copies):
        for row in rows:
            writer.writerow({**row, "requestid": f"{row['requestid']}{copy:03d}"})
    return out.getvalue().encode()


def run(backend: str, copies: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from safercity.core.actors import command_actor
    from safercity.service311.importers import import_csb
    from safercity.service311.models import ServiceRequest

    call_command("migrate", verbosity=0)
    call_command("geo_import", "neighborhoods", str(NEIGHBORHOODS), verbosity=0)
    data = scaled(copies)
    rows = data.count(b"\n") - 1
    try:
        from safercity.core.tabular import read_table

        started = time.perf_counter()
        read_table(data)
        baseline = time.perf_counter() - started
    except ImportError:  # an older checkout, before the shared reader
        started = time.perf_counter()
        list(csv.DictReader(io.StringIO(data.decode())))
        baseline = time.perf_counter() - started
    argument = "data" if "data" in inspect.signature(import_csb).parameters else "text"
    payload = data if argument == "data" else data.decode()
    started = time.perf_counter()
    report = import_csb(actor=command_actor("bench"), **{argument: payload})
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stored = ServiceRequest.objects.count()
    print(
        f"| {backend} | {rows:,} rows ({copies} x January 2018) | {took:.1f} s "
        f"({rows / took:,.0f} rows/s) | reader alone {baseline:.2f} s | {took / baseline:.0f}x "
        f"| {stored:,} stored, {len(report.rejected):,} rejected | peak {peak:.0f} MiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.copies)
        return
    print("| database | input | import | baseline | ratio | outcome | memory |")
    print("|---|---|---|---|---|---|---|")
    for_each_database(__file__, ["--copies", str(args.copies)], args.only)


if __name__ == "__main__":
    main()
