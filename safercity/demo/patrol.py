"""The demo's patrol staffing (issue 18): the department's units, each call type's report and
booking time, a year of police CAD incidents with their units' times, the year's rosters, a
workload built from them and two scenarios to compare.

Calibration, and what is assumed:
- About 1,224 budgeted officers and 912 filled in the first week of December 2023 (St. Louis
  Post-Dispatch, reprinted at stirmgroup.com/?p=16311); six districts, three patrol shifts.
  How the 912 divide among units is not published in this form: the split below is
  ILLUSTRATIVE, with about 55% on patrol (ICMA's sample mean is 66%).
- About 700,000 calls to 911 a year, "only about a third result in someone being dispatched"
  (Mayor Krewson, 2020): about 230,000 dispatched events a year.
- Rosters: about 83 patrol officers a district at 1,696 net hours each is about 16 on duty
  at a time; the demo rosters 16 by day, 18 in the evening and 12 at night in EVERY district
  (staffing by equal shares, not by workload), now and then a shift of two (one September
  shift had two officers in a district south of downtown, Post-Dispatch).
- The Center for Policing Equity (2022): districts covering downtown and North St. Louis
  understaffed for their workload; about 18% of calls suitable for civilian responders. The
  demo's workload leans north (districts 4 to 6), and accidents, parking and theft reports
  are 18% of its incidents.
- Time on each call type, units per call and report-writing minutes are ASSUMPTIONS of the
  usual size in consultants' studies, not SLMPD data."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.bulk import insert_rows
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.demo.engine import HOURLY_SHAPE_911, MONTH_SHAPE_911, WEEKDAY_SHAPE_911
from safercity.emergency.models import Assignment, Incident, Unit
from safercity.staffing.models import (
    CallTypeTime,
    DepartmentUnit,
    RosterShift,
    Scenario,
    Workload,
)
from safercity.staffing.patrol import workload_build

SOURCE = "demo CAD year (patrol workload)"
DISPATCHED_A_YEAR = 230_000
FILLED = "912 officers filled, Dec 2023 (St. Louis Post-Dispatch); the split is illustrative"
# District -> share of the incidents (north and downtown busier, as CPE found).
DISTRICT_SHARE = {"1": 0.13, "2": 0.12, "3": 0.15, "4": 0.19, "5": 0.20, "6": 0.21}


@dataclass(frozen=True)
class PatrolType:
    code: str
    share: float  # of incidents
    units: float  # mean police units sent
    minutes: float  # mean minutes a unit is on it, dispatch to clear
    report: float  # report writing and booking, minutes a call
    by_officer: bool = False
    civilian: bool = False
    priority: int = 3


TYPES = (
    PatrolType("TRAFFIC STOP", 0.16, 1.2, 18, 5, by_officer=True, priority=4),
    PatrolType("AREA CHECK", 0.10, 1.0, 20, 0, by_officer=True, priority=5),
    PatrolType("DISTURBANCE", 0.14, 2.0, 35, 10, priority=2),
    PatrolType("SUSPICIOUS", 0.09, 1.8, 30, 5, priority=2),
    PatrolType("ALARM", 0.08, 1.6, 20, 0, priority=3),
    PatrolType("DOMESTIC", 0.07, 2.2, 55, 30, priority=1),
    PatrolType("ACCIDENT", 0.07, 1.3, 50, 20, civilian=True, priority=3),
    PatrolType("THEFT", 0.07, 1.0, 40, 25, civilian=True, priority=4),
    PatrolType("PARKING", 0.04, 1.0, 20, 5, civilian=True, priority=5),
    PatrolType("ASSAULT", 0.05, 2.4, 70, 40, priority=1),
    PatrolType("BURGLARY", 0.04, 2.0, 60, 30, priority=2),
    PatrolType("ROBBERY", 0.02, 2.8, 80, 45, priority=1),
    PatrolType("SHOOTING", 0.01, 4.5, 150, 90, priority=1),
    PatrolType("CRASH", 0.02, 2.2, 75, 35, priority=1),
    PatrolType("WELFARE", 0.04, 1.6, 35, 10, priority=3),
)

UNITS = (
    *((f"District {n} patrol", "patrol", sworn, "calls for service, proactive patrol")
      for n, sworn in zip(range(1, 7), (80, 80, 82, 86, 86, 88), strict=True)),
    ("Traffic safety", "specialized", 28, "crash investigation, traffic enforcement"),
    ("Mobile reserve", "specialized", 34, "directed patrol, crowd events"),
    ("Special operations", "specialized", 30, "tactical, canine"),
    ("Homicide", "investigative", 38, "homicides, officer-involved shootings"),
    ("Crimes against persons", "investigative", 62, "assaults, robberies, sex crimes"),
    ("Property crimes", "investigative", 44, "burglary, theft, auto theft"),
    ("Intelligence and crime analysis", "investigative", 22, "crime analysis, intelligence"),
    ("Internal affairs", "administrative", 18, "complaints, investigations of officers"),
    ("Training academy", "administrative", 20, "recruits, in-service training"),
    ("Planning and research", "administrative", 14, "policy, statistics"),
    ("Court liaison and records", "administrative", 20, "records, court"),
    ("Headquarters staff", "administrative", 20, "command, inspections"),
)  # fmt: skip

SHIFTS = ((7, 8, 16), (15, 8, 18), (23, 8, 12))  # start hour, hours, officers on duty


def _weights() -> list[float]:
    hourly = [h / sum(HOURLY_SHAPE_911) for h in HOURLY_SHAPE_911]
    return hourly


@requires(Role.ADMINISTRATOR)
def load_patrol(*, actor: Actor, seed: int, scale: float = 1.0) -> Workload:
    """Everything the patrol pages need, for the year to two weeks ago (the fortnight after it
    is the 911 history's, imported through the CAD importer); rosters run to yesterday."""
    rng = random.Random(seed + 18)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    end = today - timedelta(days=14)
    start = end - timedelta(days=365)
    with transaction.atomic():
        for name, kind, sworn, functions in UNITS:
            DepartmentUnit.objects.update_or_create(
                name=name, defaults={"kind": kind, "sworn": sworn, "functions": functions,
                                     "source": FILLED},
            )  # fmt: skip
        for t in TYPES:
            CallTypeTime.objects.update_or_create(
                call_type=t.code,
                defaults={"extra_minutes": t.report, "civilian_suitable": t.civilian,
                          "note": "demo assumption"},
            )  # fmt: skip
        incidents = _incidents(rng, start, end, scale)
        shifts = _rosters(rng, start, today, scale)
        audit_write(actor=actor, action="demo.patrol.load",
                    detail={"incidents": incidents, "shifts": shifts, "scale": scale})  # fmt: skip
    workload = Workload.objects.create(start=start, end=end, requested_by="demo")
    workload_build(workload)
    _scenarios()
    return workload


def _incidents(rng: random.Random, start: date, end: date, scale: float) -> int:
    zone = timezone.get_current_timezone()
    hourly = _weights()
    weekday = [w / (sum(WEEKDAY_SHAPE_911) / 7) for w in WEEKDAY_SHAPE_911]
    month = [m / (sum(MONTH_SHAPE_911) / 12) for m in MONTH_SHAPE_911]
    per_day = DISPATCHED_A_YEAR * scale / 365
    districts, district_weights = list(DISTRICT_SHARE), list(DISTRICT_SHARE.values())
    units = {d: Unit.objects.get_or_create(call_sign=f"{d}A{d}0",
                                           defaults={"discipline": "police"})[0].pk
             for d in districts}  # fmt: skip
    rows: list[dict[str, object]] = []
    sent: list[tuple[str, str, datetime, datetime | None]] = []
    day, number = start, 0
    while day < end:
        expected = per_day * weekday[day.weekday()] * month[day.month - 1]
        count = max(0, round(rng.gauss(expected, expected**0.5)))
        midnight = datetime.combine(day, time.min, zone)
        hours = rng.choices(range(24), weights=hourly, k=count)
        kinds = rng.choices(TYPES, weights=[t.share for t in TYPES], k=count)
        for hour, kind in zip(hours, kinds, strict=True):
            number += 1
            received = midnight + timedelta(hours=hour, seconds=rng.uniform(0, 3599))
            district = rng.choices(districts, weights=district_weights)[0]
            key = f"PY-{number:07d}"
            closed = received
            for _ in range(max(1, round(rng.expovariate(1 / kind.units)))):
                dispatched = received + timedelta(seconds=rng.uniform(30, 900))
                cleared: datetime | None = dispatched + timedelta(
                    minutes=rng.gammavariate(2.0, kind.minutes / 2)
                )
                if rng.random() < 0.01:
                    cleared = None  # the unit never cleared on the CAD: a defect to report
                closed = max(closed, cleared or dispatched)
                sent.append((key, district, dispatched, cleared))
            rows.append({
                "call_type": kind.code, "priority": kind.priority, "disciplines": ["police"],
                "status": Incident.Status.CLOSED, "received_at": received,
                "entered_at": received, "closed_at": closed, "number": key,
                "imported_from": SOURCE, "district": district,
                "officer_initiated": kind.by_officer, "disposition": "cleared",
            })  # fmt: skip
        day += timedelta(days=1)
    insert_rows(Incident, rows)
    ids = dict(Incident.objects.filter(imported_from=SOURCE).values_list("number", "pk"))
    insert_rows(
        Assignment,
        [{"incident_id": ids[key], "unit_id": units[district], "dispatched_at": dispatched,
          "on_scene_at": dispatched + timedelta(minutes=6) if cleared else None,
          "cleared_at": cleared, "disposition": "cleared"}
         for key, district, dispatched, cleared in sent],
    )  # fmt: skip
    return len(rows)


def _rosters(rng: random.Random, start: date, end: date, scale: float) -> int:
    """Three shifts a day in every district, the same size everywhere (at the demo's scale),
    now and then a short one."""
    zone = timezone.get_current_timezone()
    rows = []
    day = start
    while day < end:
        for district in DISTRICT_SHARE:
            for hour, length, squad in SHIFTS:
                officers = max(2, round(squad * scale) + rng.choice((-1, 0, 0, 0, 1, 1)))
                if rng.random() < 0.01:
                    officers = 2  # a shift with two officers, as one September's was
                begins = datetime.combine(day, time(hour), zone)
                rows.append({"district": district, "starts_at": begins,
                             "ends_at": begins + timedelta(hours=length), "officers": officers,
                             "post": "", "source": "demo rosters",
                             "created_at": timezone.now()})  # fmt: skip
        day += timedelta(days=1)
    return insert_rows(RosterShift, rows)


def _scenarios() -> None:
    civilian = [t.code for t in TYPES if t.civilian]
    Scenario.objects.get_or_create(
        name="Civilian responders for CPE's call types",
        defaults={"created_by": "demo", "steps": [{"kind": "civilianize",
                                                   "call_types": civilian}],
                  "description": "Accidents, parking and theft reports go to community service "
                                 "officers (CPE 2022: about 18% of calls)."},
    )  # fmt: skip
    Scenario.objects.get_or_create(
        name="Merge the reserve into special operations",
        defaults={"created_by": "demo", "target_share": 0.55,
                  "steps": [{"kind": "merge", "units": ["Mobile reserve", "Special operations"],
                             "kept": 40},
                            {"kind": "move", "officers": 24, "to": "patrol"}],
                  "description": "One tactical and directed-patrol unit; 24 officers to patrol, "
                                 "judged at 45% proactive time."},
    )  # fmt: skip
