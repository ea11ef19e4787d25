"""Patrol staffing by workload, the Django side (issue 18): workload built from the CAD's
incidents and unit times, rosters of who was on duty, the department's units and the
reorganization scenarios judged on them. The arithmetic is in `engine.patrol` and
`engine.reorg`; this reads and writes the tables and says where each figure came from."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.tabular import FileRefused, Rejected, Row, read_table
from safercity.emergency.models import Assignment, Incident, Unit
from safercity.staffing.engine import patrol as engine
from safercity.staffing.models import (
    CallTypeTime,
    PatrolModel,
    RosterShift,
    Workload,
)

PATROL_ROLES = (Role.ANALYST, Role.COMMAND_STAFF, Role.ADMINISTRATOR)
DEFECTS_KEPT = 500  # unit times listed one by one on a workload; all are counted
LONGEST_SHIFT = timedelta(hours=24)
NO_DISTRICT = "no district"


def district_key(value: str) -> str:
    """One spelling for a district in the CAD and the rosters: "District 4", "04" and "4" are
    the same district; any other name is kept as written (trimmed)."""
    text = " ".join(value.split())
    found = re.fullmatch(r"(?i)(?:district|dist\.?|d)?\s*0*(\d{1,3})", text)
    return found.group(1) if found else text[:20]


# --- The model's settings -----------------------------------------------------------------


def model_settings() -> PatrolModel:
    found = PatrolModel.objects.order_by("pk").first()
    return found if found is not None else PatrolModel.objects.create()


def availability(settings: PatrolModel) -> engine.Availability:
    return engine.Availability(
        scheduled=settings.scheduled_hours,
        vacation=settings.vacation_hours,
        holidays=settings.holiday_hours,
        training=settings.training_hours,
        sick=settings.sick_hours,
        other=settings.other_hours,
    )


@requires(*PATROL_ROLES)
def model_update(*, actor: Actor, values: dict[str, Any]) -> PatrolModel:
    settings = model_settings()
    if availability(PatrolModel(**{**_model_fields(settings), **values})).net <= 0:
        raise InputRefused("Leave, training and sick hours take all of the scheduled hours.")
    with transaction.atomic():
        for name, value in values.items():
            setattr(settings, name, value)
        settings.save()
        audit_write(actor=actor, action="patrol.model.update", obj=settings, detail=values)
    return settings


def _model_fields(settings: PatrolModel) -> dict[str, Any]:
    return {f.name: getattr(settings, f.name) for f in PatrolModel._meta.concrete_fields}


@requires(*PATROL_ROLES)
def call_type_set(
    *, actor: Actor, call_type: str, extra_minutes: float, civilian_suitable: bool, note: str = ""
) -> CallTypeTime:
    if not 0 <= extra_minutes <= 24 * 60:
        raise InputRefused("Report and booking time is 0 to 1,440 minutes a call.")
    with transaction.atomic():
        row, _ = CallTypeTime.objects.update_or_create(
            call_type=call_type.strip()[:20],
            defaults={"extra_minutes": extra_minutes, "civilian_suitable": civilian_suitable,
                      "note": note[:200]},
        )  # fmt: skip
        audit_write(actor=actor, action="patrol.call_type.set", obj=row,
                    detail={"minutes": extra_minutes, "civilian": civilian_suitable})  # fmt: skip
    return row


# --- Workload from the CAD ----------------------------------------------------------------


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end, time.min, zone)


def _district_names() -> dict[int, str]:
    from safercity.core.models import PoliceDistrict

    return {pk: str(number) for pk, number in PoliceDistrict.objects.values_list("pk", "number")}


def cad_incidents(
    start: date, end: date, *, progress: Callable[[int, int], None] = lambda done, total: None
) -> tuple[list[engine.Incident], int]:
    """The period's police incidents from the CAD (history and live, never an exercise), each
    with its police units' times, and how many had no district (none in the CAD and no place
    inside one): those are left out of the cube, and counted."""
    from safercity.core.selectors import city_index
    from safercity.emergency.exercises import exercise_call_ids

    begin, finish = _bounds(start, end)
    # No joins: PostgreSQL, without statistics after a bulk load, planned the join with the
    # calls (and `IN (subquery)` for the units) as nested loops, minutes for a year. The few
    # exercises are found apart, and units by their dispatch time, and matched here.
    exercises = set(
        Incident.objects.filter(call_id__in=exercise_call_ids(), received_at__gte=begin,
                                received_at__lt=finish).values_list("pk", flat=True)
    )  # fmt: skip
    chosen = Incident.objects.filter(received_at__gte=begin, received_at__lt=finish).order_by()
    rows = [
        row for row in chosen.values_list("pk", "number", "call_type", "district", "lat", "lon",
                                          "received_at", "officer_initiated")
        if row[0] not in exercises
    ]  # fmt: skip
    total = len(rows)
    progress(0, total)
    times: dict[int, list[engine.UnitTime]] = defaultdict(list)
    kept = {row[0] for row in rows}
    police = list(Unit.objects.filter(discipline="police").values_list("pk", flat=True))
    assignments = (
        Assignment.objects.filter(unit_id__in=police, dispatched_at__gte=begin - timedelta(days=1),
                                  dispatched_at__lt=finish + timedelta(days=2))
        .order_by()
        .values_list("incident_id", "dispatched_at", "cleared_at", "cancelled_at")
    )  # fmt: skip
    for incident_id, dispatched, cleared, cancelled in assignments.iterator(chunk_size=20_000):
        if incident_id in kept:
            times[incident_id].append(engine.UnitTime(dispatched, cleared or cancelled))
    # Incidents the CAD gave no district: from their place, on the city's district map.
    unplaced = [(n, float(r[5]), float(r[4])) for n, r in enumerate(rows)
                if not r[3] and r[4] is not None and r[5] is not None]  # fmt: skip
    located: dict[int, str] = {}
    if unplaced:
        names = _district_names()
        found = city_index().districts.locate([u[1] for u in unplaced], [u[2] for u in unplaced])
        located = {u[0]: names[d] for u, d in zip(unplaced, found, strict=True) if d is not None}
    zone = timezone.get_current_timezone()
    incidents, without = [], 0
    for n, (pk, number, call_type, district, _, _, received, by_officer) in enumerate(rows):
        where = district_key(district) if district else located.get(n, "")
        if not where:
            without += 1
            continue
        incidents.append(
            engine.Incident(number or f"#{pk}", call_type, where, received.astimezone(zone),
                            by_officer, times.get(pk, ()))
        )  # fmt: skip
        if n % 20_000 == 0:
            progress(n, total)
    progress(total, total)
    return incidents, without


def _key(cell: tuple[str, str, bool]) -> str:
    call_type, district, by_officer = cell
    return f"{district}\t{call_type}\t{int(by_officer)}"


def cube_json(cube: engine.Cube) -> dict[str, dict[str, list[float]]]:
    def rounded(values: np.ndarray) -> list[float]:
        return [round(float(v), 2) for v in values]

    return {
        "calls": {_key(k): rounded(v) for k, v in cube.calls.items()},
        "units": {_key(k): rounded(v) for k, v in cube.units.items()},
        "minutes": {_key(k): rounded(v) for k, v in cube.minutes.items()},
    }


def cube_from(workload: Workload) -> engine.Cube:
    cube = engine.Cube(weeks=workload.weeks)
    for part in ("calls", "units", "minutes"):
        table = getattr(cube, part)
        for key, values in workload.cube.get(part, {}).items():
            district, call_type, by_officer = key.split("\t")
            table[(call_type, district, by_officer == "1")] = np.array(values, dtype=float)
    return cube


@requires(*PATROL_ROLES)
def workload_request(*, actor: Actor, start: date, end: date) -> Workload:
    """Queue the workload of [start, end) for the worker (a year of CAD takes seconds)."""
    if end <= start:
        raise InputRefused("The period must end after it starts.")
    if (end - start).days > 3 * 366:
        raise InputRefused("Build a workload over three years at most.")
    with transaction.atomic():
        workload = Workload.objects.create(start=start, end=end, requested_by=actor_label(actor))
        audit_write(actor=actor, action="patrol.workload.request", obj=workload,
                    detail={"start": start.isoformat(), "end": end.isoformat()})  # fmt: skip
        workload_make.enqueue(workload.pk)
    return workload


def workload_build(
    workload: Workload, *, progress: Callable[[int, int], None] = lambda done, total: None
) -> Workload:
    """Count the workload into `workload` and save it."""
    incidents, without = cad_incidents(workload.start, workload.end, progress=progress)
    extra = dict(CallTypeTime.objects.values_list("call_type", "extra_minutes"))
    cube = engine.workload_cube(
        incidents, extra_minutes=extra, weeks=(workload.end - workload.start).days / 7
    )
    counts = Counter(d.reason for d in cube.defects)
    workload.cube = cube_json(cube)
    workload.weeks = cube.weeks
    workload.incidents = len(incidents)
    workload.unit_times = sum(len(i.units) for i in incidents)
    workload.defect_counts = dict(counts.most_common())
    workload.defects = [[d.incident, d.unit + 1, d.reason] for d in cube.defects[:DEFECTS_KEPT]]
    workload.without_district = without
    workload.status = Workload.Status.DONE
    workload.built_at = timezone.now()
    workload.save()
    return workload


def workload_failed(workload: Workload, problem: BaseException) -> None:
    workload.status, workload.error = Workload.Status.FAILED, str(problem)[:2000]
    workload.save(update_fields=["status", "error"])


@task()
def workload_make(workload_id: int) -> str:
    workload = Workload.objects.get(pk=workload_id)
    if workload.status != Workload.Status.QUEUED:
        return workload.status
    try:
        workload_build(workload)
    except (ValueError, MemoryError) as problem:
        workload_failed(workload, problem)
    return workload.status


def latest_workload() -> Workload | None:
    return Workload.objects.filter(status=Workload.Status.DONE).order_by("-built_at").first()


# --- Rosters ------------------------------------------------------------------------------

_DATETIME_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p",
                     "%Y-%m-%d %I:%M %p", "%d.%m.%Y %H:%M")  # fmt: skip
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H%M", "%I:%M %p", "%I %p", "%I%p")
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y")


def _parse(value: str, formats: Iterable[str], what: str, iso: Callable[[str], Any]) -> Any:
    try:
        return iso(value)
    except ValueError:
        pass
    for form in formats:
        try:
            return datetime.strptime(value.upper() if "%p" in form else value, form)  # noqa: DTZ007 - the zone is set by the caller
        except ValueError:
            continue
    raise InputRefused(f"{value!r} is not a {what} (write e.g. 2025-03-01 07:00)")


def _moment(value: str) -> datetime:
    parsed: datetime = _parse(value, _DATETIME_FORMATS, "date and time", datetime.fromisoformat)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.get_current_timezone())
    return parsed


def _clock(value: str) -> time:
    parsed = _parse(value, _TIME_FORMATS, "time of day", time.fromisoformat)
    return parsed if isinstance(parsed, time) else parsed.time()


def _day(value: str) -> date:
    parsed = _parse(value, _DATE_FORMATS, "date", date.fromisoformat)
    return parsed if type(parsed) is date else parsed.date()


@dataclass
class RosterReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def imported(self) -> bool:
        return not self.rejected


ShiftKey = tuple[str, datetime, datetime, str]


def shift_check(district: str, starts_at: datetime, ends_at: datetime, officers: int) -> None:
    if not district:
        raise InputRefused("district: missing")
    if ends_at <= starts_at:
        raise InputRefused("the shift ends before it starts")
    if ends_at - starts_at > LONGEST_SHIFT:
        raise InputRefused("a shift longer than 24 hours")
    if not 1 <= officers <= 500:
        raise InputRefused("officers: 1 to 500 on one row")


def _roster_row(get: Callable[[str], str]) -> tuple[ShiftKey, int]:
    district = district_key(get("district"))
    day_text, start_text, end_text = get("date"), get("start"), get("end")
    if not start_text or not end_text:
        raise InputRefused("start and end: both needed")
    if day_text:  # a date, and times of day (an end before the start is the next morning)
        day = _day(day_text)
        zone = timezone.get_current_timezone()
        starts_at = datetime.combine(day, _clock(start_text), zone)
        ends_at = datetime.combine(day, _clock(end_text), zone)
        if ends_at <= starts_at:
            ends_at += timedelta(days=1)
    else:
        starts_at, ends_at = _moment(start_text), _moment(end_text)
    officers_text = get("officers") or "1"
    try:
        officers = int(officers_text)
    except ValueError:
        raise InputRefused(f"officers: {officers_text!r} is not a whole number") from None
    shift_check(district, starts_at, ends_at, officers)
    if starts_at > timezone.now() + timedelta(days=366):
        raise InputRefused("a shift more than a year ahead")
    return (district, starts_at, ends_at, get("post")[:40]), officers


ROSTER_COLUMNS = {
    "district": ("district", "dist", "area"),
    "date": ("date", "shift date", "day"),
    "start": ("start", "starts", "start time", "on duty", "from", "begin"),
    "end": ("end", "ends", "end time", "off duty", "to", "finish"),
    "officers": ("officers", "count", "on duty count", "number"),
    "post": ("post", "unit", "car", "beat", "badge", "position"),
}


@requires(*PATROL_ROLES)
def roster_import(*, actor: Actor, data: bytes, source: str) -> RosterReport:
    """Shifts from a CSV (district, start, end[, officers][, post]; or district, date, start
    and end times). One row per officer or per post with its count; rows with the same
    district, times and post are added up. A file with any row rejected imports nothing, and
    every rejected row is listed: a roster with holes would understate who was on duty.
    Importing the same file again changes nothing."""
    report = RosterReport()
    table = read_table(data)
    present = set(table.names)
    chosen = {
        f: next((c for c in names if c in present), "") for f, names in ROSTER_COLUMNS.items()
    }
    missing = [f for f in ("district", "start", "end") if not chosen[f]]
    if missing:
        raise FileRefused(f"the file needs columns for {', '.join(missing)} "
                          f"(its columns: {', '.join(table.header)})")  # fmt: skip
    report.rejected.extend(table.rejected)
    shifts: Counter[ShiftKey] = Counter()
    for row in table.rows:

        def cell(name: str, row: Row = row) -> str:
            return row.get(chosen[name]) if chosen[name] else ""

        try:
            key, officers = _roster_row(cell)
        except ValueError as problem:
            report.rejected.append(Rejected(row.line, str(problem)))
            continue
        shifts[key] += officers
    if not table.rows:
        raise FileRefused("the file has a header and no shifts")
    if report.rejected:
        return report
    _roster_save(actor, shifts, source[:200], report)
    return report


def _roster_save(
    actor: Actor, shifts: Counter[ShiftKey], source: str, report: RosterReport
) -> None:
    with transaction.atomic():
        first = min(k[1] for k in shifts)
        last = max(k[2] for k in shifts)
        existing = {
            (s.district, s.starts_at, s.ends_at, s.post): s
            for s in RosterShift.objects.filter(starts_at__gte=first, ends_at__lte=last)
        }
        new, changed = [], []
        for key, officers in shifts.items():
            found = existing.get(key)
            if found is None:
                new.append(RosterShift(district=key[0], starts_at=key[1], ends_at=key[2],
                                       post=key[3], officers=officers, source=source))  # fmt: skip
            elif found.officers != officers:
                found.officers, found.source = officers, source
                changed.append(found)
            else:
                report.unchanged += 1
        RosterShift.objects.bulk_create(new, batch_size=2000)
        RosterShift.objects.bulk_update(changed, ["officers", "source"], batch_size=2000)
        report.created, report.updated = len(new), len(changed)
        audit_write(actor=actor, action="patrol.roster.import",
                    detail={"source": source, "created": report.created,
                            "updated": report.updated, "unchanged": report.unchanged})  # fmt: skip


@requires(*PATROL_ROLES)
def roster_add(
    *, actor: Actor, district: str, starts_at: datetime, ends_at: datetime, officers: int,
    post: str = "",
) -> RosterShift:  # fmt: skip
    district = district_key(district)
    shift_check(district, starts_at, ends_at, officers)
    with transaction.atomic():
        shift, _ = RosterShift.objects.update_or_create(
            district=district, starts_at=starts_at, ends_at=ends_at, post=post.strip()[:40],
            defaults={"officers": officers, "source": "entered"},
        )  # fmt: skip
        audit_write(actor=actor, action="patrol.roster.add", obj=shift,
                    detail={"district": district, "officers": officers})  # fmt: skip
    return shift


@requires(*PATROL_ROLES)
def roster_remove(*, actor: Actor, shift: RosterShift) -> None:
    with transaction.atomic():
        audit_write(
            actor=actor,
            action="patrol.roster.remove",
            obj=shift,
            detail={"district": shift.district, "starts_at": shift.starts_at.isoformat()},
        )
        shift.delete()  # fmt: skip


@dataclass(frozen=True)
class HourSlots:
    """The hours of a period, each with its hour of the week and local day."""

    start: datetime
    how: np.ndarray
    days: list[date]

    @classmethod
    def of(cls, start: date, end: date) -> HourSlots:
        return _slots(start, end, timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=32)
def _slots(start: date, end: date, zone_name: str) -> HourSlots:
    """The hours of [start, end) in the zone (kept: a year is 8,760 conversions)."""
    zone = ZoneInfo(zone_name)
    begin, finish = datetime.combine(start, time.min, zone), datetime.combine(end, time.min, zone)
    count = int((finish - begin).total_seconds() // 3600)
    moments = [(begin + timedelta(hours=h)).astimezone(zone) for h in range(count)]
    how = np.array([m.weekday() * 24 + m.hour for m in moments], dtype=int)
    how.setflags(write=False)
    return HourSlots(begin, how, [m.date() for m in moments])


def spread(count: int, a: np.ndarray, b: np.ndarray, officers: np.ndarray) -> np.ndarray:
    """Officers on duty in each of `count` hours from shifts [a, b) (hours from the start,
    within 0 to count), a part hour counting in part: the first and last hour of each shift
    take their parts, the whole hours between a running sum of +officers and -officers."""
    hours = np.zeros(count + 1)
    first, last = np.floor(a).astype(int), np.floor(b).astype(int)
    one = first == last
    np.add.at(hours, first[one], officers[one] * (b[one] - a[one]))
    many = ~one
    fa, la, wa = first[many], last[many], officers[many]
    np.add.at(hours, fa, wa * (fa + 1 - a[many]))
    np.add.at(hours, la, wa * (b[many] - la))
    steps = np.zeros(count + 2)
    np.add.at(steps, fa + 1, wa)
    np.add.at(steps, la, -wa)
    return (hours + np.cumsum(steps)[: count + 1])[:count]


def on_duty_slots(slots: HourSlots) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """For each district with a roster in the period: officers on duty in each hour (part
    hours count in part), and which hours the roster covers: from a shift's start to the end
    of the shifts that follow it with less than a day between. A longer gap is a roster not
    on file (unknown), not a day with nobody on duty."""
    count = len(slots.how)
    finish = slots.start + timedelta(hours=count)
    spans: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    shifts = RosterShift.objects.filter(starts_at__lt=finish, ends_at__gt=slots.start)
    for district, starts_at, ends_at, officers in shifts.values_list(
        "district", "starts_at", "ends_at", "officers"
    ).iterator(chunk_size=10_000):
        a = max(0.0, (starts_at - slots.start).total_seconds() / 3600)
        b = min(float(count), (ends_at - slots.start).total_seconds() / 3600)
        spans[district].append((a, b, officers))
    answer = {}
    for district, rows in spans.items():
        table = np.array(sorted(rows), dtype=float)
        hours = spread(count, table[:, 0], table[:, 1], table[:, 2])
        blocks: list[list[float]] = []
        for a, b, _ in table:
            if blocks and a - blocks[-1][1] < 24:
                blocks[-1][1] = max(blocks[-1][1], b)
            else:
                blocks.append([a, b])
        covered = np.zeros(count, dtype=bool)
        for a, b in blocks:
            covered[int(a) : math.ceil(b)] = True
        answer[district] = (hours, covered)
    return answer


def on_duty_week(start: date, end: date) -> dict[str, np.ndarray]:
    """Officers on duty by hour of the week in an average rostered week, per district."""
    slots = HourSlots.of(start, end)
    week = {}
    for district, (hours, covered) in on_duty_slots(slots).items():
        weights = np.bincount(slots.how[covered], weights=hours[covered], minlength=168)
        seen = np.bincount(slots.how[covered], minlength=168)
        week[district] = np.divide(weights, seen, out=np.zeros(168), where=seen > 0)
    return week
