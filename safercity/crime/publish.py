"""Open crime data: what the public may download, through the publication rules.

Counts of 1 to 10 are hidden (with complementary suppression, so no total gives them away);
sexual, family and juvenile offenses are placed at the centre of a 250 m square; no names
and no house numbers (an address becomes its block). Files are written by the crime_publish
command, not computed in requests.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from django.db.models import Sum
from django.db.models.functions import ExtractYear

from safercity.core.inputs import plain_id
from safercity.core.models import Neighborhood
from safercity.core.publication import Cell, public_location, suppress_series, suppress_table
from safercity.crime.compstat import hexagon_counts, hexagon_feature
from safercity.crime.models import CrimeRecord

GROUPS: dict[str, list[int]] = {
    "violent": [1, 2, 3, 4],
    "property": [5, 6, 7, 8],
    "other": list(range(9, 27)),
}
FILES = (
    "neighborhood-year.csv",
    "neighborhood-year.parquet",
    "neighborhood-year.geojson",
    "hexagons.geojson",
    "records.csv",
)


@dataclass(frozen=True)
class PublicCount:
    neighborhood: int
    name: str
    year: int
    group: str
    cell: Cell


def neighborhood_years() -> list[PublicCount]:
    names = dict(Neighborhood.objects.values_list("number", "name"))
    published: list[PublicCount] = []
    for group, classes in GROUPS.items():
        rows = (
            CrimeRecord.objects.filter(ucr_class__in=classes, neighborhood_number__gt=0)
            .annotate(year=ExtractYear("coded_month"))
            .values("neighborhood_number", "year")
            .annotate(total=Sum("count"))
        )
        counts: dict[tuple[int, int], int] = {}
        for row in rows:
            counts[(row["neighborhood_number"], row["year"])] = max(0, row["total"] or 0)
        hoods = sorted({h for h, _ in counts})
        years = sorted({y for _, y in counts})
        if not hoods:
            continue
        table = [[counts.get((h, y), 0) for y in years] for h in hoods]
        cells, _, _, _ = suppress_table(table)
        for i, hood in enumerate(hoods):
            for j, year in enumerate(years):
                published.append(
                    PublicCount(hood, names.get(hood, str(hood)), year, group, cells[i][j])
                )
    return published


def _count_csv(counts: list[PublicCount]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["neighborhood", "name", "year", "offense_group", "count", "suppressed"])
    for c in counts:
        writer.writerow(
            [
                c.neighborhood,
                c.name,
                c.year,
                c.group,
                "" if c.cell.suppressed else c.cell.value,
                c.cell.reason,
            ]
        )
    return out.getvalue()


def _count_parquet(counts: list[PublicCount], path: Path) -> None:
    table = pa.table(
        {
            "neighborhood": pa.array([c.neighborhood for c in counts], pa.int16()),
            "name": [c.name for c in counts],
            "year": pa.array([c.year for c in counts], pa.int16()),
            "offense_group": [c.group for c in counts],
            "count": pa.array([c.cell.value for c in counts], pa.int32()),
            "suppressed": [c.cell.reason for c in counts],
        }
    )
    pq.write_table(table, path)


def _count_geojson(counts: list[PublicCount], year: int) -> dict[str, Any]:
    shapes = {n.number: n.geometry for n in Neighborhood.objects.all()}
    properties: dict[int, dict[str, Any]] = defaultdict(dict)
    for c in counts:
        if c.year == year:
            properties[c.neighborhood] |= {
                "number": c.neighborhood,
                "name": c.name,
                "year": year,
                c.group: c.cell.value,
            }
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": props, "geometry": shapes[number]}
            for number, props in sorted(properties.items())
            if number in shapes
        ],
    }


def _hexagons(year: int) -> dict[str, Any]:
    from datetime import date

    features = []
    for group, classes in GROUPS.items():
        counts = hexagon_counts(date(year, 1, 1), date(year + 1, 1, 1), classes)
        cells_order = sorted(counts)
        shown, _ = suppress_series([max(0, counts[c]) for c in cells_order])
        for cell, value in zip(cells_order, shown, strict=True):
            feature = hexagon_feature(cell, value.value)
            feature["properties"].update(offense_group=group, year=year)
            features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def _block(address: str) -> str:
    """ "4900 MAPLE AVE" -> "4900 block of MAPLE AVE" (the hundred block, no house number)."""
    number, _, street = address.partition(" ")
    house = plain_id(number)
    if house is not None:
        return f"{house // 100 * 100} block of {street}" if street else ""
    return address


def _records_csv(year: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "complaint",
            "coded_month",
            "occurred_date",
            "ucr_code",
            "description",
            "district",
            "neighborhood",
            "block",
            "lat",
            "lon",
            "location_generalized",
        ]
    )
    records = CrimeRecord.objects.filter(coded_month__year=year, count=1).order_by(
        "coded_month", "id"
    )
    for r in records.iterator(chunk_size=10_000):
        lat, lon, moved = r.lat, r.lon, False
        if lat is not None and lon is not None:
            new_lon, new_lat = public_location(lon, lat, r.category)
            moved = (new_lon, new_lat) != (lon, lat)
            lon, lat = round(new_lon, 6), round(new_lat, 6)
        block = "" if moved else _block(r.address)  # a generalised record keeps no street
        writer.writerow(
            [
                r.complaint,
                f"{r.coded_month:%Y-%m}",
                r.occurred_at.date() if r.occurred_at else "",
                r.ucr_code,
                r.description,
                r.district,
                r.neighborhood_number,
                block,
                lat if lat is not None else "",
                lon if lon is not None else "",
                "yes" if moved else "no",
            ]
        )
    return out.getvalue()


def publish(folder: Path) -> dict[str, int]:
    """Write every public file; returns their sizes."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = neighborhood_years()
    years = sorted({c.year for c in counts})
    latest = years[-1] if years else None
    (folder / "neighborhood-year.csv").write_text(_count_csv(counts), encoding="utf-8")
    _count_parquet(counts, folder / "neighborhood-year.parquet")
    if latest is not None:
        (folder / "neighborhood-year.geojson").write_text(
            json.dumps(_count_geojson(counts, latest))
        )
        (folder / "hexagons.geojson").write_text(json.dumps(_hexagons(latest)))
        (folder / "records.csv").write_text(_records_csv(latest), encoding="utf-8")
    return {name: (folder / name).stat().st_size for name in FILES if (folder / name).exists()}
