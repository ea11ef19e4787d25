"""The synthetic demo city: deterministic geography and addresses calibrated to St. Louis.

Plain Python (no Django). The same seed and scale always give the same city. Nothing here is
copied from real data: only the committed calibration table's totals are used.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import MultiPoint, Polygon
from shapely.geometry.base import BaseGeometry

from safercity.core.geo import (
    MISSOURI_EAST_FEET,
    MISSOURI_EAST_METRES,
    WGS84,
    project_points,
    reproject,
)
from safercity.core.months import month_after, month_before

CALIBRATION_PATH = Path(__file__).with_name("calibration.csv")
# The synthetic city sits where St. Louis is, in Missouri East metres (about 38.64 N, 90.24 W).
CENTRE_X, CENTRE_Y = 269_000.0, 313_000.0
ELONGATION = 3.3  # St. Louis runs about 3.3 times longer north-south than east-west
TILT = math.radians(20)  # along the river, from south-south-west to north-north-east
SQ_MI_TO_SQ_M = 2_589_988.110336
BLOCK_M, STREET_SPACING_M = 110.0, 90.0

PREFIXES = (
    "Oak",
    "Maple",
    "Cedar",
    "Elm",
    "Willow",
    "Aspen",
    "Birch",
    "Linden",
    "Hickory",
    "Walnut",
    "Chestnut",
    "Sycamore",
    "Magnolia",
    "Laurel",
    "Juniper",
    "Poplar",
    "Spruce",
    "Hawthorn",
    "Mulberry",
    "Dogwood",
    "Redbud",
    "Catalpa",
    "Pecan",
    "Cypress",
    "Alder",
    "Holly",
    "Ivy",
    "Clover",
    "Meadow",
    "River",
    "Bluff",
    "Prairie",
    "Lantern",
    "Market",
    "Union",
    "Harbor",
    "Founders",
    "Garden",
    "Mill",
    "Quarry",
    "Brewery",
    "Arsenal",
    "Gravois",
    "Carondel",
)
SUFFIXES = (
    "Heights",
    "Hill",
    "Place",
    "Square",
    "Grove",
    "Gardens",
    "Row",
    "Commons",
    "Village",
    "Terrace",
    "Point",
    "Crossing",
    "Landing",
)
STREET_TYPES = ("St", "Ave", "Blvd", "Pl", "Dr")


@dataclass(frozen=True)
class CalibrationRow:
    key: str
    value: float
    unit: str
    source: str
    note: str


class Calibration:
    def __init__(self, rows: list[CalibrationRow]) -> None:
        self.rows = rows
        self._by_key = {row.key: row for row in rows}

    def __getitem__(self, key: str) -> float:
        return self._by_key[key].value

    def crime_mix(self) -> dict[str, float]:
        """Share of 2019 offenses by UCR class ("01" homicide ... "26" other)."""
        counts = {
            row.key.rsplit("_", 1)[1]: row.value
            for row in self.rows
            if row.key.startswith("crimes_2019_ucr_")
        }
        total = sum(counts.values())
        return {code: count / total for code, count in sorted(counts.items())}


def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    with path.open(newline="", encoding="utf-8") as handle:
        return Calibration(
            [
                CalibrationRow(r["key"], float(r["value"]), r["unit"], r["source"], r["note"])
                for r in csv.DictReader(handle)
            ]
        )


def annual_volumes(calibration: Calibration, scale: float) -> dict[str, int]:
    """Yearly volumes that the demo streams of later modules generate."""
    return {
        "calls_911": round(calibration["calls_911_per_year"] * scale),
        "requests_311": round(calibration["requests_311_per_year"] * scale),
        "crimes": round(calibration["crimes_2019"] * scale),
    }


@dataclass(frozen=True)
class Area:
    number: int
    name: str
    shape: BaseGeometry  # WGS84
    population: int
    is_park: bool = False


@dataclass(frozen=True)
class AddressPoint:
    house_number: int
    street: str
    zip_code: str
    lon: float
    lat: float
    neighborhood: int


@dataclass(frozen=True)
class DemoCity:
    outline: BaseGeometry  # WGS84
    neighborhoods: list[Area]
    wards: list[Area]
    districts: list[Area]
    addresses: list[AddressPoint]

    @cached_property
    def population(self) -> int:
        return sum(area.population for area in self.neighborhoods)


FloatArray = npt.NDArray[np.float64]


def _outline(rng: np.random.Generator, area_sq_m: float) -> Polygon:
    """A lobed, tilted ellipse of the calibrated area: the synthetic city limit (metres)."""
    angles = np.linspace(0, 2 * math.pi, 180, endpoint=False)
    radius = np.ones_like(angles)
    for harmonic in (2, 3, 5):
        radius += rng.uniform(0.02, 0.06) * np.sin(harmonic * angles + rng.uniform(0, 2 * math.pi))
    x = radius * np.cos(angles)
    y = radius * np.sin(angles) * ELONGATION
    shape = Polygon(np.column_stack([x, y]))
    shape = shapely.affinity.scale(shape, *(2 * [math.sqrt(area_sq_m / shape.area)]), origin=(0, 0))
    shape = shapely.affinity.rotate(shape, -TILT, origin=(0, 0), use_radians=True)
    return shapely.affinity.translate(shape, CENTRE_X, CENTRE_Y)


def _sample_in(
    shape: BaseGeometry, count: int, rng: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """`count` uniform random points inside `shape` (rejection sampling, vectorised)."""
    if count == 0:
        return np.empty(0), np.empty(0)
    minx, miny, maxx, maxy = shape.bounds
    xs: list[FloatArray] = []
    ys: list[FloatArray] = []
    found = 0
    while found < count:
        batch = max(64, int((count - found) * 1.5 * (maxx - minx) * (maxy - miny) / shape.area))
        x = rng.uniform(minx, maxx, batch)
        y = rng.uniform(miny, maxy, batch)
        inside = shapely.contains_xy(shape, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        found += int(inside.sum())
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def _cells(outline: Polygon, count: int, rng: np.random.Generator, relax: int = 3) -> list[Polygon]:
    """Voronoi cells of `count` seeds inside the outline, relaxed towards even sizes (Lloyd)."""
    x, y = _sample_in(outline, count, rng)
    seeds = np.column_stack([x, y])
    cells: list[Polygon] = []
    for _ in range(relax + 1):
        diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline, ordered=True)
        cells = [cell.intersection(outline) for cell in diagram.geoms]
        seeds = np.array([[c.centroid.x, c.centroid.y] for c in cells])
    # Order north to south, then west to east, as St. Louis numbers run roughly south to north.
    order = sorted(
        range(count), key=lambda i: (round(cells[i].centroid.y, -2), cells[i].centroid.x)
    )
    return [cells[i] for i in order]


def _split(total: int, weights: FloatArray) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights`: sums exactly."""
    exact = total * weights / weights.sum()
    whole = np.floor(exact).astype(np.int64)
    for i in np.argsort(-(exact - whole))[: total - int(whole.sum())]:
        whole[i] += 1
    return [int(v) for v in whole]


def _names(rng: np.random.Generator, count: int) -> list[str]:
    pairs = [f"{p} {s}" for p in PREFIXES for s in SUFFIXES]
    picks = rng.choice(len(pairs), size=count, replace=False)
    return [pairs[i] for i in picks]


def _street_names(rng: np.random.Generator, count: int) -> list[str]:
    names = [f"{d}{p} {t}" for d in ("", "Old ", "New ") for p in PREFIXES for t in STREET_TYPES]
    if count > len(names):
        raise ValueError(f"the demo has names for {len(names)} streets, not {count}")
    return [names[i] for i in rng.permutation(len(names))[:count]]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} St"


def _to_wgs84(shape: BaseGeometry) -> BaseGeometry:
    return reproject(shape, MISSOURI_EAST_METRES, WGS84)


def _addresses(
    hoods: list[tuple[int, Polygon, int]],
    total: int,
    outline: Polygon,
    rng: np.random.Generator,
) -> list[AddressPoint]:
    """Addresses spread over residential neighborhoods in proportion to their population."""
    counts = _split(total, np.array([pop for _, _, pop in hoods], dtype=np.float64))
    minx, miny, _, _ = outline.bounds
    rows = int((outline.bounds[3] - miny) / STREET_SPACING_M) + 2
    east_west = _street_names(rng, rows)
    taken: set[tuple[int, str]] = set()
    points: list[AddressPoint] = []
    for (number, shape, _), count in zip(hoods, counts, strict=True):
        x, y = _sample_in(shape, count, rng)
        lon, lat = project_points(x, y, MISSOURI_EAST_METRES, WGS84)
        zip_code = f"631{number % 39 + 1:02d}"
        for i in range(count):
            dx, dy = x[i] - minx, y[i] - miny
            off_ew = abs(dy % STREET_SPACING_M - STREET_SPACING_M / 2)
            off_ns = abs(dx % BLOCK_M - BLOCK_M / 2)
            # The nearer street gives the address; the distance along it gives the number.
            if off_ew >= off_ns:
                street = east_west[int(dy // STREET_SPACING_M)]
                house = 100 * int(dx // BLOCK_M) + 2 * int((dx % BLOCK_M) / 2.4)
            else:
                street = _ordinal(1 + int(dx // BLOCK_M))
                house = 100 * int(dy // STREET_SPACING_M) + 2 * int((dy % STREET_SPACING_M) / 2)
            house += 1 if (dy if off_ew >= off_ns else dx) % 2 < 1 else 0
            house = max(house, 1)
            while (house, street) in taken:
                house += 2
            taken.add((house, street))
            points.append(
                AddressPoint(house, street, zip_code, float(lon[i]), float(lat[i]), number)
            )
    return points


def build_city(
    *, seed: int = 2026, scale: float = 1.0, calibration: Calibration | None = None
) -> DemoCity:
    """A deterministic synthetic city with St. Louis's size, divisions and population."""
    cal = calibration or load_calibration()
    if scale <= 0:
        raise ValueError("scale must be positive")
    rng = np.random.default_rng(seed)
    outline = _outline(rng, cal["land_area_sq_mi"] * SQ_MI_TO_SQ_M)
    residential = int(cal["neighborhoods_residential"])
    parks = int(cal["neighborhoods_parks"])
    cells = _cells(outline, residential + parks, rng)
    park_index = set(rng.choice(len(cells), size=parks, replace=False).tolist())
    names = _names(rng, len(cells))
    weights = rng.lognormal(mean=0.0, sigma=0.55, size=residential) * np.array(
        [c.area for i, c in enumerate(cells) if i not in park_index]
    )
    populations = iter(_split(int(cal["population"]), weights))
    hood_rows: list[tuple[int, Polygon, int, bool, str]] = []
    residential_number, park_number = 1, residential + 1
    for i, cell in enumerate(cells):
        if i in park_index:
            hood_rows.append((park_number, cell, 0, True, f"{names[i].split()[0]} Park"))
            park_number += 1
        else:
            hood_rows.append((residential_number, cell, next(populations), False, names[i]))
            residential_number += 1
    hood_rows.sort()

    wards = _wards(outline, hood_rows, int(cal["wards"]), rng)
    districts = _districts(hood_rows, int(cal["police_districts"]))
    addresses = _addresses(
        [(n, cell, pop) for n, cell, pop, park, _ in hood_rows if not park],
        round(cal["addresses"] * scale),
        outline,
        rng,
    )
    return DemoCity(
        outline=_to_wgs84(outline),
        neighborhoods=[
            Area(n, name, _to_wgs84(cell), pop, park) for n, cell, pop, park, name in hood_rows
        ],
        wards=wards,
        districts=districts,
        addresses=addresses,
    )


def _wards(
    outline: Polygon,
    hoods: list[tuple[int, Polygon, int, bool, str]],
    count: int,
    rng: np.random.Generator,
) -> list[Area]:
    """Ward cells; each ward's population is its share of the neighborhoods it overlaps."""
    cells = _cells(outline, count, rng)
    shares = np.array(
        [
            sum(pop * cell.intersection(hood).area / hood.area for _, hood, pop, _, _ in hoods)
            for cell in cells
        ]
    )
    populations = _split(sum(h[2] for h in hoods), shares)
    return [
        Area(number, f"Ward {number}", _to_wgs84(cell), population)
        for number, (cell, population) in enumerate(zip(cells, populations, strict=True), start=1)
    ]


def _districts(hoods: list[tuple[int, Polygon, int, bool, str]], count: int) -> list[Area]:
    """Districts are whole neighborhoods, in bands from south to north of about equal population."""
    along = sorted(hoods, key=lambda h: h[1].centroid.y)
    total = sum(h[2] for h in hoods)
    groups: list[list[tuple[int, Polygon, int, bool, str]]] = [[] for _ in range(count)]
    running = 0
    for hood in along:
        index = min(count - 1, int(running * count / max(total, 1)))
        groups[index].append(hood)
        running += hood[2]
    return [
        Area(
            number,
            f"District {number}",
            _to_wgs84(shapely.union_all([h[1] for h in group])),
            sum(h[2] for h in group),
        )
        for number, group in enumerate(groups, start=1)
        if group
    ]


# The shape of 911 demand over the day, week and year. ASSUMPTIONS, not St. Louis data: a
# typical public-safety answering point pattern (quiet before dawn, busiest in the evening,
# more calls on Fridays, Saturdays and in summer). Replace with the ECC's own counts.
HOURLY_SHAPE_911 = (
    0.75, 0.62, 0.52, 0.45, 0.40, 0.42, 0.55, 0.72, 0.88, 0.98, 1.04, 1.08,
    1.10, 1.12, 1.15, 1.20, 1.26, 1.32, 1.35, 1.34, 1.30, 1.22, 1.08, 0.92,
)  # fmt: skip
WEEKDAY_SHAPE_911 = (0.97, 0.95, 0.96, 0.98, 1.05, 1.08, 1.01)  # Monday first
MONTH_SHAPE_911 = (0.88, 0.86, 0.95, 0.98, 1.05, 1.09, 1.12, 1.11, 1.03, 1.00, 0.95, 0.98)


def expected_911_per_slot(first_day: date, days: int, calls_per_year: float) -> FloatArray:
    """Expected 911 calls in each 30-minute slot of each day: shape (days, 48)."""
    hourly = np.repeat(np.array(HOURLY_SHAPE_911), 2)
    hourly = hourly / hourly.sum()
    weekday = np.array(WEEKDAY_SHAPE_911) / np.mean(WEEKDAY_SHAPE_911)
    month = np.array(MONTH_SHAPE_911) / np.mean(MONTH_SHAPE_911)
    per_day = calls_per_year / 365.25
    rows = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        rows.append(per_day * weekday[day.weekday()] * month[day.month - 1] * hourly)
    return np.array(rows)


def calls_911(
    *,
    seed: int,
    first_day: date,
    days: int,
    scale: float = 1.0,
    calibration: Calibration | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Synthetic 911 calls: arrival (seconds from midnight of `first_day`, local time), handle
    and patience in seconds. Poisson arrivals in each slot at the expected rate."""
    cal = calibration or load_calibration()
    rng = np.random.default_rng(seed)
    expected = expected_911_per_slot(first_day, days, cal["calls_911_per_year"] * scale)
    counts = rng.poisson(expected).ravel()
    slot_starts = np.arange(counts.size) * 1800.0
    arrival = np.sort(np.repeat(slot_starts, counts) + rng.uniform(0, 1800, counts.sum()))
    size = arrival.size
    handle = rng.exponential(cal["aht_911_s"], size)
    patience = rng.exponential(cal["patience_911_s"], size)
    return arrival, handle, patience


# What each UCR class is published as in the demo's files: (code, description).
DEMO_OFFENCES: dict[str, tuple[int, str]] = {
    "01": (10000, "HOMICIDE"),
    "02": (21000, "RAPE-FORCIBLE"),
    "03": (31111, "ROBBERY-HIGHWAY-GUN"),
    "04": (41011, "AGG.ASSAULT-FIREARM/CITIZEN ADULT 1ST DEGREE"),
    "05": (52311, "BURGLARY-RESIDENCE/FORCIBLE ENTRY/NIGHT"),
    "06": (63811, "LARCENY-FROM MTR VEH $500 - $24,999"),
    "07": (71000, "AUTO THEFT-PERM RETNT/STOLEN"),
    "08": (81100, "ARSON-RESIDENCE/SINGLE OCCUPANCY"),
    "09": (91011, "ASSAULT-MISD/CITIZEN ADULT"),
    "10": (101000, "FORGERY"),
    "11": (111000, "FRAUD-CREDIT CARD"),
    "12": (121000, "EMBEZZLEMENT"),
    "13": (131000, "STOLEN PROPERTY-POSSESSION"),
    "14": (142320, "PROPERTY DAMAGE-PRIVATE"),
    "15": (151000, "WEAPONS-CARRY CONCEALED"),
    "16": (161000, "PROSTITUTION"),
    "17": (171000, "SEX OFFENSE-SEXUAL MISCONDUCT"),
    "18": (181000, "DRUGS-POSSESSION"),
    "20": (201000, "FAMILY OFFENSE-NONSUPPORT"),
    "21": (211000, "DWI/DUI"),
    "22": (221000, "LIQUOR LAWS"),
    "24": (241000, "DISORDERLY CONDUCT"),
    "25": (251000, "VAGRANCY"),
    "26": (261000, "ALL OTHER OFFENSES"),
}
LEGACY_HEADER = (
    "Complaint,CodedMonth,DateOccur,FlagCrime,FlagUnfounded,FlagAdministrative,Count,FlagCleanup,"
    "Crime,District,Description,ILEADSAddress,ILEADSStreet,Neighborhood,LocationName,"
    "LocationComment,CADAddress,CADStreet,XCoord,YCoord"
)
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


@dataclass(frozen=True)
class CrimePlace:
    """Where a demo offence can be recorded: an address with its areas."""

    house_number: int
    street: str
    neighborhood: int
    district: int
    lon: float
    lat: float


def crime_files(
    calibration: Calibration,
    places: list[CrimePlace],
    last_month: date,
    months: int,
    *,
    seed: int,
    scale: float = 1.0,
) -> list[tuple[str, bytes]]:
    """Monthly files in SLMPD's 20-column legacy layout, ending with `last_month`: each
    class at its 2019 St. Louis share of the year's offences, a summer peak, some offences
    coded a month or two after they happened, and about 1% reclassified later (a -1 row that
    cancels the earlier code and a +1 row with the new one, as SLMPD publishes them)."""
    rng = np.random.default_rng(seed)
    mix = calibration.crime_mix()
    per_month = calibration["crimes_2019"] * scale / 12
    x, y = project_points(
        [p.lon for p in places], [p.lat for p in places], WGS84, MISSOURI_EAST_FEET
    )
    month = last_month.replace(day=1)
    for _ in range(months - 1):
        month = month_before(month)
    files = []
    earlier: list[tuple[str, str, int, str]] = []  # (complaint, class, place, when) to reclassify
    serial = 0
    for _ in range(months):
        season = 1 + 0.15 * math.sin((month.month - 4) / 12 * 2 * math.pi)
        lines = [LEGACY_HEADER]
        following = month_after(month)
        for ucr_class, share in mix.items():
            for _ in range(int(rng.poisson(per_month * share * season))):
                serial += 1
                complaint = f"{month:%y}-{serial:06d}"
                place = int(rng.integers(len(places)))
                start = month
                for _ in range(int(rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, 2]))):
                    start = month_before(start)  # coded a month or two after it happened
                span = (month_after(start) - start).days
                occurred = start + timedelta(days=int(rng.integers(span)))
                minute = int(rng.integers(24 * 60))
                when = f"{occurred:%m/%d/%Y} {minute // 60:02}:{minute % 60:02}"
                lines.append(_legacy_line(complaint, month, when, 1, ucr_class, places[place],
                                          float(x[place]), float(y[place])))  # fmt: skip
                if rng.random() < 0.01:
                    earlier.append((complaint, ucr_class, place, when))
        # Last month's reclassifications appear in this month's file.
        for complaint, ucr_class, place, when in earlier[: len(earlier) // 2]:
            lines.append(_legacy_line(complaint, month, when, -1, ucr_class, places[place],
                                      float(x[place]), float(y[place])))  # fmt: skip
            lines.append(_legacy_line(complaint, month, when, 1, "26", places[place],
                                      float(x[place]), float(y[place])))  # fmt: skip
        earlier = earlier[len(earlier) // 2 :]
        name = f"{MONTH_NAMES[month.month - 1]}{month.year}.csv"
        files.append((name, ("\r\n".join(lines) + "\r\n").encode("utf-8")))
        month = following
    return files


def _legacy_line(
    complaint: str, month: date, when: str, count: int, ucr_class: str, place: CrimePlace,
    x: float, y: float,
) -> str:  # fmt: skip
    code, description = DEMO_OFFENCES[ucr_class]
    street = place.street.replace(",", " ")
    return (
        f"{complaint},{month:%Y-%m},{when},Y, , ,{count}, ,{code},{place.district},"
        f"{description.replace(',', ' ')},{place.house_number},{street},{place.neighborhood},"
        f", ,,,{x:.1f},{y:.1f}"
    )
