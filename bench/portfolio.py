"""Owner-portfolio resolution at St. Louis size (135k parcels) and New York size (1M).

    .venv/bin/python bench/portfolio.py [--sizes 135000 1000000]

Inputs: synthetic parcels from the demo's owner generator (safercity.properties.engine.demo):
owner-occupants, small landlords, company families of Zipf size writing their names and
addresses in several ways, a shared registered agent, the land bank. Sites are synthetic street
addresses. Measured: `resolve` end to end (name and address normalization, exact and fuzzy
links, components, Louvain for big groups), the process's peak resident memory, and its pairwise
precision and recall against the generator's true landlords. Baseline in the same run: the
simplest grouping (a dict on the raw owner name), the floor for any pass over the owners.
Goals: under 10 s at 135k and under 2 min at 1M.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from safercity.properties.engine.demo import Site, generate  # noqa: E402
from safercity.properties.engine.portfolio import (  # noqa: E402
    OwnerInput,
    pairwise_agreement,
    resolve,
)

GOALS = {135_000: 10.0, 1_000_000: 120.0}


def run(size: int) -> None:
    names = ("OAK", "ELM", "ASH", "PINE", "CEDAR", "WALNUT", "CHERRY", "HICKORY", "LINDEN", "MAPLE")
    streets = [f"{p} {t}" for p in names for t in ("ST", "AVE", "BLVD", "PL")]
    sites = [
        Site(100 + 2 * (i // 40), streets[i % 40], f"631{i % 39 + 1:02d}") for i in range(size)
    ]
    parcels = generate(sites, seed=2026)
    rows = [OwnerInput(p.owner_name, p.owner_addr, p.owner_city, p.owner_state, p.owner_zip)
            for p in parcels]  # fmt: skip
    del sites
    start = time.perf_counter()
    groups: dict[str, int] = {}
    _ = [groups.setdefault(r.name, len(groups)) for r in rows]
    baseline = time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    result = resolve(rows)
    took = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    grew = peak - before * 1024
    truth = np.array([p.landlord for p in parcels])
    found = result.group_of_owner[result.owner_of_parcel]
    private = truth >= 0
    precision, recall = pairwise_agreement(found[private].tolist(), truth[private].tolist())
    goal = GOALS.get(size)
    verdict = (
        "" if goal is None else f" (goal < {goal:.0f} s: {'met' if took < goal else 'MISSED'})"
    )
    print(
        f"{size:>9,} parcels: resolve {took:6.1f} s{verdict}; raw-name dict baseline "
        f"{baseline:.2f} s (ratio {took / baseline:,.0f}x); "
        f"peak RSS {peak / 2**20:,.0f} MiB (+{grew / 2**20:,.0f} MiB in resolve); "
        f"{len(result.owners):,} owners -> {result.groups:,} portfolios, "
        f"{len(result.split_groups)} from Louvain splits; pairwise precision {precision:.4f}, "
        f"recall {recall:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[135_000, 1_000_000])
    for size in parser.parse_args().sizes:
        run(size)


if __name__ == "__main__":
    main()
