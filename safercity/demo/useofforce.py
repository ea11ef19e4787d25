"""The demo's use of force (issue 19): two years of incidents with their subjects, officers
and investigation stages, the shootings' files sent to the Circuit Attorney, complaints with
their allegations, the policy in force and the city's population by race.

Calibration (rows `uof_*` and `population_*` in calibration.csv), and what is assumed:
- 59 officer-involved shootings from 2018 to early 2023, 51 files delivered to the Circuit
  Attorney, no determination on 49 (KMOV, 4 March 2023): about 12 shootings a year; the
  demo's Circuit Attorney determines about one file in six and holds the rest.
- SLMPD does not publish its full use-of-force counts (St. Louis Public Radio, 30 July 2020):
  600 incidents a year is an ASSUMPTION, most at the lowest level; subjects' race is drawn
  72% Black, also an assumption, of the size of the disparity that reporting found.
- The population by race is the 2020 Census (alone or in combination, as KSDK reported it).
- Each incident is placed at an address of its district (districts weighted as before, an
  ASSUMPTION), so the Equity Indicators can count force by the neighborhood's majority.
- Stage times are drawn around the policy's deadlines, some late: the board shows overdue
  stages and the scorecard's share closed within 90 days is below its 90% target.
- Complaints: about one for every four incidents, ASSUMED; findings drawn with about one
  allegation in eight sustained.
Officers are invented employee numbers with no names; nobody here is a real person."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.models import Address
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.demo.engine import Calibration
from safercity.useofforce import engine
from safercity.useofforce.models import (
    ALLEGATION_CATEGORIES,
    CONTACT_REASONS,
    LOCATION_TYPES,
    Allegation,
    Complaint,
    ForceIncident,
    Handoff,
    OfficerInvolved,
    PolicyVersion,
    PopulationShare,
    Stage,
    Subject,
)

DISTRICTS = ("1", "2", "3", "4", "5", "6")
POLICY_TEXT = (
    "DEMO TEXT, not the department's policy. Officers use only the force objectively "
    "reasonable and necessary, and attempt de-escalation whenever it is safe to do so. Every "
    "use of force is reported before the end of the shift and reviewed by a supervisor; "
    "shootings and force causing serious injury are investigated by the Force Investigation "
    "Unit and reviewed by Internal Affairs, command and the Civilian Oversight Board."
)
LOW = ("hand control or escort", "firearm pointed at a person")
MIDDLE = (
    "takedown",
    "hands, fists or feet (strikes)",
    "electronic control weapon",
    "chemical agent (OC spray)",
    "baton or impact weapon",
    "less-lethal projectile",
)
HIGH = ("canine bite", "neck restraint", "vehicle")


def _places_by_district() -> dict[str, list[tuple[float, float, int]]]:
    """Where in each district force is used: its addresses (lat, lon, neighborhood number)."""
    places: dict[str, list[tuple[float, float, int]]] = {}
    rows = Address.objects.filter(district__isnull=False, neighborhood__isnull=False)
    for lat, lon, district, hood in rows.order_by("pk").values_list(
        "lat", "lon", "district__number", "neighborhood__number"
    ):
        places.setdefault(str(district), []).append((lat, lon, hood))
    return places


def _force(rng: random.Random, shooting: bool) -> tuple[list[str], str, bool]:
    """Force types used on one subject, their injury, and whether shot at."""
    if shooting:
        injury = rng.choices(["gunshot wound", "death", "none"], [0.6, 0.15, 0.25])[0]
        return ["firearm discharged"], injury, True
    pick = rng.random()
    if pick < 0.62:
        types = [rng.choice(LOW)]
        injury = rng.choices(["none", "apparent minor injury"], [0.85, 0.15])[0]
    elif pick < 0.96:
        types = rng.sample(MIDDLE, rng.choice([1, 1, 2]))
        injury = rng.choices(
            ["none", "apparent minor injury", "severe laceration"], [0.55, 0.42, 0.03]
        )[0]
    else:
        types = [rng.choice(HIGH)]
        injury = rng.choices(
            ["apparent minor injury", "broken bones", "severe laceration"], [0.5, 0.3, 0.2]
        )[0]
    return types, injury, False


def _subject(rng: random.Random, shooting: bool, black_share: float) -> Subject:
    types, injury, shot = _force(rng, shooting)
    if shooting and rng.random() < 0.7:
        weapons = ["firearm"]
    else:
        weapons = rng.choices(
            [["none"], ["knife or cutting instrument"], ["unknown"]], [0.8, 0.1, 0.1]
        )[0]
    return Subject(
        age=max(14, min(80, round(rng.gauss(31, 10)))),
        sex=rng.choices(["male", "female"], [0.85, 0.15])[0],
        races=_race(rng, black_share),
        force_types=types,
        injury=injury,
        firearm_at_subject=shot,
        weapons=weapons,
        resistance=[rng.choice(engine.RESISTANCE[1:])],
    )


def _officers(rng: random.Random, subjects: list[Subject]) -> list[OfficerInvolved]:
    used = sorted({t for s in subjects for t in s.force_types})
    return [
        OfficerInvolved(
            employee_number=f"D{rng.randrange(1000, 9999)}",
            age=rng.randrange(23, 58),
            sex=rng.choices(["male", "female"], [0.8, 0.2])[0],
            races=[rng.choices(["White", "Black or African American"], [0.65, 0.35])[0]],
            years_of_service=rng.randrange(0, 30),
            force_types=used,
        )
        for _ in range(rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0])
    ]


HOLDERS = {
    "supervisor review": "Sgt. (demo)",
    "internal affairs": "Internal Affairs (demo)",
    "command review": "Capt. (demo)",
    "board": "Civilian Oversight Board",
}


def _race(rng: random.Random, black_share: float) -> list[str]:
    others = ("White", "White", "White", "Asian", "unknown")
    return ["Black or African American"] if rng.random() < black_share else [rng.choice(others)]


def _stages(
    rng: random.Random, incident: ForceIncident, policy: PolicyVersion, now: datetime
) -> tuple[list[Stage], datetime | None]:
    """The stages so far, each taking about its allowed time (some late, the last maybe still
    open); and when the incident closed (None: open)."""
    stages = []
    at = incident.reported_at
    report_opened = incident.occurred_at
    stages.append(
        Stage(
            incident=incident,
            stage="report",
            opened_at=report_opened,
            allowed_days=policy.days_for("report"),
            due_at=report_opened + timedelta(days=policy.days_for("report")),
            holder=incident.reported_by,
            closed_at=at,
            closed_by=incident.reported_by,
            finding="reported",
        )
    )
    for name in engine.PATH_STAGES[incident.path][1:]:
        days = policy.days_for(name)
        took = timedelta(
            days=days * rng.choices([rng.uniform(0.2, 0.9), rng.uniform(1.0, 2.5)], [0.8, 0.2])[0]
        )
        closes = at + took
        fiu = incident.path == engine.FORCE_INVESTIGATION
        holder = HOLDERS.get(name) or ("FIU (demo)" if fiu else "Sgt. (demo)")
        done = closes <= now
        stages.append(
            Stage(
                incident=incident,
                stage=name,
                opened_at=at,
                allowed_days=days,
                due_at=at + timedelta(days=days),
                holder=holder,
                closed_at=closes if done else None,
                closed_by=holder if done else "",
                finding="within policy" if done else "",
            )
        )
        if not done:
            return stages, None
        at = closes
    return stages, at


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def load_useofforce(
    *, actor: Actor, calibration: Calibration, seed: int, scale: float = 1.0
) -> int:
    """Two years of use of force to yesterday; returns how many incidents."""
    rng = random.Random(seed + 19)  # noqa: S311 - demo data, not security
    now = timezone.now()
    zone = timezone.get_current_timezone()
    start = timezone.localdate() - timedelta(days=730)
    policy, _ = PolicyVersion.objects.get_or_create(
        version="Demo SO 1-01",
        defaults={
            "effective_from": start - timedelta(days=365),
            "summary": "the demo's policy",
            "text": POLICY_TEXT,
            "stage_days": {},
        },
    )
    for race, key in (
        ("Black or African American", "population_black_share"),
        ("White", "population_white_share"),
    ):
        PopulationShare.objects.update_or_create(
            race=race,
            defaults={
                "share": calibration[key],
                "source": "2020 Census, alone or in combination (KSDK, 2021)",
            },
        )
    per_day = calibration["uof_incidents_per_year"] * scale / 365
    shootings_per_day = calibration["uof_shootings_2018_2023"] / 5 / 365 * max(scale, 0.5)
    black = calibration["uof_black_subject_share"]
    undetermined = calibration["uof_cao_undetermined"] / calibration["uof_shootings_2018_2023"]
    places = _places_by_district()
    incidents: list[tuple[ForceIncident, list[Subject], list[OfficerInvolved]]] = []
    for offset in range(730):
        day = start + timedelta(days=offset)
        count = _poisson(rng, per_day)
        shootings = _poisson(rng, shootings_per_day)
        for n in range(count + shootings):
            shooting = n >= count
            occurred = datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), zone)
            if occurred > now - timedelta(hours=12):
                continue
            subjects = [
                _subject(rng, shooting, black) for _ in range(rng.choices([1, 2], [0.92, 0.08])[0])
            ]
            applied = [
                engine.Applied(t, p.injury, p.firearm_at_subject)
                for p in subjects
                for t in p.force_types
            ]
            officers = _officers(rng, subjects)
            level = engine.level(applied)
            reported = occurred + timedelta(hours=rng.uniform(1, 10))
            district = rng.choices(DISTRICTS, [0.12, 0.11, 0.15, 0.2, 0.21, 0.21])[0]
            lat, lon, hood = rng.choice(places.get(district) or [(None, None, None)])
            incident = ForceIncident(
                case_number=f"{occurred:%y}-{len(incidents) + 1:06d}",
                occurred_at=occurred,
                district=district,
                lat=lat,
                lon=lon,
                neighborhood=hood,
                location_type=rng.choices(LOCATION_TYPES[:4], [0.3, 0.55, 0.05, 0.1])[0],
                contact_reason=rng.choices(CONTACT_REASONS[:4], [0.6, 0.15, 0.2, 0.05])[0],
                officers_applying_force=len(officers),
                ambush=False,
                supervisor_present=rng.random() < 0.3,
                de_escalation_attempted=(tried := rng.random() < 0.7),
                de_escalation_methods=rng.sample(engine.DE_ESCALATION[:4], 2) if tried else [],
                body_camera=rng.choices(["recorded", "equipped, not recorded"], [0.9, 0.1])[0],
                policy=policy,
                level=level,
                path=engine.review_path(level),
                fbi_reportable=engine.fbi_reportable(applied),
                reported_by="demo officer",
                reported_at=reported,
                public_id=f"{rng.getrandbits(64):016x}",
            )
            incidents.append((incident, subjects, officers))
    ForceIncident.objects.bulk_create([i for i, _, _ in incidents], batch_size=500)
    made = {
        i.case_number: i
        for i in ForceIncident.objects.filter(
            case_number__in=[i.case_number for i, _, _ in incidents]
        )
    }
    people_s, people_o, stages, handoffs, changed = [], [], [], [], []
    for entered, subjects, officers in incidents:
        incident = made[entered.case_number]
        for s in subjects:
            s.incident = incident
        for o in officers:
            o.incident = incident
        people_s += subjects
        people_o += officers
        done, closed = _stages(rng, incident, policy, now)
        stages += done
        opened = done[-1] if closed is None else None
        incident.status = (
            ForceIncident.Status.CLOSED
            if closed
            else ForceIncident.Status.REPORTED
            if opened and opened.stage == "supervisor review"
            else ForceIncident.Status.UNDER_REVIEW
        )
        incident.closed_at = closed
        changed.append(incident)
        if incident.fbi_reportable and any(s.firearm_at_subject for s in subjects):
            sent = incident.reported_at + timedelta(days=rng.uniform(60, 200))
            if sent < now:
                determined = rng.random() > undetermined
                when = sent + timedelta(days=rng.uniform(90, 400)) if determined else None
                handoffs.append(
                    Handoff(
                        incident=incident,
                        body=Handoff.Body.CIRCUIT_ATTORNEY,
                        sent_at=sent,
                        sent_by="FIU (demo)",
                        received_at=sent + timedelta(days=rng.uniform(1, 10)),
                        determined_at=when if when and when < now else None,
                        determination="no charges" if when and when < now else "",
                    )
                )
    Subject.objects.bulk_create(people_s, batch_size=1000)
    OfficerInvolved.objects.bulk_create(people_o, batch_size=1000)
    Stage.objects.bulk_create(stages, batch_size=1000)
    Handoff.objects.bulk_create(handoffs, batch_size=500)
    ForceIncident.objects.bulk_update(changed, ["status", "closed_at"], batch_size=500)
    complaints = _complaints(rng, [i for i, _, o in incidents], start, now)
    audit_write(
        actor=actor,
        action="demo.useofforce.load",
        detail={"incidents": len(incidents), "complaints": complaints},
    )
    return len(incidents)


def _complaints(
    rng: random.Random, incidents: list[ForceIncident], start: date, now: datetime
) -> int:
    zone = timezone.get_current_timezone()
    made, allegations = [], []
    findings = ("sustained", "not sustained", "unfounded", "exonerated", "closed, withdrawn")
    for n in range(len(incidents) // 4):
        received = datetime.combine(
            start + timedelta(days=rng.randrange(729)), time(rng.randrange(8, 18)), zone
        )
        if received > now:
            continue
        complaint = Complaint(
            number=f"C-{received:%y}-{n + 1:05d}",
            received_at=received,
            source=rng.choices(
                ["civilian", "internal (department)", "anonymous"], [0.75, 0.2, 0.05]
            )[0],
            filed_by="Internal Affairs (demo)",
            public_id=f"{rng.getrandbits(64):016x}",
        )
        made.append(complaint)
        for _ in range(rng.choice([1, 1, 2, 3])):
            decided = received + timedelta(days=rng.uniform(30, 240))
            finding = (
                rng.choices(findings, [0.12, 0.38, 0.25, 0.15, 0.10])[0]
                if decided < now
                else "open"
            )
            allegations.append(
                (
                    complaint,
                    Allegation(
                        employee_number=f"D{rng.randrange(1000, 9999)}",
                        category=rng.choice(ALLEGATION_CATEGORIES[:-1]),
                        finding=finding,
                        outcome=rng.choice(["counseling or training", "written reprimand"])
                        if finding == "sustained"
                        else "none",
                        decided_at=decided if finding != "open" else None,
                        decided_by="Internal Affairs (demo)" if finding != "open" else "",
                    ),
                )
            )
    Complaint.objects.bulk_create(made, batch_size=500)
    saved = {c.number: c for c in Complaint.objects.filter(number__in=[c.number for c in made])}
    rows = []
    seen = set()
    for complaint, allegation in allegations:
        allegation.complaint = saved[complaint.number]
        key = (complaint.number, allegation.employee_number, allegation.category)
        if key not in seen:
            seen.add(key)
            rows.append(allegation)
    Allegation.objects.bulk_create(rows, batch_size=1000)
    return len(made)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (means here are small)."""
    count, total = 0, rng.expovariate(1.0) if mean > 0 else 2.0
    while mean > 0 and total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count
