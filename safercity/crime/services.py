"""The crime write path: importers call these functions, which audit what they do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safercity.core import geo
from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.bulk import insert_values, update_values
from safercity.core.models import Neighborhood
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.crime import revisions
from safercity.crime.legacy import Rejected
from safercity.crime.models import CrimeImport, CrimeRecord, CrimeRecordChange
from safercity.crime.prepare import DERIVED, Row, prepared_files

SOURCE = "slmpd-legacy"
BATCH = 5000


@dataclass
class FileReport:
    name: str
    variant: str
    coded_month: date | None
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    kept: int = 0  # stored records missing from a file with rejected lines, not withdrawn
    matched_by: str = ""
    rejected: list[Rejected] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.created} new",
            f"{self.changed} changed",
            f"{self.unchanged} unchanged",
            f"{self.withdrawn} withdrawn",
        ]
        if self.kept:
            parts.append(
                f"{self.kept} stored records missing from the file kept, as it has rejected lines"
            )
        if self.rejected:
            parts.append(f"{len(self.rejected)} rows rejected")
        return ", ".join(parts)


BY_COMPLAINT = "complaint number, offence and count"
BY_CONTENT = "content (the file has no complaint numbers)"


INSERTED = ["source", "source_key", "identity", "ordinal", *revisions.STATED, *DERIVED]


def _insert(rows: list[tuple[Row, int]]) -> None:
    insert_values(
        CrimeRecord,
        INSERTED,
        [
            (SOURCE, row.month, row.identity, ordinal, *row.stated, *row.derived)
            for row, ordinal in rows
        ],
    )


def _first_import(rows: list[Row]) -> None:
    """Months with nothing stored: every record is new (the bulk of a first load)."""
    seen: dict[tuple[str, str], int] = {}
    numbered = []
    for row in rows:
        key = (row.month, row.identity)
        seen[key] = ordinal = seen.get(key, 0) + 1
        numbered.append((row, ordinal))
    _insert(numbered)


def _stored(months: set[str]) -> list[revisions.Stored]:
    found = CrimeRecord.objects.filter(source=SOURCE, source_key__in=months).values_list(
        "pk", "source_key", "identity", "ordinal", *revisions.STATED
    )
    return [
        revisions.Stored(pk, month, identity, ordinal, tuple(values))
        for pk, month, identity, ordinal, *values in found.iterator(chunk_size=10_000)
    ]


def _revise(
    batch: CrimeImport, rows: list[Row], stored: list[revisions.Stored], withdraw: bool
) -> revisions.Plan:
    """Apply a republished file to the stored months, keeping every change in the history."""
    plan = revisions.match(
        stored, [revisions.Incoming(r.month, r.identity, r.stated) for r in rows]
    )
    history = []

    def change(kind: str, month: str, identity: str, ordinal: int, stated: tuple[Any, ...],
               fields: dict[str, list[str]]) -> CrimeRecordChange:  # fmt: skip
        return CrimeRecordChange(
            batch=batch,
            kind=kind,
            source_key=month,
            complaint=stated[revisions.COMPLAINT],
            ucr_code=stated[revisions.UCR_CODE],
            identity=identity,
            ordinal=ordinal,
            fields=fields,
        )

    for index, old in plan.changed:
        row = rows[index]
        history.append(
            change(
                CrimeRecordChange.Kind.CHANGED,
                old.month,
                old.identity,
                old.ordinal,
                row.stated,
                revisions.differences(old.values, row.stated),
            )
        )
    update_values(
        CrimeRecord,
        [*revisions.STATED, *DERIVED],
        [[*rows[index].stated, *rows[index].derived, old.pk] for index, old in plan.changed],
    )
    if withdraw and plan.withdrawn:
        for old in plan.withdrawn:
            empty = tuple(None for _ in old.values)
            history.append(
                change(
                    CrimeRecordChange.Kind.WITHDRAWN,
                    old.month,
                    old.identity,
                    old.ordinal,
                    old.values,
                    revisions.differences(old.values, empty),
                )
            )
        gone = [old.pk for old in plan.withdrawn]
        for start in range(0, len(gone), BATCH):
            CrimeRecord.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    for index, ordinal in plan.new:
        row = rows[index]
        history.append(change(CrimeRecordChange.Kind.NEW, row.month, row.identity, ordinal,
                              row.stated, {}))  # fmt: skip
    _insert([(rows[index], ordinal) for index, ordinal in plan.new])
    CrimeRecordChange.objects.bulk_create(history, batch_size=BATCH)
    return plan


@requires(Role.ADMINISTRATOR, Role.ANALYST)
def legacy_import(
    *,
    actor: Actor,
    files: Iterable[tuple[str, bytes]],
    progress: Callable[[FileReport], None] | None = None,
) -> list[FileReport]:
    """Import SLMPD monthly files. A month seen before is revised to match the file: records
    are matched by complaint number, offence and count (or by content where the file has no
    complaint numbers); changed ones are updated, those the file no longer holds withdrawn,
    each change kept in the history with the file that made it. A file with rejected lines
    withdraws nothing (the missing records may be the lines it could not read)."""
    hoods = dict(Neighborhood.objects.values_list("number", "id"))
    reports = []
    for name, parsed in prepared_files(files, hoods, settings.TIME_ZONE):
        rows = parsed.rows
        report = FileReport(name, parsed.variant, parsed.coded_month, rejected=parsed.rejected)
        report.matched_by = (
            BY_COMPLAINT if any(r.stated[revisions.COMPLAINT] for r in rows) else BY_CONTENT
        )
        months = {row.month for row in rows}
        with transaction.atomic():
            batch = CrimeImport.objects.create(
                source=SOURCE,
                file_name=name[:200],
                months=", ".join(sorted(months))[:200],
                imported_at=timezone.now(),
                imported_by=actor_label(actor)[:200],
                matched_by=report.matched_by,
                rejected=len(report.rejected),
            )
            stored = _stored(months) if months else []
            if not stored:
                _first_import(rows)
                report.created = len(rows)
            else:
                withdraw = not report.rejected
                plan = _revise(batch, rows, stored, withdraw)
                report.created, report.changed = len(plan.new), len(plan.changed)
                report.unchanged = plan.unchanged
                if withdraw:
                    report.withdrawn = len(plan.withdrawn)
                else:
                    report.kept = len(plan.withdrawn)
            for counted in ("created", "changed", "unchanged", "withdrawn", "kept"):
                setattr(batch, counted, getattr(report, counted))
            batch.save()
            audit_write(
                actor=actor,
                action="crime.import.legacy",
                detail={
                    "file": name,
                    "coded_month": str(report.coded_month),
                    "import": batch.pk,
                    "created": report.created,
                    "changed": report.changed,
                    "unchanged": report.unchanged,
                    "withdrawn": report.withdrawn,
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
            identity=o.incident[:20],
            ordinal=o.ordinal,
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
        report.created, report.unchanged = after - before, len(objects) - (after - before)
        audit_write(
            actor=actor,
            action="crime.import.nibrs",
            detail={
                "file": path.name,
                "created": report.created,
                "unchanged": report.unchanged,
                "rejected": len(report.rejected),
            },
        )
        rollups_stale("scorecard", "crime:dashboard")
    return report
