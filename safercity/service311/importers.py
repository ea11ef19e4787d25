"""The St. Louis Citizens' Service Bureau (CSB) export: its catalog and its requests.

Both spellings of the export are read (the city's UPPER-CASE columns and the lower-case ones of
later copies); "NA" and empty cells are blanks; SRX/SRY are Missouri East State Plane feet.
Every row that is not imported is reported with its line and reason; re-running changes nothing.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.text import slugify
from shapely.geometry.base import BaseGeometry

from safercity.core import geo
from safercity.core.actors import Actor
from safercity.core.importing import dry_run_or_commit
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.selectors import city_area, in_city
from safercity.core.tabular import FileRefused, Row, Table, read_table
from safercity.core.textfiles import read_text_any
from safercity.service311.models import ServiceRequest
from safercity.service311.services import ImportedRequest, requests_import
from safercity.service311.services.catalog import ServiceSpec, catalog_load

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


# The columns without which a row means nothing (in either spelling, lower-cased).
REQUIRED = ("requestid", "problemcode", "datetimeinit")


def _get(row: Row, name: str) -> str:
    value = row.get(name)
    return "" if value.upper() in BLANK else value


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    # Rows imported with a correction the file's own values required, and why.
    noted: list[RejectedRow] = field(default_factory=list)
    catalog: dict[str, int] = field(default_factory=dict)
    encoding: str = ""


def read_csb(data: bytes | str) -> Table:
    """The export's rows; FileRefused when it is not a CSB export at all."""
    return read_table(data, required=REQUIRED)


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
    rows: list[Row], categories: dict[str, str] | None, zone: ZoneInfo
) -> list[ServiceSpec]:
    """One service per problem code: its most common name and division, and the median of
    the export's own target days, in force from the code's first request in the file.
    Without `categories`, services keep the group they have."""
    names: dict[str, Counter[str]] = defaultdict(Counter)
    divisions: dict[str, Counter[str]] = defaultdict(Counter)
    target_days: dict[str, list[float]] = defaultdict(list)
    first_day: dict[str, date] = {}
    for row in rows:
        code = _get(row, "problemcode")
        if not code:
            continue
        plain = _get(row, "plain_english_name_for_problemcode") or _get(row, "description") or code
        names[code][plain] += 1
        divisions[code][_get(row, "submitto")] += 1
        try:
            opened, target = (
                moment(_get(row, "datetimeinit"), zone),
                moment(_get(row, "prjcompletedate"), zone),
            )
        except ValueError:
            continue
        if opened:
            day = opened.date()
            first_day[code] = min(day, first_day.get(code, day))
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
                group=None if categories is None else categories.get(code, "other"),
                sla_days=sla,
                # This file's terms hold from its first request: an older export's are history.
                effective_from=first_day.get(code),
            )
        )
    return specs


def _status(row: Row) -> tuple[str, str]:
    raw = _get(row, "status")
    upper = raw.upper()
    if upper in CLOSED:
        return ServiceRequest.Status.CLOSED, ""
    if upper in CANCELLED or _get(row, "datecancelled"):
        return ServiceRequest.Status.CLOSED, "Cancelled"
    if upper in OPEN_STATES:
        return ServiceRequest.Status.OPEN, OPEN_STATES[upper]
    raise ValueError(f"unknown status {raw!r}")


def _location(row: Row) -> tuple[float | None, float | None]:
    x, y = _get(row, "srx"), _get(row, "sry")
    try:
        fx, fy = float(x or 0), float(y or 0)
    except ValueError:
        raise ValueError(f"SRX/SRY are not numbers: {x!r}, {y!r}") from None
    if not (math.isfinite(fx) and math.isfinite(fy)):
        raise ValueError(f"SRX/SRY are not finite numbers: {x!r}, {y!r}")
    if fx == 0 or fy == 0:
        return None, None
    lon, lat = geo.state_plane_to_wgs84([fx], [fy])
    return float(lat[0]), float(lon[0])


def _differing(first: Row, again: Row) -> list[str]:
    """The columns (as the file names them, upper-case) whose values differ."""
    names = sorted(set(first.values) | set(again.values))
    return [
        name.upper()
        for name in names
        if (first.values.get(name) or "").strip() != (again.values.get(name) or "").strip()
    ]


def _request(
    row: Row, zone: ZoneInfo, area: BaseGeometry | None, notes: list[RejectedRow]
) -> ImportedRequest:
    """What one row says, checked; ValueError with the reason otherwise. A correction the
    row's own values require (a closed request still marked open, a point outside the city
    with an address to go by) is made and noted."""
    opened = moment(_get(row, "datetimeinit"), zone)
    if opened is None:
        raise ValueError("no opening time (DATETIMEINIT)")
    status, note = _status(row)
    lat, lon = _location(row)
    address = _get(row, "probaddress")
    if lat is not None and lon is not None and not in_city(lat, lon, area):
        where = f"SRX/SRY {_get(row, 'srx')}, {_get(row, 'sry')} fall outside the city"
        if not address:
            raise ValueError(f"{where}, and there is no address")
        notes.append(RejectedRow(row.line, f"{where}: kept with its address only"))
        lat = lon = None
    if lat is None and not address:
        raise ValueError("no location: neither SRX/SRY nor an address")
    closed = moment(_get(row, "datetimeclosed") or _get(row, "datecancelled"), zone)
    if closed is not None and closed < opened:
        days = (opened - closed).total_seconds() / 86400
        raise ValueError(
            f"closed {closed:%Y-%m-%d %H:%M} before it was opened {opened:%Y-%m-%d %H:%M} "
            f"({days:.1f} days earlier)"
        )
    if closed is not None and status == ServiceRequest.Status.OPEN:
        notes.append(
            RejectedRow(
                row.line,
                f"status {_get(row, 'status')} but closed on {closed:%Y-%m-%d}: imported as closed",
            )
        )
        status, note = ServiceRequest.Status.CLOSED, ""
    return ImportedRequest(
        line=row.line,
        external_id=_get(row, "requestid"),
        service_code=_get(row, "problemcode"),
        requested=opened,
        status=status,
        status_note=note,
        closed=closed,
        lat=lat,
        long=lon,
        address_string=address,
        description=_get(row, "description"),
    )


@requires(Role.ADMINISTRATOR)
def import_csb(
    *,
    actor: Actor,
    data: bytes | str,
    categories: dict[str, str] | None = None,
    with_requests: bool = True,
    dry_run: bool = False,
    source: str = "CSB export",
) -> ImportReport:
    """Read the whole file and check every row before anything changes: a file that is not a
    CSB export, or in which no row can be imported, changes nothing (FileRefused). Then the
    catalog (from the importable rows only) and the requests, in one transaction with one
    audit entry each; `dry_run` does all of it and rolls it back."""
    zone = ZoneInfo(settings.TIME_ZONE)
    table = read_csb(data)
    report = ImportReport(encoding=table.encoding)
    report.rejected = [RejectedRow(r.line, r.reason) for r in table.rejected]
    items: list[ImportedRequest] = []
    area = city_area()
    kept: list[Row] = []
    first_seen: dict[str, Row] = {}
    for row in table.rows:
        request_id = _get(row, "requestid")
        if not request_id:
            report.rejected.append(RejectedRow(row.line, "no request id"))
            continue
        if request_id in first_seen:
            earlier = first_seen[request_id]
            differ = _differing(earlier, row)
            reason = (
                f"repeats line {earlier.line}"
                if not differ
                else f"has the request id of line {earlier.line} but other {', '.join(differ)}"
            )
            report.rejected.append(RejectedRow(row.line, f"{reason}; kept the first"))
            continue
        first_seen[request_id] = row
        try:
            items.append(_request(row, zone, area, report.noted))
        except ValueError as error:
            report.rejected.append(RejectedRow(row.line, str(error)))
            continue
        kept.append(row)
    if not kept:
        first = min(report.rejected, key=lambda r: r.line)
        raise FileRefused(
            f"no row of the file can be imported ({len(report.rejected):,} rejected; "
            f"the first, line {first.line}: {first.reason}); nothing was changed"
        )
    with dry_run_or_commit(dry_run):
        report.catalog = catalog_load(
            actor=actor, specs=catalog_specs(kept, categories, zone), source=source
        )
        if with_requests:
            outcome = requests_import(actor=actor, items=items, source=source)
            report.created, report.updated = outcome.created, outcome.updated
            report.unchanged = outcome.unchanged
            report.rejected += [RejectedRow(line, reason) for line, reason in outcome.rejected]
    report.rejected.sort(key=lambda r: r.line)
    report.noted.sort(key=lambda r: r.line)
    return report
