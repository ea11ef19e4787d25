"""The demo city's parcels, owners, land-bank holdings and two years of code enforcement.

Loaded in bulk (one audit entry for the lot, like the demo's addresses). The history is
synthetic: cases arrive in proportion to each parcel's neglect, more of them from 2026 on,
when the Problem Landlord Unit starts; 2025 is the measure's baseline year.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safercity.accountability.models import Parameter
from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.bulk import update_rows
from safercity.core.models import Address
from safercity.properties.engine.cases import State
from safercity.properties.engine.demo import Site, generate
from safercity.properties.engine.occupancy import Occupancy
from safercity.properties.measures import BASELINE_KEY
from safercity.properties.models import (
    Case,
    CaseEvent,
    Inspection,
    LraHolding,
    Notice,
    Parcel,
    PropertyEvent,
    Violation,
)
from safercity.properties.services import (
    occupancy_classify,
    portfolios_resolve,
    scores_compute,
)

BASELINE_YEAR = 2025
VIOLATIONS = (
    ("25.30.010", "Exterior walls: holes, loose siding", 1),
    ("25.30.050", "Roof leaks", 2),
    ("25.30.080", "Broken or missing windows", 1),
    ("25.32.020", "No heat supplied to a rental unit", 3),
    ("25.32.040", "Smoke detectors missing", 3),
    ("25.34.010", "Rodent or insect infestation", 2),
    ("25.36.030", "Exposed wiring", 3),
    ("25.38.010", "Trash and debris in the yard", 1),
    ("25.38.020", "Weeds over 7 inches", 1),
    ("25.40.010", "Vacant building open to entry", 2),
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(settings.TIME_ZONE))


def load_properties(*, actor: Actor, seed: int) -> int:
    addresses = list(Address.objects.order_by("pk"))
    if not addresses:
        return 0
    sites = [Site(a.house_number, a.street.upper(), a.zip_code) for a in addresses]
    made = generate(sites, seed=seed)
    with transaction.atomic():
        Parcel.objects.bulk_create(
            (
                Parcel(
                    handle=p.handle,
                    site_address=f"{a.house_number} {a.street}".upper(),
                    site_zip=a.zip_code,
                    address=a,
                    lat=a.lat,
                    lon=a.lon,
                    neighborhood_id=a.neighborhood_id,
                    ward_id=a.ward_id,
                    owner_name=p.owner_name,
                    owner_addr=p.owner_addr,
                    owner_city=p.owner_city,
                    owner_state=p.owner_state,
                    owner_zip=p.owner_zip,
                    owner_occ=p.owner_occ,
                    asr_class_code=p.asr_class_code,
                    units=p.units,
                    tax_delinquent_years=p.tax_delinquent_years,
                    vacant=p.vacant,
                    vacancy_source="demo",
                    imported_from="demo",
                )
                for p, a in zip(made, addresses, strict=True)
            ),
            batch_size=5000,
        )
        LraHolding.objects.bulk_create(
            (
                LraHolding(
                    handle=p.handle,
                    address=f"{p.site.house_number} {p.site.street}",
                    status="Available",
                    usage="Vacant Lot" if p.units == 0 else "Building",
                    units=p.units,
                )
                for p in made
                if p.landlord == -1 and p.owner_name.startswith("LAND REUTILIZATION")
            ),
            batch_size=5000,
        )
        Parameter.objects.update_or_create(
            key=BASELINE_KEY,
            defaults={
                "label": "Baseline year for violations on non-owner-occupied units",
                "value": Decimal(BASELINE_YEAR),
                "unit": "year",
                "source": "Demo: the last full year before the Problem Landlord Unit began",
                "as_of": date(BASELINE_YEAR, 12, 31),
            },
        )
        audit_write(actor=actor, action="demo.properties.create", detail={"parcels": len(made)})
    occupancy_classify(actor=actor)
    portfolios_resolve(actor=actor)
    _history(actor, seed, {p.handle: p.neglect for p in made})
    scores_compute(actor=actor)
    return len(made)


DESCRIPTIONS: dict[str, str] = {
    Case.Source.COMPLAINT_311: "Complaint about the property's condition",
    Case.Source.PLU: "Problem Landlord Unit: proactive inspection",
}


def _case(
    rng: np.random.Generator, parcel: Parcel, source: str, opened: datetime, fewest: int
) -> tuple[Case, list[tuple[str, str, int]]]:
    """A case and the violations its inspection will find (`fewest` to 3 of them)."""
    picks = rng.choice(len(VIOLATIONS), int(rng.integers(fewest, 4)), replace=False)
    case = Case(parcel=parcel, source=source, opened_at=opened, description=DESCRIPTIONS[source])
    return case, [VIOLATIONS[int(i)] for i in picks]


def _history(actor: Actor, seed: int, neglect: dict[str, float]) -> None:
    rng = np.random.default_rng(seed + 7)
    today = timezone.localdate()
    start = date(BASELINE_YEAR, 1, 1)
    days = (today - start).days
    parcels = list(Parcel.objects.exclude(occupancy=Occupancy.PUBLIC).order_by("pk"))
    cases: list[tuple[Case, list[tuple[str, str, int]]]] = []
    events: list[PropertyEvent] = []
    for parcel in parcels:
        level = neglect.get(parcel.handle, 0.0)
        rate = 0.004 + 0.12 * level**2  # cases a year
        noo = parcel.occupancy == Occupancy.NON_OWNER
        for _ in range(int(rng.poisson(rate * days / 365 * (1.3 if noo else 1.0)))):
            opened = start + timedelta(days=int(rng.integers(days)))
            cases.append(_case(rng, parcel, Case.Source.COMPLAINT_311, _at(opened, 9), 0))
        if noo and level > 0.35 and rng.random() < 0.15 * level:
            opened = date(BASELINE_YEAR + 1, 1, 5) + timedelta(
                days=int(rng.integers(max(days - 370, 1)))
            )
            if opened < today:
                cases.append(_case(rng, parcel, Case.Source.PLU, _at(opened, 8), 1))
        for _ in range(int(rng.poisson(0.6 * level * days / 365))):
            events.append(
                PropertyEvent(
                    parcel=parcel,
                    kind=PropertyEvent.Kind.NUISANCE,
                    on=start + timedelta(days=int(rng.integers(days))),
                    note="demo",
                )
            )
        if level > 0.7 and rng.random() < 0.05:
            events.append(
                PropertyEvent(
                    parcel=parcel,
                    kind=PropertyEvent.Kind.CONDEMNATION,
                    on=start + timedelta(days=int(rng.integers(days))),
                    note="demo",
                )
            )
    with transaction.atomic():
        Case.objects.bulk_create([c for c, _ in cases], batch_size=2000)
        PropertyEvent.objects.bulk_create(events, batch_size=5000)
        inspections, violations, notices, history = [], [], [], []
        for case, found in cases:
            opened = timezone.localtime(case.opened_at).date()
            inspect_on = opened + timedelta(days=int(rng.integers(3, 21)))
            age = (today - opened).days
            steps: list[tuple[str, str, str, datetime | None]] = [
                ("open", "", State.RECEIVED, case.opened_at)
            ]
            if inspect_on >= today:
                case.state = State.RECEIVED if rng.random() < 0.5 else State.SCHEDULED
                if case.state == State.SCHEDULED:
                    inspections.append(
                        Inspection(case=case, kind="initial", scheduled_for=inspect_on)
                    )
                    steps.append(("schedule", State.RECEIVED, State.SCHEDULED, case.opened_at))
            else:
                steps.append(("schedule", State.RECEIVED, State.SCHEDULED, case.opened_at))
                first = Inspection(
                    case=case,
                    kind="initial",
                    scheduled_for=inspect_on,
                    done_at=_at(inspect_on, 11),
                    result="violations" if found else "clear",
                )
                inspections.append(first)
                if not found:
                    case.state, case.outcome, case.closed_at = (
                        State.CLOSED,
                        "no violation found",
                        first.done_at,
                    )
                    steps.append(("inspect_clear", State.SCHEDULED, State.CLOSED, first.done_at))
                else:
                    steps.append(
                        ("inspect_violations", State.SCHEDULED, State.VIOLATIONS, first.done_at)
                    )
                    comply_by = inspect_on + timedelta(days=30)
                    for code, text, severity in found:
                        violations.append(
                            Violation(
                                case=case,
                                inspection=first,
                                parcel=case.parcel,
                                code=code,
                                description=text,
                                severity=severity,
                                issued_on=inspect_on,
                                comply_by=comply_by,
                                non_owner_occupied=case.parcel.occupancy == Occupancy.NON_OWNER,
                            )
                        )
                    sent = _at(inspect_on + timedelta(days=2), 10)
                    if age > 5:
                        notices.append(
                            Notice(
                                case=case,
                                kind="notice",
                                sent_on=sent.date(),
                                comply_by=comply_by,
                                mailed_to=f"{case.parcel.owner_name}, {case.parcel.owner_addr}"[
                                    :300
                                ],
                            )
                        )
                        steps.append(("send_notice", State.VIOLATIONS, State.NOTICE_SENT, sent))
                        case.state = State.NOTICE_SENT
                    else:
                        case.state = State.VIOLATIONS
                    if comply_by + timedelta(days=7) < today:
                        again = comply_by + timedelta(days=int(rng.integers(1, 7)))
                        complied = rng.random() < 0.7
                        inspections.append(
                            Inspection(
                                case=case,
                                kind="reinspection",
                                scheduled_for=again,
                                done_at=_at(again, 14),
                                result="complied" if complied else "not_complied",
                            )
                        )
                        steps.append(
                            ("schedule_reinspection", State.NOTICE_SENT, State.REINSPECTION, sent)
                        )
                        if complied:
                            case.state, case.outcome, case.closed_at = (
                                State.CLOSED,
                                "complied",
                                _at(again, 14),
                            )
                            steps.append(
                                (
                                    "reinspect_complied",
                                    State.REINSPECTION,
                                    State.CLOSED,
                                    case.closed_at,
                                )
                            )
                        else:
                            case.state = State.CITED
                            notices.append(
                                Notice(
                                    case=case,
                                    kind="citation",
                                    sent_on=again,
                                    mailed_to=f"{case.parcel.owner_name}, {case.parcel.owner_addr}"[
                                        :300
                                    ],
                                )
                            )
                            steps.append(
                                (
                                    "reinspect_not_complied",
                                    State.REINSPECTION,
                                    State.CITED,
                                    _at(again, 14),
                                )
                            )
                            if (today - again).days > 60:
                                case.state = State.COURT
                                steps.append(
                                    (
                                        "refer_to_court",
                                        State.CITED,
                                        State.COURT,
                                        _at(again + timedelta(days=30), 9),
                                    )
                                )
            for action, before, after, at in steps:
                history.append(
                    CaseEvent(
                        case=case,
                        at=at or case.opened_at,
                        action=action,
                        from_state=before,
                        to_state=after,
                        by="demo",
                    )
                )
        update_rows([c for c, _ in cases], ["state", "outcome", "closed_at"])
        Inspection.objects.bulk_create(inspections, batch_size=5000)
        for v in violations:
            v.inspection_id = v.inspection.pk
        Violation.objects.bulk_create(violations, batch_size=5000)
        Notice.objects.bulk_create(notices, batch_size=5000)
        CaseEvent.objects.bulk_create(history, batch_size=5000)
        audit_write(
            actor=actor,
            action="demo.properties.history",
            detail={"cases": len(cases), "violations": len(violations), "events": len(events)},
        )
