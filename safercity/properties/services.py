"""The properties write path: occupancy, portfolios, scores, the scoring policy and the
code-enforcement case workflow. Each function checks the actor's role and writes the audit."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from safercity.core.actors import Actor, SystemActor, actor_label
from safercity.core.addresses import MailingAddress, normalize_mailing
from safercity.core.audit import audit_write
from safercity.core.bulk import update_rows, update_values
from safercity.core.models import Address
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.properties.engine import cases as flow
from safercity.properties.engine.names import owner_name
from safercity.properties.engine.occupancy import CityZips, Occupancy, ParcelFacts, classify
from safercity.properties.engine.portfolio import OwnerInput, resolve
from safercity.properties.engine.score import Event, Score, Weights, rollup, score_parcel
from safercity.properties.models import (
    Case,
    CaseEvent,
    Inspection,
    LraHolding,
    Notice,
    Parcel,
    Portfolio,
    PropertyEvent,
    ScoringPolicy,
    VacancyEstimate,
    Violation,
)

ANALYSIS_ROLES = (Role.ADMINISTRATOR, Role.ANALYST)
CASE_ROLES = (Role.INSPECTOR, Role.ADMINISTRATOR)
# 311 services that are complaints about a property's condition (they count in its score and
# open a code-enforcement case).
PROPERTY_SERVICE_GROUPS = ("housing", "vacant buildings", "nuisance", "health")
BATCH = 5000


# -- occupancy ------------------------------------------------------------------------------


def _city_zips() -> CityZips:
    """The ZIP codes of the city's addresses, and those it shares with its neighbours."""
    straddling = set(settings.PROPERTIES_STRADDLING_ZIPS)
    inside = set(Address.objects.exclude(zip_code="").values_list("zip_code", flat=True))
    return CityZips({z[:5] for z in inside} - straddling, straddling)


class _CityAddresses:
    """Whether a mailing address is one of the city's own addresses (for straddling ZIPs)."""

    def __init__(self, zips: Iterable[str]) -> None:
        self.keys: dict[str, set[str]] = defaultdict(set)
        for number, street, unit, zip_code in Address.objects.filter(
            zip_code__in=list(zips)
        ).values_list("house_number", "street", "unit", "zip_code"):
            line = f"{number} {street} {unit}".strip()
            self.keys[zip_code[:5]].add(normalize_mailing(line, zip_code=zip_code).key)

    def __call__(self, mailing: MailingAddress) -> bool | None:
        known = self.keys.get(mailing.zip5)
        if not known:
            return None
        return mailing.key in known


@requires(*ANALYSIS_ROLES)
def occupancy_classify(*, actor: Actor) -> dict[str, int]:
    """Classify every parcel; store the answer and its reasons."""
    zips = _city_zips()
    in_city = _CityAddresses(zips.straddling)
    counts: dict[str, int] = defaultdict(int)
    changed: list[Parcel] = []
    land_bank = set(LraHolding.objects.values_list("handle", flat=True))
    for parcel in Parcel.objects.order_by("pk").iterator(chunk_size=BATCH):
        facts = ParcelFacts(
            site=normalize_mailing(parcel.site_address, zip_code=parcel.site_zip),
            owner=owner_name(parcel.owner_name),
            mailing=normalize_mailing(
                parcel.owner_addr, parcel.owner_city, parcel.owner_state, parcel.owner_zip
            ),
            owner_occ=parcel.owner_occ,
            units=parcel.units,
            land_bank=parcel.handle in land_bank,
        )
        found = classify(facts, zips, in_city)
        counts[found.occupancy] += 1
        reasons = list(found.reasons)
        if (found.occupancy, reasons) != (parcel.occupancy, parcel.occupancy_reasons):
            parcel.occupancy, parcel.occupancy_reasons = found.occupancy.value, reasons
            changed.append(parcel)
    with transaction.atomic():
        update_rows(changed, ["occupancy", "occupancy_reasons"])
        audit_write(
            actor=actor,
            action="properties.occupancy_classify",
            detail={"counts": dict(counts), "changed": len(changed)},
        )
    return dict(counts)


@requires(*ANALYSIS_ROLES)
def vacancy_apply(*, actor: Actor, prefer: str = "high") -> int:
    """Copy the vacancy estimates (and land-bank holdings) onto the parcels they name."""
    estimates: dict[str, tuple[bool, str]] = {}
    for v in VacancyEstimate.objects.order_by("year"):
        if v.handle not in estimates or v.estimate == prefer:
            estimates[v.handle] = (v.vacant, f"SLU {v.estimate} estimate {v.year}")
    for handle in LraHolding.objects.values_list("handle", flat=True):
        estimates.setdefault(handle, (True, "held by the land bank (LRA)"))
    changed = []
    for parcel in Parcel.objects.filter(handle__in=list(estimates)).iterator(chunk_size=BATCH):
        vacant, source = estimates[parcel.handle]
        if (parcel.vacant, parcel.vacancy_source) != (vacant, source):
            parcel.vacant, parcel.vacancy_source = vacant, source
            changed.append(parcel)
    with transaction.atomic():
        update_rows(changed, ["vacant", "vacancy_source"])
        audit_write(
            actor=actor, action="properties.vacancy_apply", detail={"changed": len(changed)}
        )
    return len(changed)


# -- nuisance police reports -----------------------------------------------------------------


# UCR Part II classes that make a property a nuisance under the usual ordinances: weapons (15),
# prostitution and commercialized vice (16), drugs (18), gambling (19), liquor laws (22),
# disorderly conduct (24). Settable: SAFERCITY_NUISANCE_UCR_CLASSES.
@requires(*ANALYSIS_ROLES)
def nuisance_from_crime(*, actor: Actor, within_m: float = 25.0) -> tuple[int, int]:
    """Attach police reports of nuisance offences to the parcel they happened at (the nearest
    parcel within `within_m` metres of the report's point); (attached, too far from any parcel).
    Idempotent: a report is attached once."""
    import numpy as np
    from scipy.spatial import cKDTree

    from safercity.core import geo
    from safercity.crime.models import CrimeRecord

    placed = list(
        Parcel.objects.exclude(lat=None).exclude(lon=None).values_list("pk", "lon", "lat")
    )
    if not placed:
        return 0, 0
    ids = np.array([p[0] for p in placed])
    lonlat = np.array([(p[1], p[2]) for p in placed], dtype=np.float64)
    px, py = geo.project_points(lonlat[:, 0], lonlat[:, 1], geo.WGS84, geo.MISSOURI_EAST_METRES)
    tree = cKDTree(np.column_stack([px, py]))
    seen = set(
        PropertyEvent.objects.filter(kind=PropertyEvent.Kind.NUISANCE, note__startswith="SLMPD ")
        .values_list("note", flat=True)
    )  # fmt: skip
    reports = (
        CrimeRecord.objects.filter(
            ucr_class__in=settings.PROPERTIES_NUISANCE_UCR_CLASSES,
            unfounded=False,
            lat__isnull=False,
            lon__isnull=False,
        )
        .order_by("pk")
        .values_list("complaint", "description", "occurred_at", "coded_month", "lon", "lat")
    )
    far = 0
    rows = list(reports)
    made: list[PropertyEvent] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        points = np.array([(r[4], r[5]) for r in batch], dtype=np.float64)
        x, y = geo.project_points(points[:, 0], points[:, 1], geo.WGS84, geo.MISSOURI_EAST_METRES)
        distance, nearest = tree.query(np.column_stack([x, y]), distance_upper_bound=within_m)
        for row, d, i in zip(batch, distance.tolist(), nearest.tolist(), strict=True):
            if not np.isfinite(d):
                far += 1
                continue
            note = f"SLMPD {row[0]} {row[1]}".strip()[:300]
            if note in seen:
                continue
            seen.add(note)
            on = timezone.localtime(row[2]).date() if row[2] else row[3]
            made.append(PropertyEvent(parcel_id=int(ids[i]), kind=PropertyEvent.Kind.NUISANCE,
                                      on=on, note=note))  # fmt: skip
    attached = len(made)
    with transaction.atomic():
        PropertyEvent.objects.bulk_create(made, batch_size=BATCH)
        audit_write(actor=actor, action="properties.nuisance_from_crime",
                    detail={"attached": attached, "far": far, "within_m": within_m})  # fmt: skip
    return attached, far


# -- portfolios -----------------------------------------------------------------------------


@requires(*ANALYSIS_ROLES)
def portfolios_resolve(*, actor: Actor, split_above: int = 100) -> int:
    """Rebuild the owner portfolios from the parcels' owners; returns how many there are."""
    rows = list(
        Parcel.objects.order_by("pk").values_list(
            "pk",
            "owner_name",
            "owner_addr",
            "owner_city",
            "owner_state",
            "owner_zip",
            "units",
            "occupancy",
        )
    )
    result = resolve(
        [OwnerInput(r[1], r[2], r[3], r[4], r[5]) for r in rows], split_above=split_above
    )
    explanations = result.explanations()
    now = timezone.now()
    by_group = result.parcels_by_group()
    with transaction.atomic():
        Parcel.objects.update(portfolio=None)
        with connection.cursor() as cursor:  # nothing refers to a portfolio any more
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(Portfolio._meta.db_table)}")  # noqa: S608
        made: list[Portfolio] = []
        for group in range(result.groups):
            members = by_group.get(group, [])
            owner_parcels = Counter(int(result.owner_of_parcel[i]) for i in members)
            owner_ids = sorted(owner_parcels)
            lead = max(owner_ids, key=lambda o: (owner_parcels[o], -o))
            owners = [
                {
                    "id": o,
                    "name": result.owners[o].name.canonical,
                    "kind": result.owners[o].name.kind.value,
                    "mailing": str(result.owners[o].mailing),
                    "parcels": owner_parcels[o],
                }
                for o in owner_ids
            ]
            links = [
                {
                    "kind": e.kind,
                    "evidence": e.evidence,
                    "owners": sorted({result.owners[o].name.canonical for o in e.owners}),
                    "followed": e.followed,
                }
                for e in explanations.get(group, [])
            ]
            made.append(
                Portfolio(
                    name=result.owners[lead].name.canonical[:200] or "(no owner name)",
                    owner_kind=result.owners[lead].name.kind.value,
                    parcels_count=len(members),
                    units=sum(rows[i][6] for i in members),
                    non_owner_parcels=sum(rows[i][7] == Occupancy.NON_OWNER for i in members),
                    split_from=result.split_groups.get(group),
                    links=links[:200],
                    owners=owners[:500],
                    resolved_at=now,
                )
            )
        Portfolio.objects.bulk_create(made, batch_size=BATCH)
        # Both databases return the new keys from bulk_create.
        update_values(
            Parcel,
            ["portfolio"],
            [[made[group].pk, rows[i][0]] for group, members in by_group.items() for i in members],
        )
        audit_write(
            actor=actor,
            action="properties.portfolios_resolve",
            detail={
                "parcels": len(rows),
                "owners": len(result.owners),
                "portfolios": result.groups,
                "split": len(result.split_groups),
            },
        )
    return result.groups


# -- scores ---------------------------------------------------------------------------------


def policy_current() -> Weights:
    latest = ScoringPolicy.objects.first()
    return Weights.from_json(latest.weights) if latest else Weights()


@requires(*ANALYSIS_ROLES)
def policy_set(*, actor: Actor, weights: dict[str, Any], note: str) -> ScoringPolicy:
    checked = Weights.from_json(weights)  # raises ValueError with the reason
    if not note.strip():
        raise ValueError("say why the weights change")
    with transaction.atomic():
        policy = ScoringPolicy.objects.create(
            weights=checked.as_json(), note=note.strip()[:300], created_by=actor_label(actor)
        )
        audit_write(
            actor=actor, action="properties.policy_set", obj=policy, detail=checked.as_json()
        )
    return policy


def _events() -> dict[int, list[Event]]:
    from safercity.service311.models import ServiceRequest

    events: dict[int, list[Event]] = defaultdict(list)
    for parcel_id, on, severity in Violation.objects.values_list(
        "parcel_id", "issued_on", "severity"
    ):
        events[parcel_id].append(Event("violation", on, float(severity)))
    for parcel_id, kind, on in PropertyEvent.objects.values_list("parcel_id", "kind", "on"):
        events[parcel_id].append(Event(kind, on))
    parcel_of_address = dict(
        Parcel.objects.filter(address__isnull=False).values_list("address_id", "pk")
    )
    complaints = ServiceRequest.objects.filter(
        service__group__in=PROPERTY_SERVICE_GROUPS, address__isnull=False, parent__isnull=True
    ).values_list("address_id", "requested_datetime")
    for address_id, at in complaints.iterator(chunk_size=BATCH):
        found = parcel_of_address.get(address_id) if address_id is not None else None
        if found is not None:
            events[found].append(Event("complaint", timezone.localtime(at).date()))
    return events


@requires(*ANALYSIS_ROLES)
def scores_compute(*, actor: Actor, today: date | None = None) -> int:
    """Score every parcel and roll the scores up to the portfolios."""
    today = today or timezone.localdate()
    weights = policy_current()
    events = _events()
    by_portfolio: dict[int, list[Score]] = defaultdict(list)
    changed: list[list[Any]] = []
    as_json = Parcel._meta.get_field("score_components")
    parcels = Parcel.objects.order_by("pk").values_list(
        "pk", "tax_delinquent_years", "vacant", "score", "score_components", "portfolio_id"
    )
    for pk, tax_years, vacant, before, before_parts, portfolio_id in parcels.iterator(
        chunk_size=BATCH
    ):
        score = score_parcel(
            events.get(pk, []),
            tax_years=tax_years,
            vacant=bool(vacant),
            weights=weights,
            today=today,
        )
        points, components = round(score.total, 3), [c.as_json() for c in score.components]
        if (before, before_parts) != (points, components):
            changed.append([points, as_json.get_db_prep_save(components, connection), pk])
        if portfolio_id is not None:
            by_portfolio[portfolio_id].append(score)
    portfolios = []
    for portfolio in Portfolio.objects.all():
        summed = rollup(by_portfolio.get(portfolio.pk, []))
        portfolio.score = round(summed.total, 3)
        portfolio.score_components = [c.as_json() for c in summed.components]
        portfolios.append(portfolio)
    with transaction.atomic():
        update_values(Parcel, ["score", "score_components"], changed)
        Parcel.objects.update(scored_on=today)
        update_rows(portfolios, ["score", "score_components"])
        audit_write(
            actor=actor,
            action="properties.scores_compute",
            detail={"changed": len(changed), "portfolios": len(portfolios), "on": today},
        )
    return len(changed)


# -- code-enforcement cases -----------------------------------------------------------------


class CaseError(ValueError):
    """A case action that cannot be taken, with the reason."""


@dataclass(frozen=True)
class ViolationIn:
    code: str
    description: str
    severity: int = 1
    days_to_comply: int = 30


def _move(
    actor: Actor, case: Case, action: flow.Action, note: str = "", at: datetime | None = None
) -> None:
    state = flow.State(case.state)
    try:
        after = flow.next_state(
            state,
            action,
            before_appeal=flow.State(case.state_before_appeal)
            if case.state_before_appeal
            else None,
        )
    except flow.NotAllowed as error:
        raise CaseError(str(error)) from None
    at = at or timezone.now()
    if after is flow.State.APPEALED:
        case.state_before_appeal = state.value
    elif state is flow.State.APPEALED:
        case.state_before_appeal = ""
    case.state = after.value
    if after is flow.State.CLOSED:
        case.closed_at = at
    case.save()
    _tell_311(case, after, action, at)
    CaseEvent.objects.create(
        case=case,
        at=at,
        action=action.value,
        from_state=state.value,
        to_state=after.value,
        by=actor_label(actor),
        note=note[:2000],
    )
    audit_write(
        actor=actor,
        action=f"properties.case.{action.value}",
        obj=case,
        detail={"from": state.value, "to": after.value, "note": note[:200]},
    )


RESIDENT_NOTES = {
    flow.Action.INSPECT_CLEAR: "An inspector visited and found no code violations.",
    flow.Action.SEND_NOTICE: "An inspector found code violations; the owner has been ordered "
    "to correct them.",
    flow.Action.REINSPECT_COMPLIED: "The owner corrected the violations; the inspector confirmed "
    "it.",
    flow.Action.REINSPECT_NOT_COMPLIED: "The violations were not corrected; the owner has been "
    "cited.",
    flow.Action.REFER_TO_COURT: "The case has been referred to housing court.",
    flow.Action.COURT_RESOLVED: "Housing court has resolved the case.",
    flow.Action.WITHDRAW: "The code-enforcement case was closed without action.",
    flow.Action.APPEAL_GRANTED: "The owner's appeal was granted; the case is closed.",
}


def _tell_311(case: Case, after: flow.State, action: flow.Action, at: datetime) -> None:
    """Keep the resident's 311 request in step with the case (public notes, no names)."""
    request = case.service_request
    note = RESIDENT_NOTES.get(action)
    if request is None or note is None:
        return
    from safercity.service311.models import ServiceRequest
    from safercity.service311.services import request_set_status

    closed = after is flow.State.CLOSED
    status = ServiceRequest.Status.CLOSED if closed else ServiceRequest.Status.OPEN
    # The resident's request follows the case the inspector has already been allowed to move.
    follower = SystemActor(f"properties.case.{case.pk}", skip_permission_checks=True)
    request_set_status(actor=follower, request=request, status=status, note=note, at=at)


@requires(*CASE_ROLES, Role.AGENT_311)
def case_open(
    *,
    actor: Actor,
    parcel: Parcel,
    source: str,
    description: str = "",
    service_request: Any = None,
    at: datetime | None = None,
) -> Case:
    if source not in Case.Source.values:
        raise CaseError(f"unknown case source {source!r}")
    open_case = parcel.cases.exclude(state=flow.State.CLOSED).first()
    if open_case is not None and service_request is None:
        raise CaseError(f"the parcel already has an open case (#{open_case.pk})")
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            parcel=parcel,
            source=source,
            description=description[:5000],
            opened_at=at,
            service_request=service_request,
        )
        CaseEvent.objects.create(
            case=case,
            at=at,
            action="open",
            from_state="",
            to_state=case.state,
            by=actor_label(actor),
            note=description[:2000],
        )
        audit_write(
            actor=actor,
            action="properties.case.open",
            obj=case,
            detail={"parcel": parcel.handle, "source": source},
        )
    return case


def parcel_for_request(request: Any) -> Parcel | None:
    if request.address_id is None:
        return None
    return Parcel.objects.filter(address_id=request.address_id).first()


def _case_for_request(actor: Actor, request: Any) -> Case | None:
    """Open the case for a 311 property complaint; None when it is not at a known parcel."""
    parcel = parcel_for_request(request)
    if parcel is None:
        return None
    return case_open(
        actor=actor,
        parcel=parcel,
        source=Case.Source.COMPLAINT_311,
        description=f"311 #{request.pk} {request.service.service_name}: {request.description}",
        service_request=request,
        at=request.requested_datetime,
    )


@requires(*CASE_ROLES)
def cases_from_311(*, actor: Actor, since: datetime | None = None) -> tuple[int, int]:
    """Open a case for every property complaint (311) that has none, or for those received
    since `since` (the intake task's every-minute sweep); returns (opened, unplaced)."""
    from safercity.service311.models import ServiceRequest

    waiting = ServiceRequest.objects.filter(
        service__group__in=PROPERTY_SERVICE_GROUPS,
        status=ServiceRequest.Status.OPEN,
        parent__isnull=True,
        enforcement_case__isnull=True,
    ).select_related("service")
    if since is not None:
        waiting = waiting.filter(requested_datetime__gte=since)
    opened = unplaced = 0
    for request in waiting.iterator(chunk_size=1000):
        if _case_for_request(actor, request) is None:
            unplaced += 1
        else:
            opened += 1
    return opened, unplaced


@requires(*CASE_ROLES)
def inspection_schedule(
    *, actor: Actor, case: Case, on: date, inspector: Any = None, at: datetime | None = None
) -> Inspection:
    state = flow.State(case.state)
    if state in (flow.State.RECEIVED, flow.State.SCHEDULED):
        action, kind = flow.Action.SCHEDULE, Inspection.Kind.INITIAL
    else:
        action, kind = flow.Action.SCHEDULE_REINSPECTION, Inspection.Kind.REINSPECTION
    if inspector is not None and not inspector.groups.filter(name=Role.INSPECTOR).exists():
        raise CaseError(f"{inspector.get_username()} is not a building inspector")
    with transaction.atomic():
        case.inspections.filter(done_at__isnull=True).delete()  # a new date replaces the old
        _move(actor, case, action, note=f"{kind.label} on {on:%Y-%m-%d}", at=at)
        return Inspection.objects.create(
            case=case, kind=kind, scheduled_for=on, inspector=inspector
        )


@requires(*CASE_ROLES)
def inspection_record(
    *,
    actor: Actor,
    inspection: Inspection,
    result: str,
    violations: list[ViolationIn] = (),  # type: ignore[assignment]
    note: str = "",
    at: datetime | None = None,
) -> Inspection:
    if inspection.done_at is not None:
        raise CaseError("this inspection is already recorded")
    case = inspection.case
    initial = inspection.kind == Inspection.Kind.INITIAL
    actions = {
        (True, Inspection.Result.CLEAR): flow.Action.INSPECT_CLEAR,
        (True, Inspection.Result.VIOLATIONS): flow.Action.INSPECT_VIOLATIONS,
        (True, Inspection.Result.NO_ACCESS): flow.Action.NO_ACCESS,
        (False, Inspection.Result.COMPLIED): flow.Action.REINSPECT_COMPLIED,
        (False, Inspection.Result.NOT_COMPLIED): flow.Action.REINSPECT_NOT_COMPLIED,
    }
    action = (
        actions.get((initial, Inspection.Result(result)))
        if result in Inspection.Result.values
        else None
    )
    if action is None:
        allowed = ", ".join(r for (i, r) in actions if i == initial)
        raise CaseError(
            f"an {'initial inspection' if initial else 're-inspection'} result is one of {allowed}"
        )
    if action is flow.Action.INSPECT_VIOLATIONS and not violations:
        raise CaseError("record at least one violation")
    at = at or timezone.now()
    issued = timezone.localtime(at).date()
    with transaction.atomic():
        _move(actor, case, action, note=note, at=at)
        inspection.done_at, inspection.result = at, result
        inspection.save(update_fields=["done_at", "result"])
        parcel = case.parcel
        for v in violations:
            if not v.code.strip() or not v.description.strip():
                raise CaseError("a violation needs its ordinance section and a description")
            if not 1 <= v.severity <= 3 or not 1 <= v.days_to_comply <= 365:
                raise CaseError("severity is 1 to 3 and the time to comply 1 to 365 days")
            Violation.objects.create(
                case=case,
                inspection=inspection,
                parcel=parcel,
                code=v.code.strip()[:40],
                description=v.description.strip()[:300],
                severity=v.severity,
                issued_on=issued,
                comply_by=issued + timedelta(days=v.days_to_comply),
                non_owner_occupied=parcel.occupancy == Occupancy.NON_OWNER,
            )
        if action is flow.Action.REINSPECT_COMPLIED:
            case.violations.filter(corrected_on__isnull=True).update(corrected_on=issued)
            case.outcome = "complied"
            case.save(update_fields=["outcome"])
        elif action is flow.Action.REINSPECT_NOT_COMPLIED:
            Notice.objects.create(
                case=case, kind=Notice.Kind.CITATION, sent_on=issued, mailed_to=mailing_of(parcel)
            )
        elif action is flow.Action.INSPECT_CLEAR:
            case.outcome = "no violation found"
            case.save(update_fields=["outcome"])
        if violations:
            rollups_stale("scorecard", "properties:monthly")
    return inspection


def mailing_of(parcel: Parcel) -> str:
    owner = ", ".join(
        p
        for p in (
            parcel.owner_name,
            parcel.owner_addr,
            parcel.owner_city,
            f"{parcel.owner_state} {parcel.owner_zip}".strip(),
        )
        if p
    )
    return owner[:300] or "owner of record"


@requires(*CASE_ROLES)
def notice_send(*, actor: Actor, case: Case, at: datetime | None = None) -> Notice:
    at = at or timezone.now()
    with transaction.atomic():
        _move(actor, case, flow.Action.SEND_NOTICE, at=at)
        comply_by = case.violations.filter(corrected_on__isnull=True).order_by("-comply_by").first()
        return Notice.objects.create(
            case=case,
            kind=Notice.Kind.NOTICE,
            sent_on=timezone.localtime(at).date(),
            comply_by=comply_by.comply_by if comply_by else None,
            mailed_to=mailing_of(case.parcel),
        )


# Steps taken with a note alone (inspections and notices have their own functions).
SIMPLE_ACTIONS = frozenset(
    {
        flow.Action.REFER_TO_COURT,
        flow.Action.COURT_RESOLVED,
        flow.Action.APPEAL,
        flow.Action.APPEAL_GRANTED,
        flow.Action.APPEAL_DENIED,
        flow.Action.WITHDRAW,
    }
)


@requires(*CASE_ROLES)
def case_act(
    *, actor: Actor, case: Case, action: str, note: str = "", at: datetime | None = None
) -> Case:
    """The remaining steps: court, appeals, withdrawal (each checked against the flow)."""
    try:
        chosen = flow.Action(action)
    except ValueError:
        raise CaseError(f"unknown action {action!r}") from None
    if chosen not in SIMPLE_ACTIONS:
        raise CaseError(f"{chosen.value} has its own form (inspection, notice)")
    if chosen in (flow.Action.APPEAL, flow.Action.WITHDRAW) and not note.strip():
        raise CaseError("say why (the appeal's grounds, or why the case is withdrawn)")
    at = at or timezone.now()
    with transaction.atomic():
        _move(actor, case, chosen, note=note, at=at)
        if chosen is flow.Action.REFER_TO_COURT:
            Notice.objects.create(
                case=case,
                kind=Notice.Kind.SUMMONS,
                sent_on=timezone.localtime(at).date(),
                mailed_to=mailing_of(case.parcel),
            )
        outcomes = {
            flow.Action.COURT_RESOLVED: "resolved in court",
            flow.Action.APPEAL_GRANTED: "appeal granted",
            flow.Action.WITHDRAW: "withdrawn",
        }
        if chosen in outcomes:
            case.outcome = outcomes[chosen]
            case.save(update_fields=["outcome"])
    return case


@requires(*CASE_ROLES)
def inspections_plan(*, actor: Actor, day: date, per_inspector: int = 8) -> list[Inspection]:
    """Fill `day` for every inspector: re-inspections past their comply-by date first, then new
    complaints, then the rest in score order (non-owner-occupied first); an inspector's visits
    are kept within as few wards as possible."""
    inspectors = list(
        get_user_model().objects.filter(groups__name=Role.INSPECTOR, is_active=True).order_by("pk")
    )
    if not inspectors:
        raise CaseError("there are no building inspectors to schedule")
    booked = dict(
        Inspection.objects.filter(scheduled_for=day, done_at__isnull=True)
        .values("inspector")
        .annotate(n=Count("pk"))
        .values_list("inspector", "n")
    )
    due_reinspection = (
        Case.objects.filter(state=flow.State.NOTICE_SENT)
        .filter(~Q(violations__comply_by__gt=day))
        .distinct()
    )
    fresh = Case.objects.filter(state=flow.State.RECEIVED)
    ordered = sorted(
        [*due_reinspection.select_related("parcel"), *fresh.select_related("parcel")],
        key=lambda c: (
            c.state != flow.State.NOTICE_SENT,
            c.source != Case.Source.COMPLAINT_311,
            c.parcel.occupancy != Occupancy.NON_OWNER,
            -c.parcel.score,
            c.pk,
        ),
    )
    room = {i.pk: per_inspector - booked.get(i.pk, 0) for i in inspectors}
    wards_of: dict[int, set[int | None]] = {i.pk: set() for i in inspectors}
    made = []
    for case in ordered:
        open_ = [i for i in inspectors if room[i.pk] > 0]
        if not open_:
            break
        ward = case.parcel.ward_id
        chosen = min(open_, key=lambda i: (ward not in wards_of[i.pk], -room[i.pk], i.pk))
        made.append(inspection_schedule(actor=actor, case=case, on=day, inspector=chosen))
        room[chosen.pk] -= 1
        wards_of[chosen.pk].add(ward)
    return made


@requires(*ANALYSIS_ROLES)
def properties_refresh(*, actor: Actor, split_above: int = 100) -> list[str]:
    """The nightly rebuild of derived property data, step by step; returns what each did."""
    said = [f"vacancy: {vacancy_apply(actor=actor)} parcels changed"]
    counts = occupancy_classify(actor=actor)
    said.append("occupancy: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    said.append(f"portfolios: {portfolios_resolve(actor=actor, split_above=split_above):,}")
    opened, unplaced = cases_from_311(actor=actor)
    said.append(f"cases opened from 311: {opened} ({unplaced} complaints not on a parcel)")
    attached, far = nuisance_from_crime(actor=actor)
    said.append(f"nuisance police reports: {attached} attached ({far} not at a parcel)")
    said.append(f"scores: {scores_compute(actor=actor):,} parcels changed")
    return said
