"""The St. Louis Citizens' Service Bureau (CSB) export: its catalog and its requests.

Both spellings of the export are read (the city's UPPER-CASE columns and the lower-case ones of
later copies); "NA" and empty cells are blanks; SRX/SRY are Missouri East State Plane feet.
Every row that is not imported is reported with its line and reason; re-running changes nothing.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from safercity.core import geo
from safercity.core.actors import Actor
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.textfiles import read_text_any
from safercity.service311.catalog import ServiceSpec, catalog_load
from safercity.service311.models import ServiceRequest
from safercity.service311.services import (
    NewRequest,
    Open311Error,
    request_create,
    request_set_status,
)

BLANK = {"", "NA", "N/A", "NULL"}
CLOSED = {"CLOSED"}
CANCELLED = {"CANCEL", "CANCELLED", "CANCELED"}
# The CSB's own working states, all "open" to Open311, kept as the status note.
OPEN_STATES = {
    "NEW": "New",
    "DISPTCH": "Dispatched to a crew",
    "DISPATCHED": "Dispatched to a crew",
    "SCHEDULED": "Scheduled",
    "INSPECT": "Awaiting inspection",
    "LETTER": "Letter sent to the owner",
    "FIELDCRW": "With a field crew",
    "ON HOLD": "On hold",
    "OPEN": "Open",
}
DEFAULT_SLA_DAYS = 5


@dataclass
class RejectedRow:
    line: int
    reason: str


@dataclass
class CsbRow:
    line: int
    values: dict[str, str]

    def get(self, name: str) -> str:
        value = (self.values.get(name) or "").strip()
        return "" if value.upper() in BLANK else value


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    catalog: dict[str, int] = field(default_factory=dict)


def read_rows(text: str) -> Iterator[CsbRow]:
    reader = csv.DictReader(io.StringIO(text))
    reader.fieldnames = [name.strip().lower() for name in reader.fieldnames or []]
    for line, values in enumerate(reader, start=2):
        yield CsbRow(line, values)


def read_categories(folder: Path | None) -> dict[str, str]:
    """Problem code -> category, from one file per category (one code a line, no header)."""
    if folder is None or not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.csv")):
        for code in read_text_any(path).splitlines():
            if code.strip():
                found.setdefault(code.strip(), path.stem)
    return found


def department_of(submit_to: str) -> tuple[str, str]:
    """ "TRAFFIC DIVISION, 511" -> ("traffic-division", "Traffic Division")"""
    name = submit_to.split(",")[0].strip() or "Citizens' Service Bureau"
    return slugify(name)[:60] or "csb", name.title() if name.isupper() else name


def moment(text: str, zone: ZoneInfo) -> datetime | None:
    """CSB times are local, "2018-01-05 16:22:21.287" (fractions of any length)."""
    if not text:
        return None
    cleaned = re.sub(r"\.(\d+)$", lambda m: "." + m.group(1)[:6].ljust(6, "0"), text.strip())
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ValueError(f"not a date and time: {text!r}") from None
    return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed


def catalog_specs(
    rows: list[CsbRow], categories: dict[str, str], zone: ZoneInfo
) -> list[ServiceSpec]:
    names: dict[str, Counter[str]] = defaultdict(Counter)
    divisions: dict[str, Counter[str]] = defaultdict(Counter)
    target_days: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        code = row.get("problemcode")
        if not code:
            continue
        plain = row.get("plain_english_name_for_problemcode") or row.get("description") or code
        names[code][plain] += 1
        divisions[code][row.get("submitto")] += 1
        try:
            opened, target = (
                moment(row.get("datetimeinit"), zone),
                moment(row.get("prjcompletedate"), zone),
            )
        except ValueError:
            continue
        if opened and target and target >= opened:
            target_days[code].append((target - opened).total_seconds() / 86_400)
    specs = []
    for code in sorted(names):
        days = target_days.get(code)
        sla = max(1, math.ceil(statistics.median(days))) if days else DEFAULT_SLA_DAYS
        specs.append(
            ServiceSpec(
                code=code[:60],
                name=names[code].most_common(1)[0][0][:200],
                department=department_of(divisions[code].most_common(1)[0][0]),
                group=categories.get(code, "other"),
                sla_days=sla,
            )
        )
    return specs


def _status(row: CsbRow) -> tuple[str, str]:
    raw = row.get("status")
    upper = raw.upper()
    if upper in CLOSED:
        return ServiceRequest.Status.CLOSED, ""
    if upper in CANCELLED or row.get("datecancelled"):
        return ServiceRequest.Status.CLOSED, "Cancelled"
    if upper in OPEN_STATES:
        return ServiceRequest.Status.OPEN, OPEN_STATES[upper]
    raise ValueError(f"unknown status {raw!r}")


def _location(row: CsbRow) -> tuple[float | None, float | None]:
    x, y = row.get("srx"), row.get("sry")
    try:
        fx, fy = float(x or 0), float(y or 0)
    except ValueError:
        raise ValueError(f"SRX/SRY are not numbers: {x!r}, {y!r}") from None
    if fx == 0 or fy == 0:
        return None, None
    lon, lat = geo.state_plane_to_wgs84([fx], [fy])
    return float(lat[0]), float(lon[0])


def _signature(row: CsbRow) -> tuple[str, ...]:
    return tuple(row.get(k) for k in sorted(row.values))


@requires(Role.ADMINISTRATOR)
def import_csb(
    *,
    actor: Actor,
    text: str,
    categories: dict[str, str] | None = None,
    with_requests: bool = True,
) -> ImportReport:
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = list(read_rows(text))
    report = ImportReport()
    report.catalog = catalog_load(
        actor=actor, specs=catalog_specs(rows, categories or {}, zone), source="CSB export"
    )
    if not with_requests:
        return report
    first_seen: dict[str, CsbRow] = {}
    for row in rows:
        request_id = row.get("requestid")
        if not request_id:
            report.rejected.append(RejectedRow(row.line, "no request id"))
            continue
        if request_id in first_seen:
            earlier = first_seen[request_id]
            same = _signature(earlier) == _signature(row)
            reason = "repeats" if same else "has the same request id as, but other values than,"
            report.rejected.append(
                RejectedRow(row.line, f"{reason} line {earlier.line}; kept the first")
            )
            continue
        first_seen[request_id] = row
        if ServiceRequest.objects.filter(
            source=ServiceRequest.Source.IMPORT, external_id=request_id
        ).exists():
            report.unchanged += 1
            continue
        try:
            _import_row(actor, row, zone)
        except (ValueError, Open311Error) as error:
            reason = error.description if isinstance(error, Open311Error) else str(error)
            report.rejected.append(RejectedRow(row.line, reason))
            continue
        report.created += 1
    return report


@transaction.atomic
def _import_row(actor: Actor, row: CsbRow, zone: ZoneInfo) -> None:
    opened = moment(row.get("datetimeinit"), zone)
    if opened is None:
        raise ValueError("no opening time (DATETIMEINIT)")
    status, note = _status(row)
    lat, lon = _location(row)
    address = row.get("probaddress")
    if lat is None and not address:
        raise ValueError("no location: neither SRX/SRY nor an address")
    created = request_create(
        actor=actor,
        new=NewRequest(
            service_code=row.get("problemcode"),
            lat=lat,
            long=lon,
            address_string=address,
            description=row.get("description"),
            requested_datetime=opened,
            external_id=row.get("requestid"),
        ),
        source=ServiceRequest.Source.IMPORT,
    )
    closed_at = moment(row.get("datetimeclosed") or row.get("datecancelled"), zone)
    if status == ServiceRequest.Status.CLOSED or note:
        request_set_status(actor=actor, request=created, status=status, note=note, at=closed_at)
