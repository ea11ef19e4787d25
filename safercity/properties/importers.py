"""Importers: the assessor's parcel file, the land bank's inventory and SLU's vacancy estimates.

Each reads CSV (the LRA inventory also as Parquet), reports every rejected row with its line and
reason, and is idempotent: a second run of the same file changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.importing import Upsert
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.tabular import FileRefused, read_table
from safercity.properties.models import LraHolding, Parcel, VacancyEstimate

IMPORT_ROLES = (Role.ADMINISTRATOR, Role.ANALYST)
HANDLE = re.compile(r"^\d{11}$")
# The assessor's column -> our field (the city's file spells some columns in several ways).
ASSESSOR_COLUMNS = {
    "handle": "handle",
    "siteaddr": "site_address",
    "site_address": "site_address",
    "address": "site_address",
    "sitezip": "site_zip",
    "zip": "site_zip",
    "zipcode": "site_zip",
    "ownername": "owner_name",
    "ownername2": "owner_name2",
    "owneraddr": "owner_addr",
    "ownercity": "owner_city",
    "ownerstate": "owner_state",
    "ownerzip": "owner_zip",
    "ownerocc": "owner_occ",
    "asrclasscode": "asr_class_code",
    "asrlanduse1": "land_use",
    "landuse": "land_use",
    "nbrofunits": "units",
    "nbrofapts": "units",
    "taxdelinquentyears": "tax_delinquent_years",
    "lat": "lat",
    "lon": "lon",
}
REQUIRED = ("handle", "site_address")


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return (
            f"{self.name}: {self.created:,} new, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {len(self.rejected):,} rejected"
        )


def _names(header: list[str]) -> list[str]:
    return [re.sub(r"[^a-z0-9_]", "", name.lower()) for name in header]


def _rows(data: str | bytes, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's rows by the shared reader (FileRefused for a file that is not a table);
    rows of the wrong width go to the report's rejected list with their lines."""
    table = read_table(data, names=_names)
    report.rejected.extend(Rejected(r.line, r.reason) for r in table.rejected)
    for row in table.rows:
        yield row.line, {k: (v or "").strip() for k, v in row.values.items()}


def _first_time(seen: dict[str, int], handle: str, line: int, report: ImportReport) -> bool:
    """True the first time a HANDLE comes; later rows with it are rejected, naming the first."""
    if handle in seen:
        report.rejected.append(Rejected(line, f"HANDLE {handle} repeats line {seen[handle]}"))
        return False
    seen[handle] = line
    return True


def _handle(raw: str) -> str:
    text = raw.strip().replace(".0", "") if raw.endswith(".0") else raw.strip()
    if not HANDLE.match(text):
        raise ValueError(f"HANDLE must be 11 digits, not {raw!r}")
    return text


def _whole(raw: str, name: str, default: int = 0) -> int:
    if raw in ("", "NA"):
        return default
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{name} is not a number: {raw!r}") from None
    if number < 0 or number != int(number):
        raise ValueError(f"{name} must be a whole number, not negative: {raw!r}")
    return int(number)


def _coordinate(raw: str, name: str, low: float, high: float) -> float | None:
    if raw in ("", "NA"):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} is not a number: {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} {value} is outside {low}..{high}")
    return value


def _assessor_values(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, raw in row.items():
        name = ASSESSOR_COLUMNS.get(column)
        if name and (name not in values or not values[name]):
            values[name] = raw
    for name in REQUIRED:
        if not values.get(name):
            raise ValueError(f"no {name.replace('_', ' ')}")
    values["handle"] = _handle(values["handle"])
    values["units"] = _whole(values.get("units", ""), "NbrOfUnits")
    values["tax_delinquent_years"] = _whole(
        values.get("tax_delinquent_years", ""), "TaxDelinquentYears"
    )
    values["lat"] = _coordinate(values.get("lat", ""), "lat", -90, 90)
    values["lon"] = _coordinate(values.get("lon", ""), "lon", -180, 180)
    if (values["lat"] is None) != (values["lon"] is None):
        raise ValueError("lat and lon must come together")
    zip_code = values.get("owner_zip", "")
    if zip_code and not re.match(r"^\d{5}(-?\d{4})?$", zip_code):
        raise ValueError(f"OwnerZIP is not a ZIP code: {zip_code!r}")
    if len(values.get("owner_occ", "")) > 5:
        raise ValueError(f"OWNEROCC is not a code: {values['owner_occ']!r}")
    limits = {f.name: f.max_length for f in Parcel._meta.get_fields() if hasattr(f, "max_length")}
    for name, value in values.items():
        limit = limits.get(name)
        if isinstance(value, str) and limit and len(value) > limit:
            raise ValueError(f"{name.replace('_', ' ')} is longer than {limit} characters")
    return values


@requires(*IMPORT_ROLES)
def parcels_import(*, actor: Actor, text: str | bytes, source: str) -> ImportReport:
    """The assessor's parcel file (HANDLE, SiteAddr, OwnerName, OwnerAddr, ..., NbrOfUnits)."""
    report = ImportReport("parcels")
    seen: dict[str, int] = {}
    parcels = Upsert(Parcel, {p.handle: p for p in Parcel.objects.all()})
    for line, row in _rows(text, report):
        try:
            values = _assessor_values(row)
        except ValueError as error:
            report.rejected.append(Rejected(line, str(error)))
            continue
        handle = values["handle"]
        if not _first_time(seen, handle, line, report):
            continue
        parcels.add(handle, values, imported_from=source[:100])  # set when created
    with transaction.atomic():
        report.created, report.updated = parcels.save()
        report.unchanged = parcels.unchanged
        audit_write(
            actor=actor,
            action="properties.parcels_import",
            detail={"source": source, "summary": report.summary()},
        )
    return report


def _date(raw: str) -> date | None:
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw.strip()[:19]).date()
    except ValueError:
        raise ValueError(f"not a date: {raw!r}") from None


def _lra_rows(path: Path, report: ImportReport) -> Iterator[tuple[int, dict[str, str]]]:
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        columns = [
            "Handle", "Address", "Status", "Usage", "Property_Source", "ACQUISITION_DATE",
            "NbrOfUnits", "WARD",
        ]  # fmt: skip
        import pyarrow as pa

        try:
            table = pq.read_table(path, columns=columns)
        except (pa.ArrowException, OSError) as error:
            raise FileRefused(
                f"not a readable Parquet file with the LRA columns ({error})"
            ) from None
        for i, record in enumerate(table.to_pylist(), start=1):
            yield (
                i,
                {
                    re.sub(r"[^a-z0-9_]", "", k.lower()): "" if v is None else str(v).strip()
                    for k, v in record.items()
                },
            )
        return
    yield from _rows(path.read_bytes(), report)


@requires(*IMPORT_ROLES)
def lra_import(*, actor: Actor, path: Path) -> ImportReport:
    """The LRA inventory (SLDC real-estate layer): CSV or Parquet. Rows are numbered from 1."""
    report = ImportReport("land bank holdings")
    seen: dict[str, int] = {}
    holdings = Upsert(LraHolding, {h.handle: h for h in LraHolding.objects.all()})
    for line, row in _lra_rows(path, report):
        try:
            handle = _handle(row.get("handle", ""))
            values = {
                "address": " ".join(row.get("address", "").split())[:200],
                "status": row.get("status", "")[:60],
                "usage": row.get("usage", "")[:80],
                "property_source": row.get("property_source", "")[:80],
                "acquired_on": _date(row.get("acquisition_date", "")),
                "units": _whole(row.get("nbrofunits", ""), "NbrOfUnits"),
                "ward": _whole(row.get("ward", ""), "WARD") or None,
            }
        except ValueError as error:
            report.rejected.append(Rejected(line, str(error)))
            continue
        if not _first_time(seen, handle, line, report):
            continue
        holdings.add(handle, values, handle=handle)
    with transaction.atomic():
        report.created, report.updated = holdings.save()
        report.unchanged = holdings.unchanged
        audit_write(
            actor=actor,
            action="properties.lra_import",
            detail={"source": path.name, "summary": report.summary()},
        )
    return report


def _truth(raw: str, name: str) -> bool:
    upper = raw.strip().upper()
    if upper in ("TRUE", "T", "1", "YES"):
        return True
    if upper in ("FALSE", "F", "0", "NO"):
        return False
    raise ValueError(f"{name} must be TRUE or FALSE, not {raw!r}")


@requires(*IMPORT_ROLES)
def vacancy_import(
    *, actor: Actor, text: str | bytes, estimate: str, year: int = 2017
) -> ImportReport:
    """SLU's parcel vacancy file (handle, vacantBinary, cityStatus)."""
    if estimate not in ("high", "low"):
        raise ValueError("the estimate is 'high' or 'low'")
    report = ImportReport(f"vacancy ({estimate} estimate, {year})")
    seen: dict[str, int] = {}
    estimates = Upsert(
        VacancyEstimate,
        {v.handle: v for v in VacancyEstimate.objects.filter(estimate=estimate, year=year)},
    )
    for line, row in _rows(text, report):
        try:
            handle = _handle(row.get("handle", ""))
            vacant = _truth(row.get("vacantbinary", ""), "vacantBinary")
            city_owned = _truth(row.get("citystatus", ""), "cityStatus")
        except ValueError as error:
            report.rejected.append(Rejected(line, str(error)))
            continue
        if not _first_time(seen, handle, line, report):
            continue
        estimates.add(
            handle,
            {"vacant": vacant, "city_owned": city_owned},
            handle=handle,
            estimate=estimate,
            year=year,
        )
    with transaction.atomic():
        report.created, report.updated = estimates.save()
        report.unchanged = estimates.unchanged
        audit_write(
            actor=actor,
            action="properties.vacancy_import",
            detail={"estimate": estimate, "year": year, "summary": report.summary()},
        )
    return report


EVENT_SPELLINGS = {
    "nuisance": "nuisance",
    "nuisance report": "nuisance",
    "condemnation": "condemnation",
    "condemned": "condemnation",
}


@requires(*IMPORT_ROLES)
def events_import(*, actor: Actor, text: str | bytes, source: str) -> ImportReport:
    """Nuisance police reports and condemnations by parcel (HANDLE, kind, date, note): the
    records the score counts besides violations and 311 complaints. Idempotent."""
    from safercity.properties.models import PropertyEvent

    report = ImportReport("property records")
    parcels = dict(Parcel.objects.values_list("handle", "pk"))
    existing = set(PropertyEvent.objects.values_list("parcel_id", "kind", "on", "note"))
    new: list[PropertyEvent] = []
    for line, row in _rows(text, report):
        try:
            handle = _handle(row.get("handle", ""))
            kind = EVENT_SPELLINGS.get(row.get("kind", "").strip().lower())
            if kind is None:
                raise ValueError(f"kind must be nuisance or condemnation, not {row.get('kind')!r}")
            on = _date(row.get("date", ""))
            if on is None:
                raise ValueError("no date")
        except ValueError as error:
            report.rejected.append(Rejected(line, str(error)))
            continue
        parcel_id = parcels.get(handle)
        if parcel_id is None:
            report.rejected.append(Rejected(line, f"no parcel has HANDLE {handle}"))
            continue
        note = row.get("note", "")[:300]
        if (parcel_id, kind, on, note) in existing:
            report.unchanged += 1
            continue
        existing.add((parcel_id, kind, on, note))
        new.append(PropertyEvent(parcel_id=parcel_id, kind=kind, on=on, note=note))
    with transaction.atomic():
        PropertyEvent.objects.bulk_create(new, batch_size=5000)
        report.created = len(new)
        audit_write(actor=actor, action="properties.events_import",
                    detail={"source": source, "summary": report.summary()})  # fmt: skip
    return report
