"""Point-in-polygon assignment: the STRtree index against the obvious loop, in one run.

    .venv/bin/python bench/point_in_polygon.py [--points 1000000] [--naive-points 20000]

Inputs: the demo city's 88 neighborhoods (seed 2026), and the city's real 88 neighborhoods
when ../shared/data is present; uniform random points over the city's bounding box (seed 1).
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from safercity.core import geo
from safercity.demo.engine import build_city

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
REAL = SHARED / "boundaries" / "city_nbrhds_wards" / "BND_Nhd88_cw.shp"


def measure(name: str, polygons: list, points: int, naive_points: int) -> None:
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = shapely.union_all(polygons).bounds
    lons = rng.uniform(minx, maxx, points)
    lats = rng.uniform(miny, maxy, points)

    started = time.perf_counter()
    index = geo.PolygonIndex(polygons)
    build = time.perf_counter() - started

    started = time.perf_counter()
    found = index.locate(lons, lats)
    indexed = time.perf_counter() - started

    started = time.perf_counter()
    naive = geo.locate_naive(polygons, lons[:naive_points], lats[:naive_points])
    looped = time.perf_counter() - started

    assert (found[:naive_points] == naive).all(), "the index and the loop disagree"
    per_point_index = indexed / points
    per_point_loop = looped / naive_points
    print(
        f"| {name} | {len(polygons)} | {points:,} | {build * 1000:.1f} ms | "
        f"{indexed:.2f} s ({points / indexed:,.0f}/s) | "
        f"{naive_points:,}: {looped:.2f} s ({naive_points / looped:,.0f}/s) | "
        f"{per_point_loop / per_point_index:.0f}x | {(found >= 0).mean():.1%} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--naive-points", type=int, default=20_000)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, shapely {shapely.__version__}")
    print(
        "| polygons | count | points | index build | index locate | obvious loop | speed-up |",
        end="",
    )
    print(" inside |")
    print("|---|---|---|---|---|---|---|---|")
    demo = [a.shape for a in build_city(scale=0.001).neighborhoods]
    measure("demo neighborhoods", demo, args.points, args.naive_points)
    if REAL.exists():
        real = [f.geometry for f in geo.read_boundaries(REAL).features]
        measure("St. Louis neighborhoods (real)", real, args.points, args.naive_points)
    else:
        print("(real boundaries absent: ../shared/data not found)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
