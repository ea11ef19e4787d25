"""The crime write path: importers call these functions, which audit what they do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safercity.core import geo
from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.models import Neighborhood
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.crime.legacy import LegacyFile, LegacyRecord, Rejected, read_legacy
from safercity.crime.models import CrimeRecord

SOURCE = "slmpd-legacy"
BATCH = 5000
NEW_DISTRICTS = date(2014, 1, 1)  # nine districts before 2014, six after
SEXUAL_CLASSES = {2, 17}  # rape; sex offenses
FAMILY_CLASSES = {20}  # offenses against the family and children
JUVENILE_WORDS = ("JUV", "CHILD", "MINOR", "RUNAWAY")


def category_of(record: LegacyRecord) -> str:
    """Which publication rule applies: sexual, family and juvenile records are generalised."""
    if (
        record.ucr_class in SEXUAL_CLASSES
        or "SEX" in record.description
        or "RAPE" in record.description
    ):
        return CrimeRecord.Category.SEXUAL
    if any(word in record.description for word in JUVENILE_WORDS):
        return CrimeRecord.Category.JUVENILE
    if record.ucr_class in FAMILY_CLASSES or "DOMESTIC" in record.description:
        return CrimeRecord.Category.FAMILY
    return CrimeRecord.Category.OTHER


@dataclass
class FileReport:
    name: str
    variant: str
    coded_month: date | None
    created: int = 0
    already: int = 0
    rejected: list[Rejected] = field(default_factory=list)


def _aware(record: LegacyRecord, zone: ZoneInfo) -> datetime | None:
    """01/01/1900 stands for "date unknown" in these files."""
    if record.occurred.year <= 1900:
        return None
    return timezone.make_aware(record.occurred, zone)


def _objects(parsed: LegacyFile, hoods: dict[int, int], zone: ZoneInfo) -> list[CrimeRecord]:
    records = parsed.records
    lon, lat = geo.state_plane_to_wgs84([r.x for r in records], [r.y for r in records])
    objects = []
    for record, longitude, latitude in zip(records, lon, lat, strict=True):
        located = bool(longitude == longitude)  # NaN where not geocoded
        objects.append(
            CrimeRecord(
                source=SOURCE,
                source_key=f"{record.coded_month:%Y-%m}",
                source_line=record.line,
                complaint=record.complaint[:20],
                coded_month=record.coded_month,
                occurred_at=timezone.make_aware(record.occurred, zone)
                if record.occurred.year > 1900
                else None,
                count=record.count,
                ucr_code=record.ucr_code,
                ucr_class=record.ucr_class,
                category=category_of(record),
                description=record.description[:120],
                district=record.district,
                district_plan="2014" if record.coded_month >= NEW_DISTRICTS else "2008",
                neighborhood_number=record.neighborhood,
                neighborhood_id=hoods.get(record.neighborhood),
                address=record.address[:120],
                location_name=record.location_name[:120],
                x=record.x,
                y=record.y,
                lat=float(latitude) if located else None,
                lon=float(longitude) if located else None,
                unfounded=record.flag_unfounded,
                administrative=record.flag_administrative,
                cleanup=record.flag_cleanup,
            )
        )
    return objects


@requires(Role.ADMINISTRATOR, Role.ANALYST)
def legacy_import(
    *,
    actor: Actor,
    files: Iterable[tuple[str, bytes]],
    progress: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Import SLMPD monthly files. A file already imported is recognised and left alone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    hoods = dict(Neighborhood.objects.values_list("number", "id"))
    reports = []
    for name, data in files:
        parsed = read_legacy(data)
        report = FileReport(name, parsed.variant, parsed.coded_month, rejected=parsed.rejected)
        objects = _objects(parsed, hoods, zone)
        keys = {o.source_key for o in objects}
        existing = CrimeRecord.objects.filter(source=SOURCE, source_key__in=keys).count()
        with transaction.atomic():
            if existing < len(objects):
                CrimeRecord.objects.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
            after = CrimeRecord.objects.filter(source=SOURCE, source_key__in=keys).count()
            report.created, report.already = after - existing, existing
            audit_write(
                actor=actor,
                action="crime.import.legacy",
                detail={
                    "file": name,
                    "coded_month": str(report.coded_month),
                    "created": report.created,
                    "already": report.already,
                    "rejected": len(report.rejected),
                },
            )
            rollups_stale("scorecard", "crime:dashboard")
        reports.append(report)
        if progress:
            progress(report)
    return reports


NIBRS_SOURCE = "slmpd-nibrs"


@requires(Role.ADMINISTRATOR, Role.ANALYST)
def nibrs_import(*, actor: Actor, path: Path) -> FileReport:
    """Import a NIBRS-era offense file (Parquet). Offenses already imported are left alone."""
    from safercity.crime.nibrs import read_nibrs

    zone = ZoneInfo(settings.TIME_ZONE)
    parsed = read_nibrs(path)
    hoods = dict(Neighborhood.objects.values_list("number", "id"))
    offenses = parsed.offenses
    x, y = geo.project_points(
        [o.lon if o.lon is not None else float("nan") for o in offenses],
        [o.lat if o.lat is not None else float("nan") for o in offenses],
        geo.WGS84,
        geo.MISSOURI_EAST_FEET,
    )
    objects = [
        CrimeRecord(
            source=NIBRS_SOURCE,
            source_key=o.incident[:20],
            source_line=o.ordinal,
            complaint=o.incident[:20],
            coded_month=o.occurred.date().replace(day=1),
            occurred_at=timezone.make_aware(o.occurred, zone),
            count=1,
            ucr_code=o.ucr_class * 10_000,
            ucr_class=o.ucr_class,
            category=o.category,
            description=f"{o.nibrs_code} {o.description}"[:120],
            district=o.district,
            district_plan="2014",
            neighborhood_number=o.neighborhood,
            neighborhood_id=hoods.get(o.neighborhood),
            address=o.address[:120],
            x=float(px) if px == px else 0.0,
            y=float(py) if py == py else 0.0,
            lat=o.lat,
            lon=o.lon,
        )
        for o, px, py in zip(offenses, x, y, strict=True)
    ]
    report = FileReport(path.name, "NIBRS offenses (Parquet)", None)
    report.rejected = [Rejected(row, reason) for row, reason in parsed.rejected]
    before = CrimeRecord.objects.filter(source=NIBRS_SOURCE).count()
    with transaction.atomic():
        CrimeRecord.objects.bulk_create(objects, batch_size=BATCH, ignore_conflicts=True)
        after = CrimeRecord.objects.filter(source=NIBRS_SOURCE).count()
        report.created, report.already = after - before, len(objects) - (after - before)
        audit_write(
            actor=actor,
            action="crime.import.nibrs",
            detail={
                "file": path.name,
                "created": report.created,
                "already": report.already,
                "rejected": len(report.rejected),
            },
        )
        rollups_stale("scorecard", "crime:dashboard")
    return report
