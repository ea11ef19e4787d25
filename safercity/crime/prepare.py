"""An SLMPD legacy file read into the rows the write path stores: parsed, reprojected,
categorised and given its identity. Plain Python (no Django), so that the import can run it in
a second process while the first writes the previous file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from multiprocessing import get_context
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from safercity.core import geo
from safercity.crime import revisions
from safercity.crime.legacy import LegacyRecord, Rejected, read_legacy

NEW_DISTRICTS = date(2014, 1, 1)  # nine districts before 2014, six after
SEXUAL_CLASSES = {2, 17}  # rape; sex offenses
FAMILY_CLASSES = {20}  # offenses against the family and children
JUVENILE_WORDS = ("JUV", "CHILD", "MINOR", "RUNAWAY")
SEXUAL, FAMILY, JUVENILE, OTHER = "sexual", "family", "juvenile", "other"  # CrimeRecord.Category

# The columns a row carries after the stated ones, in this order.
DERIVED = (
    "source_line",
    "ucr_class",
    "category",
    "district_plan",
    "neighborhood_id",
    "lat",
    "lon",
)


def category_of(record: LegacyRecord) -> str:
    """Which publication rule applies: sexual, family and juvenile records are generalised."""
    if (
        record.ucr_class in SEXUAL_CLASSES
        or "SEX" in record.description
        or "RAPE" in record.description
    ):
        return SEXUAL
    if any(word in record.description for word in JUVENILE_WORDS):
        return JUVENILE
    if record.ucr_class in FAMILY_CLASSES or "DOMESTIC" in record.description:
        return FAMILY
    return OTHER


class Row(NamedTuple):  # a tuple: it crosses between processes several times faster
    month: str
    identity: str
    stated: tuple[Any, ...]  # revisions.STATED
    derived: tuple[Any, ...]  # DERIVED


@dataclass
class Prepared:
    variant: str
    coded_month: date | None
    rejected: list[Rejected] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def prepare(data: bytes | str, hoods: dict[int, int], zone_name: str) -> Prepared:
    """One file's rows; `hoods` maps neighborhood numbers to their stored ids."""
    parsed = read_legacy(data)
    zone = ZoneInfo(zone_name)
    records = parsed.records
    lon, lat = geo.state_plane_to_wgs84([r.x for r in records], [r.y for r in records])
    rows = []
    months: dict[date, str] = {}
    categories: dict[tuple[int, str], str] = {}  # descriptions repeat: decide each once
    for record, longitude, latitude in zip(records, lon, lat, strict=True):
        located = bool(longitude == longitude)  # NaN where not geocoded
        month = months.get(record.coded_month)
        if month is None:
            month = months[record.coded_month] = f"{record.coded_month:%Y-%m}"
        category = categories.get((record.ucr_code, record.description))
        if category is None:
            category = categories[(record.ucr_code, record.description)] = category_of(record)
        # 01/01/1900 stands for "date unknown" in these files.
        occurred = record.occurred.replace(tzinfo=zone) if record.occurred.year > 1900 else None
        stated = (
            record.complaint[:20],
            record.coded_month,
            occurred,
            record.count,
            record.ucr_code,
            record.description[:120],
            record.district,
            record.neighborhood,
            record.address[:120],
            record.location_name[:120],
            record.x,
            record.y,
            record.flag_unfounded,
            record.flag_administrative,
            record.flag_cleanup,
        )
        derived = (
            record.line,
            record.ucr_class,
            category,
            "2014" if record.coded_month >= NEW_DISTRICTS else "2008",
            hoods.get(record.neighborhood),
            float(latitude) if located else None,
            float(longitude) if located else None,
        )
        rows.append(Row(month, revisions.identity(stated), stated, derived))
    return Prepared(parsed.variant, parsed.coded_month, parsed.rejected, rows)


def prepared_files(
    files: Iterable[tuple[str, bytes]], hoods: dict[int, int], zone_name: str
) -> Iterator[tuple[str, Prepared]]:
    """Each file prepared, in order. With more than one file, a second process prepares the
    next while the caller stores this one (two files in flight at most, so memory stays
    bounded); a single file is prepared here, and so is every file if the second process
    cannot start or dies (the import is slower, never different)."""
    files = iter(files)
    first = next(files, None)
    if first is None:
        return
    second = next(files, None)
    if second is None:
        yield first[0], prepare(first[1], hoods, zone_name)
        return
    waiting = [first, second]
    # Spawned, not forked: a forked child would share the parent's database connection.
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        futures: list[Future[Prepared] | None] = []
        for _, data in waiting:
            futures.append(_submit(pool, data, hoods, zone_name))
        while waiting:
            (name, data), future = waiting.pop(0), futures.pop(0)
            following = next(files, None)
            if following is not None:
                waiting.append(following)
                futures.append(_submit(pool, following[1], hoods, zone_name))
            yield name, _result(future, data, hoods, zone_name)


def _submit(
    pool: ProcessPoolExecutor, data: bytes, hoods: dict[int, int], zone_name: str
) -> Future[Prepared] | None:
    try:
        return pool.submit(prepare, data, hoods, zone_name)
    except (BrokenProcessPool, RuntimeError, OSError):
        return None


def _result(
    future: Future[Prepared] | None, data: bytes, hoods: dict[int, int], zone_name: str
) -> Prepared:
    if future is not None:
        try:
            return future.result()
        except (BrokenProcessPool, OSError):
            pass
    return prepare(data, hoods, zone_name)
