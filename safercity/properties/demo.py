"""The demo city's parcels, owners, land-bank holdings and two years of code enforcement.

Loaded in bulk (one audit entry for the lot, like the demo's addresses). The history is
synthetic: cases arrive in proportion to each parcel's neglect, more of them from 2026 on,
when the Problem Landlord Unit starts; 2025 is the measure's baseline year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.properties.engine.cases import Action, State, next_state
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
    mailing_of,
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


@requires(Role.ADMINISTRATOR)
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


@dataclass
class _Records:
    """What the demo's case stories leave behind, written in bulk afterwards."""

    inspections: list[Inspection] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    history: list[CaseEvent] = field(default_factory=list)

    def play(self, case: Case, steps: list[tuple[Action, datetime]]) -> None:
        """Walk the case through the workflow's own transitions, recording each step."""
        state = State.RECEIVED
        self.history.append(
            CaseEvent(
                case=case,
                at=case.opened_at,
                action="open",
                from_state="",
                to_state=state,
                by="demo",
            )
        )
        for action, at in steps:
            after = next_state(state, action)
            self.history.append(
                CaseEvent(
                    case=case,
                    at=at,
                    action=action.value,
                    from_state=state,
                    to_state=after,
                    by="demo",
                )
            )
            state = after
            if after is State.CLOSED:
                case.closed_at = at
        case.state = state


def _story(
    rng: np.random.Generator,
    case: Case,
    found: list[tuple[str, str, int]],
    today: date,
    records: _Records,
) -> list[tuple[Action, datetime]]:
    """What happened to one case by today: its steps, and its inspections, violations and
    notices added to `records`."""
    opened = timezone.localtime(case.opened_at).date()
    inspect_on = opened + timedelta(days=int(rng.integers(3, 21)))
    if inspect_on >= today:
        if rng.random() < 0.5:
            return []
        records.inspections.append(Inspection(case=case, kind="initial", scheduled_for=inspect_on))
        return [(Action.SCHEDULE, case.opened_at)]
    first = Inspection(
        case=case,
        kind="initial",
        scheduled_for=inspect_on,
        done_at=_at(inspect_on, 11),
        result="violations" if found else "clear",
    )
    records.inspections.append(first)
    steps = [(Action.SCHEDULE, case.opened_at)]
    if not found:
        case.outcome = "no violation found"
        return [*steps, (Action.INSPECT_CLEAR, _at(inspect_on, 11))]
    steps.append((Action.INSPECT_VIOLATIONS, _at(inspect_on, 11)))
    comply_by = inspect_on + timedelta(days=30)
    records.violations.extend(
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
        for code, text, severity in found
    )
    if (today - opened).days <= 5:
        return steps
    sent = _at(inspect_on + timedelta(days=2), 10)
    records.notices.append(
        Notice(
            case=case,
            kind="notice",
            sent_on=sent.date(),
            comply_by=comply_by,
            mailed_to=mailing_of(case.parcel),
        )
    )
    steps.append((Action.SEND_NOTICE, sent))
    if comply_by + timedelta(days=7) >= today:
        return steps
    again = comply_by + timedelta(days=int(rng.integers(1, 7)))
    complied = rng.random() < 0.7
    records.inspections.append(
        Inspection(
            case=case,
            kind="reinspection",
            scheduled_for=again,
            done_at=_at(again, 14),
            result="complied" if complied else "not_complied",
        )
    )
    steps.append((Action.SCHEDULE_REINSPECTION, sent))
    if complied:
        case.outcome = "complied"
        return [*steps, (Action.REINSPECT_COMPLIED, _at(again, 14))]
    records.notices.append(
        Notice(case=case, kind="citation", sent_on=again, mailed_to=mailing_of(case.parcel))
    )
    steps.append((Action.REINSPECT_NOT_COMPLIED, _at(again, 14)))
    if (today - again).days > 60:
        steps.append((Action.REFER_TO_COURT, _at(again + timedelta(days=30), 9)))
    return steps


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
        records = _Records()
        for case, found in cases:
            records.play(case, _story(rng, case, found, today, records))
        update_rows([c for c, _ in cases], ["state", "outcome", "closed_at"])
        Inspection.objects.bulk_create(records.inspections, batch_size=5000)
        for v in records.violations:
            v.inspection_id = v.inspection.pk
        Violation.objects.bulk_create(records.violations, batch_size=5000)
        Notice.objects.bulk_create(records.notices, batch_size=5000)
        CaseEvent.objects.bulk_create(records.history, batch_size=5000)
        audit_write(
            actor=actor,
            action="demo.properties.history",
            detail={
                "cases": len(cases),
                "violations": len(records.violations),
                "events": len(events),
            },
        )
