"""A centre's history, from any phone system's or CAD's export: per-call records, interval
answer-time reports, and CAD incidents with unit times. A mapping file (TOML) names the columns,
how times are written and in which zone, what the file's codes mean, and which values stand for
"no time" (sentinels such as -9999). See the shipped mappings in emergency/mappings/.

Every row not imported is reported with its line and reason; a value that cannot be used
(a sentinel, a time before the one it follows) is left empty and counted per field. A file or
mapping that cannot be read changes nothing. Imported history is never live: its calls have
ended, its incidents are closed, and it makes no callbacks and no alerts. Importing the same
file again changes nothing ("unchanged")."""

from __future__ import annotations

import math
import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.importing import Upsert, dry_run_or_commit
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.core.tabular import FileRefused, Rejected, Row, read_table
from safercity.emergency.models import AnswerInterval, Assignment, Call, Incident, Unit

KINDS = ("calls", "intervals", "cad")
FIELDS = {
    "calls": ("call_id", "arrived", "answered", "abandoned", "released", "outcome", "line",
              "position", "ani", "date", "answer_seconds", "lat", "lon"),
    "intervals": ("start", "date", "abandoned", "line", "answered_total"),
    "cad": ("incident", "call_type", "priority", "received", "entered", "dispatched",
            "en_route", "on_scene", "cleared", "unit", "discipline", "disposition", "address",
            "lat", "lon", "date", "district", "initiated"),
}  # fmt: skip
REQUIRED = {
    "calls": ("call_id", "arrived"),
    "intervals": ("start", "abandoned"),
    "cad": ("incident", "received"),
}
CODE_GROUPS = ("outcomes", "lines", "disciplines", "initiated")
# Without an [initiated] table, these values (any case) say an officer started the incident.
OFFICER_STARTED = frozenset({"officer", "o", "self", "on-view", "onview", "y", "yes", "1", "true"})
# A time of day this much earlier than the one it follows is taken to be the next day.
MIDNIGHT = timedelta(hours=12)
IMPORT_ROLES = (Role.SUPERVISOR_911, Role.ANALYST, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class Mapping:
    kind: str
    zone: ZoneInfo
    columns: dict[str, tuple[str, ...]]  # our field -> the file's columns, first non-empty wins
    joined: frozenset[str] = frozenset()  # fields whose columns are joined ("A-B"), not tried
    datetime_format: str = "iso"
    date_format: str = "%Y-%m-%d"
    time_format: str = "%H:%M:%S"
    sentinels: frozenset[str] = frozenset()
    id_prefix: str = ""
    codes: dict[str, dict[str, str]] = field(default_factory=dict)  # e.g. outcomes, lines
    defaults: dict[str, str] = field(default_factory=dict)
    interval_minutes: int = 60
    # Systems whose clocks differ by a second: an answer this little before the arrival is
    # taken as at the arrival (and counted), not refused.
    skew_s: float = 0.0
    edges: tuple[float, ...] = ()
    bucket_columns: tuple[str, ...] = ()
    cumulative: bool = False

    @property
    def file_columns(self) -> list[str]:
        wanted = [name for names in self.columns.values() for name in names]
        return wanted + list(self.bucket_columns)


def _problem(text: str) -> FileRefused:
    return FileRefused(f"the mapping: {text}")


def mapping_read(text: str) -> Mapping:
    """Read a mapping file; every mistake in it is refused with what to fix."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _problem(f"not TOML ({error})") from None
    head = doc.get("file", {})
    kind = head.get("kind", "")
    if kind not in KINDS:
        raise _problem(f"[file] kind must be one of {', '.join(KINDS)}, not {kind!r}")
    try:
        zone = ZoneInfo(str(head.get("time_zone", settings.TIME_ZONE)))
    except (ZoneInfoNotFoundError, ValueError):
        raise _problem(f"unknown time_zone {head.get('time_zone')!r}") from None
    raw_columns = doc.get("columns", {})
    if not isinstance(raw_columns, dict):
        raise _problem("[columns] must name the file's column for each field")
    unknown = sorted(set(raw_columns) - set(FIELDS[kind]))
    if unknown:
        known = ", ".join(FIELDS[kind])
        raise _problem(f"unknown field {unknown[0]!r} in [columns] (a {kind} file has {known})")
    columns: dict[str, tuple[str, ...]] = {}
    joined = set()
    for name, given in raw_columns.items():
        if isinstance(given, dict):
            if set(given) != {"join"} or not isinstance(given["join"], list):
                raise _problem(f"[columns] {name}: a table must be {{ join = [columns] }}")
            joined.add(name)
            given = given["join"]
        names = (given,) if isinstance(given, str) else tuple(given)
        if not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise _problem(f"[columns] {name} must be a column name or a list of them")
        columns[name] = tuple(n.strip().lower() for n in names)
    missing = [name for name in REQUIRED[kind] if name not in columns]
    if missing:
        raise _problem(f"[columns] must name {', '.join(missing)}")
    codes = {
        group: {str(v).strip().upper(): meaning for meaning, vs in table.items() for v in vs}
        for group, table in doc.items()
        if group in CODE_GROUPS and isinstance(table, dict)
    }
    for group, table in doc.items():
        if group in CODE_GROUPS and not isinstance(table, dict):
            raise _problem(f"[{group}] must map each meaning to the file's values")
    buckets = doc.get("buckets", {})
    edges = tuple(float(e) for e in buckets.get("edges", ()))
    bucket_columns = tuple(str(c).strip().lower() for c in buckets.get("columns", ()))
    if kind == "intervals":
        if not edges or list(edges) != sorted(set(edges)) or edges[0] <= 0:
            raise _problem("[buckets] edges must be positive seconds, increasing")
        cumulative = bool(buckets.get("cumulative", False))
        wanted = len(edges) if cumulative else len(edges) + 1
        if len(bucket_columns) != wanted:
            raise _problem(
                f"[buckets] columns: {wanted} needed for {len(edges)} edges "
                + ("(one 'within N s' count per edge)" if cumulative else "(one per bucket)")
            )
    return Mapping(
        kind=kind,
        zone=zone,
        columns=columns,
        joined=frozenset(joined),
        datetime_format=str(head.get("datetime_format", "iso")),
        date_format=str(head.get("date_format", "%Y-%m-%d")),
        time_format=str(head.get("time_format", "%H:%M:%S")),
        sentinels=frozenset(str(s).strip() for s in head.get("sentinels", ())),
        id_prefix=str(head.get("id_prefix", "")),
        codes=codes,
        defaults={k: str(v) for k, v in doc.get("defaults", {}).items()},
        interval_minutes=int(head.get("interval_minutes", 60)),
        skew_s=float(head.get("clock_skew_s", 0)),
        edges=edges,
        bucket_columns=bucket_columns,
        cumulative=bool(buckets.get("cumulative", False)),
    )


class RowRefused(ValueError):
    """This row cannot be imported; the message says why."""


@dataclass
class HistoryReport:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # rows the mapping says are not calls (e.g. test calls)
    rejected: list[Rejected] = field(default_factory=list)
    # (field, what was wrong and what was done) -> rows; e.g. ("on_scene", "no value (-9999)")
    emptied: Counter[tuple[str, str]] = field(default_factory=Counter)


class _Reader:
    """One row's values as the mapping reads them."""

    def __init__(self, mapping: Mapping, row: Row, report: HistoryReport) -> None:
        self.mapping, self.row, self.report = mapping, row, report

    def text(self, name: str) -> str:
        if name in self.mapping.joined:
            parts = [self.row.get(c).strip() for c in self.mapping.columns[name]]
            return "-".join(p for p in parts if p)
        sentinel = ""
        for column in self.mapping.columns.get(name, ()):
            value = self.row.get(column).strip()
            if value and value not in self.mapping.sentinels:
                return value
            sentinel = sentinel or value
        if sentinel:  # the file says "no value" in its own way: counted, left empty
            self.report.emptied[(name, f"no value ({sentinel}): left empty")] += 1
        return self.mapping.defaults.get(name, "")

    def moment(self, name: str, after: datetime | None = None) -> datetime | None:
        """A time; a time of day alone takes the row's date (and the next day when it would
        otherwise come before `after`, for calls that run past midnight)."""
        value = self.text(name)
        if not value:
            return None
        mapping = self.mapping
        try:
            if mapping.datetime_format == "iso":
                parsed = datetime.fromisoformat(value)
            elif mapping.datetime_format == "epoch":
                seconds = float(value)
                if not math.isfinite(seconds):
                    raise ValueError(value)
                return datetime.fromtimestamp(seconds, tz=mapping.zone)
            elif mapping.datetime_format == "time":
                day = self.day()
                clock = datetime.strptime(value, mapping.time_format).time()  # noqa: DTZ007 - the zone is the mapping's, set below
                parsed = datetime.combine(day, clock)
            else:
                parsed = datetime.strptime(value, mapping.datetime_format)  # noqa: DTZ007 - as above
        except (ValueError, OverflowError, OSError):
            raise RowRefused(f"{name}: {value!r} is not a time as the mapping writes it") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=mapping.zone)
        if after is not None and mapping.datetime_format == "time" and after - parsed > MIDNIGHT:
            parsed += timedelta(days=1)  # past midnight; a little earlier is a real error
        return parsed

    def day(self) -> date:
        value = self.text("date")
        if not value:
            raise RowRefused("date: missing")
        try:
            return datetime.strptime(value, self.mapping.date_format).date()  # noqa: DTZ007
        except ValueError:
            raise RowRefused(f"date: {value!r} is not a date as the mapping writes it") from None

    def code(self, group: str, name: str, default: str = "") -> str:
        value = self.text(name)
        table = self.mapping.codes.get(group)
        if not value or table is None:
            return value or default
        meaning = table.get(value.upper(), table.get("*"))  # "*": anything else
        if meaning is None:
            raise RowRefused(f"{name}: {value!r} is not in the mapping's [{group}]")
        return meaning

    def count(self, column: str) -> int:
        value = self.row.get(column).strip() or "0"
        try:
            number = int(float(value))
        except ValueError:
            raise RowRefused(f"{column}: {value!r} is not a count") from None
        if number < 0 or number != float(value):
            raise RowRefused(f"{column}: {value!r} is not a count")
        return number


def _later(report: HistoryReport, name: str, value: datetime | None, floor: datetime | None,
           floor_name: str) -> datetime | None:  # fmt: skip
    """A time that must not come before another: left empty (and counted) if it does."""
    if value is not None and floor is not None and value < floor:
        report.emptied[(name, f"before {floor_name}: left empty")] += 1
        return None
    return value


def _not_future(moment: datetime | None, name: str) -> None:
    if moment is not None and moment > timezone.now() + timedelta(hours=1):
        raise RowRefused(f"{name}: {moment:%Y-%m-%d %H:%M} is in the future")


def _calls(mapping: Mapping, rows: list[Row], report: HistoryReport, source: str) -> None:
    keyed: dict[str, dict[str, Any]] = {}
    for row in rows:
        values = _reader(mapping, row, report, _call_values)
        if values is None:
            continue
        if values["call_id"] in keyed:
            report.rejected.append(Rejected(row.line, f"call {values['call_id']} appears twice"))
            continue
        keyed[values.pop("call_id")] = values
    existing = {c.call_id: c for c in Call.objects.filter(call_id__in=list(keyed))}
    upsert = Upsert(Call, existing)
    for call_id, values in keyed.items():
        live = existing.get(call_id)
        if live is not None and not live.imported_from:
            report.rejected.append(
                Rejected(values.pop("_line"), f"call {call_id} is a live call here: not replaced")
            )
            continue
        values.pop("_line")
        upsert.add(call_id, values | {"imported_from": source}, call_id=call_id)
    report.created, report.updated = upsert.save()
    report.unchanged = upsert.unchanged


def _reader(mapping: Mapping, row: Row, report: HistoryReport, read: Any) -> Any:
    try:
        return read(_Reader(mapping, row, report))
    except RowRefused as refused:
        report.rejected.append(Rejected(row.line, str(refused)))
        return None


def _call_values(r: _Reader) -> dict[str, Any] | None:
    call_id = r.text("call_id")
    if not call_id:
        raise RowRefused("call_id: missing")
    outcome = r.code("outcomes", "outcome")
    if outcome == "skip":
        r.report.skipped += 1
        return None
    arrived = r.moment("arrived")
    if arrived is None:
        raise RowRefused("arrived: missing")
    _not_future(arrived, "arrived")
    answered = r.moment("answered", after=arrived)
    seconds = r.text("answer_seconds")
    if answered is None and seconds and outcome != "abandoned":
        try:
            delay = float(seconds)
        except ValueError:
            raise RowRefused(f"answer_seconds: {seconds!r} is not a number") from None
        if not math.isfinite(delay) or delay < 0:
            raise RowRefused(f"answer_seconds: {seconds!r} is not a number of seconds")
        answered = arrived + timedelta(seconds=delay)
    if outcome == "abandoned":
        answered = None
    elif outcome == "answered" and answered is None:
        raise RowRefused("answered, says the outcome, but there is no answer time")
    if answered is not None and answered < arrived:
        if (arrived - answered).total_seconds() > r.mapping.skew_s:
            raise RowRefused("answered: before the call arrived")
        r.report.emptied[("answered", "before the arrival, within the clock skew: at arrival")] += 1
        answered = arrived
    abandoned = None if answered else (r.moment("abandoned", after=arrived) or arrived)
    abandoned = _later(r.report, "abandoned", abandoned, arrived, "arrived")
    released = _later(r.report, "released", r.moment("released", after=answered or arrived),
                      answered or arrived, "the answer")  # fmt: skip
    lat, lon = _place(r)  # where the network placed the caller (ALI's X/Y), if exported
    return {
        "_line": r.row.line,
        "call_id": f"{r.mapping.id_prefix}{call_id}"[:64],
        "line": r.code("lines", "line", Call.Line.EMERGENCY),
        "state": Call.State.RELEASED if answered else Call.State.ABANDONED,
        "arrived_at": arrived,
        "answered_at": answered,
        "answered_by": r.text("position")[:64] if answered else "",
        "abandoned_at": abandoned or (None if answered else arrived),
        "released_at": released if answered else None,
        "ani": r.text("ani")[:32],
        "lat": lat,
        "lon": lon,
    }


def _intervals(mapping: Mapping, rows: list[Row], report: HistoryReport, source: str) -> None:
    found: dict[tuple[datetime, str], dict[str, Any]] = {}
    for row in rows:
        values = _reader(mapping, row, report, _interval_values)
        if values is None:
            continue
        key = (values["start"], values["line"])
        if key in found:
            report.rejected.append(Rejected(row.line, f"interval {key[0]:%Y-%m-%d %H:%M} twice"))
            continue
        found[key] = values
    starts = [start for start, _ in found]
    existing = {(i.start, i.line): i for i in AnswerInterval.objects.filter(start__in=starts)}
    upsert = Upsert(AnswerInterval, existing)
    now = timezone.now()
    for key, values in found.items():
        start, line = key
        values = {k: v for k, v in values.items() if k not in ("start", "line")}
        upsert.add(key, values | {"source": source}, start=start, line=line, imported_at=now)
    report.created, report.updated = upsert.save()
    report.unchanged = upsert.unchanged


def _interval_values(r: _Reader) -> dict[str, Any]:
    mapping = r.mapping
    start = r.moment("start") if "start" in mapping.columns else None
    if start is None:
        raise RowRefused("start: missing")
    _not_future(start, "start")
    counts = [r.count(column) for column in mapping.bucket_columns]
    if mapping.cumulative:
        if counts != sorted(counts):
            raise RowRefused("the 'within N s' counts go down: they cannot be cumulative")
        total = counts[-1]
        if "answered_total" in mapping.columns:
            total = r.count(mapping.columns["answered_total"][0])
        if total < counts[-1]:
            raise RowRefused("fewer answered in all than within the last edge")
        counts = [b - a for a, b in zip([0, *counts], [*counts, total], strict=True)]
    abandoned = r.count(mapping.columns["abandoned"][0])
    return {
        "start": start.astimezone(ZoneInfo("UTC")),
        "line": r.code("lines", "line", Call.Line.EMERGENCY),
        "minutes": mapping.interval_minutes,
        "edges": list(mapping.edges),
        "answered": counts,
        "abandoned": abandoned,
    }


def _cad(mapping: Mapping, rows: list[Row], report: HistoryReport, source: str) -> None:
    incidents: dict[str, dict[str, Any]] = {}
    first_line: dict[str, int] = {}
    units: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        values = _reader(mapping, row, report, _cad_values)
        if values is None:
            continue
        number, unit = values.pop("number"), values.pop("unit")
        first_line.setdefault(number, row.line)
        incident = incidents.setdefault(number, values["incident"])
        incident["closed_at"] = max(
            filter(None, [incident.get("closed_at"), values["incident"]["closed_at"]]), default=None
        )
        if values["incident"]["disposition"]:
            incident["disposition"] = values["incident"]["disposition"]
        if unit:
            units[number].append(unit)
            disciplines = incident.setdefault("disciplines", [])
            if unit["discipline"] not in disciplines:
                disciplines.append(unit["discipline"])
    existing = {i.number or "": i for i in Incident.objects.filter(number__in=list(incidents))}
    live = [n for n, i in existing.items() if not i.imported_from]
    for number in live:
        report.rejected.append(
            Rejected(first_line[number], f"incident {number} is a live incident here: not replaced")
        )
        incidents.pop(number)
    upsert = Upsert(Incident, existing)
    for number, values in incidents.items():
        values.setdefault("disciplines", [])
        values["status"] = Incident.Status.CLOSED
        upsert.add(number, values | {"imported_from": source}, number=number)
    report.created, report.updated = upsert.save()
    report.unchanged = upsert.unchanged
    _cad_units(units, source)


def _cad_units(units: dict[str, list[dict[str, Any]]], source: str) -> None:
    signs = {u["call_sign"]: u["discipline"] for rows in units.values() for u in rows}
    known = set(Unit.objects.filter(call_sign__in=list(signs)).values_list("call_sign", flat=True))
    Unit.objects.bulk_create(
        # Units first seen in history are out of service until someone puts them in.
        Unit(call_sign=sign, discipline=kind, status=Unit.Status.OUT)
        for sign, kind in signs.items()
        if sign not in known
    )
    by_sign = {u.call_sign: u for u in Unit.objects.filter(call_sign__in=list(signs))}
    by_number = {i.number: i for i in Incident.objects.filter(number__in=list(units))}
    existing = {
        (a.incident.number, a.unit.call_sign, a.dispatched_at): a
        for a in Assignment.objects.filter(incident__number__in=list(units)).select_related(
            "incident", "unit"
        )
    }
    upsert = Upsert(Assignment, existing)
    for number, rows in units.items():
        incident = by_number.get(number)
        if incident is None or not incident.imported_from:
            continue
        for row in rows:
            unit = by_sign[row["call_sign"]]
            key = (number, unit.call_sign, row["dispatched_at"])
            times = {k: row[k] for k in ("en_route_at", "on_scene_at", "cleared_at", "disposition")}
            upsert.add(key, times, incident=incident, unit=unit, dispatched_at=row["dispatched_at"])
    upsert.save()


def _cad_values(r: _Reader) -> dict[str, Any]:
    number = r.text("incident")
    if not number:
        raise RowRefused("incident: missing")
    received = r.moment("received")
    if received is None:
        raise RowRefused("received: missing")
    _not_future(received, "received")
    report = r.report
    entered = _later(report, "entered", r.moment("entered", after=received), received, "received")
    dispatched = _later(report, "dispatched", r.moment("dispatched", after=received), received,
                        "received")  # fmt: skip
    en_route = _later(report, "en_route", r.moment("en_route", after=dispatched), dispatched,
                      "dispatched")  # fmt: skip
    on_scene = _later(report, "on_scene", r.moment("on_scene", after=en_route or dispatched),
                      en_route or dispatched, "en route")  # fmt: skip
    cleared = _later(report, "cleared", r.moment("cleared", after=on_scene or dispatched),
                     on_scene or dispatched, "on scene")  # fmt: skip
    priority_text = r.text("priority") or "3"
    try:
        priority = int(float(priority_text.lstrip("Pp")))
    except ValueError:
        raise RowRefused(f"priority: {priority_text!r} is not a number") from None
    if not 0 <= priority <= 9:
        raise RowRefused(f"priority: {priority} is outside 0 to 9")
    disposition = r.text("disposition")[:40]
    unit_sign = r.text("unit")[:20]
    unit = None
    if unit_sign:
        if dispatched is None:
            report.emptied[("unit", "no dispatch time: the unit's times are left out")] += 1
        else:
            unit = {
                "call_sign": unit_sign,
                "discipline": r.code("disciplines", "discipline", "police")[:10],
                "dispatched_at": dispatched,
                "en_route_at": en_route,
                "on_scene_at": on_scene,
                "cleared_at": cleared,
                "disposition": disposition,
            }
    lat, lon = _place(r)
    return {
        "number": number[:40],
        "unit": unit,
        "incident": {
            "call_type": (r.text("call_type") or "UNKNOWN")[:20],
            "priority": priority,
            "received_at": received,
            "entered_at": entered or received,
            "closed_at": cleared,
            "disposition": disposition,
            "address": r.text("address")[:300],
            "lat": lat,
            "lon": lon,
            "district": r.text("district")[:20],
            "officer_initiated": r.code("initiated", "initiated").lower() in OFFICER_STARTED,
        },
    }


def _place(r: _Reader) -> tuple[float | None, float | None]:
    lat_text, lon_text = r.text("lat"), r.text("lon")
    if not lat_text or not lon_text:
        return None, None
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        r.report.emptied[("lat/lon", "not numbers")] += 1
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        r.report.emptied[("lat/lon", "not a place on Earth")] += 1
        return None, None
    return lat, lon


IMPORTERS = {"calls": _calls, "intervals": _intervals, "cad": _cad}


@requires(*IMPORT_ROLES)
def history_import(
    *, actor: Actor, data: bytes, mapping: Mapping, source: str, dry_run: bool = False
) -> HistoryReport:
    """Import one export file as the mapping reads it (see the module's note)."""
    table = read_table(data)
    absent = sorted({c for c in mapping.file_columns if c not in table.names})
    if absent:
        raise FileRefused(
            f"the file lacks the columns the mapping names: {', '.join(absent)} "
            f"(its header has {', '.join(table.header)})"
        )
    report = HistoryReport(mapping.kind, rejected=list(table.rejected))
    with dry_run_or_commit(dry_run):
        IMPORTERS[mapping.kind](mapping, table.rows, report, source[:200])
        audit_write(
            actor=actor,
            action=f"emergency.history.{mapping.kind}",
            detail={
                "source": source[:200],
                "created": report.created,
                "updated": report.updated,
                "rejected": len(report.rejected),
            },
        )
        rollups_stale("scorecard", "crisis:monthly")
    report.rejected.sort(key=lambda r: r.line)
    return report
