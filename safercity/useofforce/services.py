"""Use of force: an officer's report, the supervisor's review, each investigation stage on
its clock (extensions approved with a reason), and the ledger of hand-offs to outside bodies.
Every read of an incident's people is audited (`incident_read`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_read, audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.core.selectors import city_index
from safercity.emergency.models import Incident
from safercity.useofforce import engine
from safercity.useofforce.models import (
    CAMERA,
    CONTACT_REASONS,
    ETHNICITIES,
    LOCATION_TYPES,
    RACES,
    SEXES,
    Extension,
    ForceIncident,
    Handoff,
    OfficerInvolved,
    PolicyVersion,
    PopulationShare,
    Stage,
    Subject,
)

REPORTERS = (Role.POLICE_OFFICER, Role.POLICE_SUPERVISOR, Role.FORCE_INVESTIGATOR)
REVIEWERS = (Role.POLICE_SUPERVISOR, Role.FORCE_INVESTIGATOR, Role.INTERNAL_AFFAIRS,
             Role.COMMAND_STAFF)  # fmt: skip
READERS = (*REVIEWERS, Role.OVERSIGHT_LIAISON)
LEDGER = (Role.FORCE_INVESTIGATOR, Role.INTERNAL_AFFAIRS, Role.COMMAND_STAFF,
          Role.OVERSIGHT_LIAISON)  # fmt: skip
EXTENDERS = (Role.INTERNAL_AFFAIRS, Role.COMMAND_STAFF, Role.FORCE_INVESTIGATOR)


@dataclass
class PersonIn:
    force_types: list[str]
    age: int | None = None
    sex: str = "unknown"
    races: list[str] = field(default_factory=list)
    injury: str = "none"


@dataclass
class SubjectIn(PersonIn):
    ethnicity: str = "unknown"
    impairments: list[str] = field(default_factory=list)
    resistance: list[str] = field(default_factory=list)
    weapons: list[str] = field(default_factory=list)
    firearm_at_subject: bool = False


@dataclass
class OfficerIn(PersonIn):
    employee_number: str = ""
    name: str = ""
    years_of_service: int | None = None
    on_duty: bool = True


@dataclass
class IncidentIn:
    case_number: str
    occurred_at: datetime
    location_type: str
    contact_reason: str
    subjects: list[SubjectIn]
    officers: list[OfficerIn]
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    officers_applying_force: int | None = None
    ambush: bool = False
    supervisor_present: bool = False
    de_escalation_attempted: bool = False
    de_escalation_methods: list[str] = field(default_factory=list)
    body_camera: str = "unknown"
    narrative: str = ""
    cad_number: str = ""  # the CAD incident the contact came from, if any
    district: str = ""  # left blank: the CAD incident's


PUBLIC_ROLLUPS = ("useofforce:public", "useofforce:dataset", "scorecard")


def _published_changed() -> None:
    """The public figures and dataset are refreshed once this change commits."""
    rollups_stale(*PUBLIC_ROLLUPS)


def _policy_in_force(on: datetime) -> PolicyVersion:
    found = PolicyVersion.objects.filter(effective_from__lte=on.date()).first()
    if found is None:
        raise InputRefused("No use-of-force policy was in force then: enter the policy first.")
    return found


def _applied(entered: IncidentIn) -> list[engine.Applied]:
    applied = [engine.Applied(t, s.injury, s.firearm_at_subject) for s in entered.subjects
               for t in s.force_types or ["hand control or escort"]]  # fmt: skip
    applied += [engine.Applied(t) for o in entered.officers for t in o.force_types]
    return applied


def _check(entered: IncidentIn, now: datetime) -> None:
    if not entered.case_number.strip():
        raise InputRefused("The case number is missing.")
    if entered.occurred_at > now + timedelta(minutes=5):
        raise InputRefused("The incident cannot be in the future.")
    if not entered.subjects or not entered.officers:
        raise InputRefused("An incident has at least one subject and one officer.")
    if not any(o.force_types for o in entered.officers):
        raise InputRefused("Say which force each officer used.")
    for person in [*entered.subjects, *entered.officers]:
        if person.age is not None and not 0 <= person.age <= 120:
            raise InputRefused(f"An age of {person.age} is not a person's.")
        if person.injury not in engine.INJURIES:
            raise InputRefused(f"Unknown injury {person.injury!r}.")
        _known("race", person.races, RACES)
        _known("sex", [person.sex], SEXES)
    for subject in entered.subjects:
        _known("impairment", subject.impairments, engine.IMPAIRMENTS)
        _known("resistance", subject.resistance, engine.RESISTANCE)
        _known("weapon", subject.weapons, engine.WEAPONS)
        _known("ethnicity", [subject.ethnicity], ETHNICITIES)
    _known("location type", [entered.location_type], LOCATION_TYPES)
    _known("reason for contact", [entered.contact_reason], CONTACT_REASONS)
    _known("body camera answer", [entered.body_camera], CAMERA)
    _known("de-escalation method", entered.de_escalation_methods, engine.DE_ESCALATION)


def _known(what: str, values: list[str], allowed: tuple[str, ...]) -> None:
    for value in values:
        if value not in allowed:
            raise InputRefused(f"Unknown {what} {value!r}.")


def _open(incident: ForceIncident, stage: str, at: datetime, holder: str) -> Stage:
    days = incident.policy.days_for(stage)
    return Stage.objects.create(incident=incident, stage=stage, opened_at=at, allowed_days=days,
                                due_at=at + timedelta(days=days), holder=holder)  # fmt: skip


@requires(*REPORTERS)
def incident_report(*, actor: Actor, entered: IncidentIn) -> ForceIncident:
    """The officer's report: the incident's level and review path from the force used, the
    FBI collection's test, and the supervisor's review opened on its clock (the report's own
    stage, due before the end of the shift, is closed by this)."""
    now = timezone.now()
    _check(entered, now)
    applied = _applied(entered)
    try:
        level = engine.level(applied)
    except ValueError as problem:
        raise InputRefused(str(problem).capitalize() + ".") from None
    policy = _policy_in_force(entered.occurred_at)
    cad = None
    if entered.cad_number.strip():
        cad = Incident.objects.filter(number=entered.cad_number.strip()).first()
        if cad is None:
            raise InputRefused(f"No CAD incident {entered.cad_number.strip()}.")
    who = actor_label(actor)
    with transaction.atomic():
        if ForceIncident.objects.filter(case_number=entered.case_number.strip()).exists():
            raise InputRefused(f"Case {entered.case_number} is already reported.")
        incident = ForceIncident.objects.create(
            case_number=entered.case_number.strip()[:20], occurred_at=entered.occurred_at,
            address=entered.address[:300], lat=entered.lat, lon=entered.lon,
            neighborhood=_neighborhood_at(entered.lat, entered.lon),
            location_type=entered.location_type, contact_reason=entered.contact_reason,
            officers_applying_force=entered.officers_applying_force or len(entered.officers),
            ambush=entered.ambush, supervisor_present=entered.supervisor_present,
            de_escalation_attempted=entered.de_escalation_attempted,
            de_escalation_methods=entered.de_escalation_methods,
            body_camera=entered.body_camera, policy=policy, level=level, cad_incident=cad,
            district=(entered.district.strip() or (cad.district if cad else ""))[:20],
            path=engine.review_path(level), fbi_reportable=engine.fbi_reportable(applied),
            narrative=entered.narrative, reported_by=who, reported_at=now,
            public_id=secrets.token_hex(8),
        )  # fmt: skip
        for s in entered.subjects:
            Subject.objects.create(
                incident=incident, age=s.age, sex=s.sex, races=s.races, ethnicity=s.ethnicity,
                impairments=s.impairments, resistance=s.resistance, weapons=s.weapons,
                force_types=s.force_types, injury=s.injury,
                firearm_at_subject=s.firearm_at_subject,
            )  # fmt: skip
        for o in entered.officers:
            OfficerInvolved.objects.create(
                incident=incident, employee_number=o.employee_number[:20], name=o.name[:150],
                age=o.age, sex=o.sex, races=o.races, years_of_service=o.years_of_service,
                on_duty=o.on_duty, injury=o.injury, force_types=o.force_types,
            )  # fmt: skip
        report = _open(incident, "report", entered.occurred_at, who)
        report.closed_at, report.closed_by = now, who
        report.save(update_fields=["closed_at", "closed_by"])
        _open(incident, "supervisor review", now, "")
        _published_changed()
        audit_write(actor=actor, action="useofforce.incident.report", obj=incident,
                    detail={"level": level, "path": incident.path,
                            "fbi": incident.fbi_reportable})  # fmt: skip
    return incident


def _neighborhood_at(lat: float | None, lon: float | None) -> int | None:
    """The number of the neighborhood holding the place (None off the map or with no place)."""
    if lat is None or lon is None:
        return None
    return city_index().neighborhood_numbers([lon], [lat])[0]


@requires(*READERS)
def incident_read(*, actor: Actor, incident: ForceIncident) -> ForceIncident:
    """An incident with its subjects and officers, the read audited."""
    audit_read(actor=actor, action="useofforce.incident.read", obj=incident)
    return incident


def open_stage(incident: ForceIncident) -> Stage | None:
    return incident.stages.filter(closed_at=None).first()


@requires(*REVIEWERS)
def stage_close(*, actor: Actor, incident: ForceIncident, finding: str,
                holder_next: str = "") -> Stage | None:  # fmt: skip
    """Close the open stage with its finding and open the next on the incident's path (the
    incident closes after its last); returns the stage now open."""
    finding = finding.strip()
    if not finding:
        raise InputRefused("Record the stage's finding.")
    now = timezone.now()
    with transaction.atomic():
        current = open_stage(incident)
        if current is None:
            raise InputRefused("The incident has no open stage.")
        if incident.reported_by == actor_label(actor):
            raise InputRefused("Whoever reported the force cannot review it.")
        current.closed_at, current.closed_by, current.finding = now, actor_label(actor), finding
        current.save(update_fields=["closed_at", "closed_by", "finding"])
        following = engine.next_stage(incident.path, current.stage)
        opened = _open(incident, following, now, holder_next) if following else None
        incident.status = (ForceIncident.Status.UNDER_REVIEW if opened
                           else ForceIncident.Status.CLOSED)  # fmt: skip
        incident.closed_at = None if opened else now
        incident.save(update_fields=["status", "closed_at"])
        _published_changed()
        audit_write(actor=actor, action="useofforce.stage.close", obj=incident,
                    detail={"stage": current.stage, "finding": finding,
                            "next": following or ""})  # fmt: skip
    return opened


@requires(*EXTENDERS)
def stage_extend(*, actor: Actor, stage: Stage, days: float, reason: str) -> Stage:
    """More time for an open stage, approved by the caller with a reason."""
    if stage.closed_at is not None:
        raise InputRefused("The stage is closed.")
    clock = engine.Clock(stage.stage, stage.opened_at, stage.allowed_days)
    try:
        clock.extend(engine.Extension(days, actor_label(actor), reason))
    except ValueError as problem:
        raise InputRefused(str(problem).capitalize() + ".") from None
    with transaction.atomic():
        Extension.objects.create(
            stage=stage,
            days=days,
            approved_by=actor_label(actor),
            reason=reason.strip()[:500],
            granted_at=timezone.now(),
        )
        stage.due_at += timedelta(days=days)
        stage.save(update_fields=["due_at"])
        audit_write(actor=actor, action="useofforce.stage.extend", obj=stage.incident,
                    detail={"stage": stage.stage, "days": days, "reason": reason})  # fmt: skip
    return stage


def overdue_stages(now: datetime | None = None) -> list[Stage]:
    """Open stages past their due time, oldest first (the board's list)."""
    moment = now or timezone.now()
    return list(Stage.objects.filter(closed_at=None, due_at__lt=moment)
                .select_related("incident").order_by("due_at"))  # fmt: skip


@requires(*LEDGER)
def handoff_send(*, actor: Actor, incident: ForceIncident, body: str, reference: str = "",
                 at: datetime | None = None) -> Handoff:  # fmt: skip
    if body not in Handoff.Body.values:
        raise InputRefused("Send the file to the Circuit Attorney, the board or another body.")
    if incident.handoffs.filter(body=body, returned_at=None, determined_at=None).exists():
        raise InputRefused("That body already holds the file.")
    with transaction.atomic():
        sent = Handoff.objects.create(
            incident=incident,
            body=body,
            sent_at=at or timezone.now(),
            sent_by=actor_label(actor),
            reference=reference[:60],
        )
        _published_changed()
        audit_write(actor=actor, action="useofforce.handoff.send", obj=incident,
                    detail={"body": body})  # fmt: skip
    return sent


@requires(*LEDGER)
def handoff_record(*, actor: Actor, handoff: Handoff, received_at: datetime | None = None,
                   determined_at: datetime | None = None, determination: str = "",
                   returned_at: datetime | None = None) -> Handoff:  # fmt: skip
    """What came back from the body: acknowledged, determined (with what), the file returned.
    Dates are checked against each other: nothing before the file was sent."""
    for name, moment in (("received", received_at), ("determined", determined_at),
                         ("returned", returned_at)):  # fmt: skip
        if moment is not None and moment < handoff.sent_at:
            raise InputRefused(f"The {name} date is before the file was sent.")
    if determined_at is not None and not determination.strip():
        raise InputRefused("Say what the body determined.")
    with transaction.atomic():
        for name, value in (("received_at", received_at), ("determined_at", determined_at),
                            ("returned_at", returned_at)):  # fmt: skip
            if value is not None:
                setattr(handoff, name, value)
        if determination.strip():
            handoff.determination = determination.strip()[:300]
        handoff.save()
        _published_changed()
        audit_write(
            actor=actor,
            action="useofforce.handoff.record",
            obj=handoff.incident,
            detail={"body": handoff.body, "determined": bool(determined_at)},
        )
    return handoff


def who_holds(incident: ForceIncident) -> str:
    """The answer to "who has the file": an outside body holding it undetermined, or the
    open stage's holder, or nobody (closed)."""
    out = incident.handoffs.filter(determined_at=None, returned_at=None).first()
    if out is not None:
        return f"{out.get_body_display()} since {out.sent_at:%Y-%m-%d}"
    stage = open_stage(incident)
    if stage is not None:
        return f"{stage.stage}: {stage.holder or 'unassigned'}"
    return "closed"


PUBLISHERS = (Role.COMMAND_STAFF, Role.ADMINISTRATOR)
EXPORTERS = (Role.FORCE_INVESTIGATOR, Role.INTERNAL_AFFAIRS, Role.COMMAND_STAFF,
             Role.ADMINISTRATOR)  # fmt: skip


@requires(*PUBLISHERS)
def policy_publish(
    *,
    actor: Actor,
    version: str,
    effective_from: date,
    summary: str = "",
    text: str = "",
    stage_days: dict[str, float] | None = None,
) -> PolicyVersion:
    """A new version of the use-of-force policy, published with the data: incidents from
    its date take its stage deadlines (a stage it does not set takes the default)."""
    version = version.strip()
    if not version:
        raise InputRefused("Name the policy's version.")
    days = {k: float(v) for k, v in (stage_days or {}).items() if v is not None}
    for stage, value in days.items():
        if stage not in engine.STAGES:
            raise InputRefused(f"Unknown stage {stage!r}.")
        if not 0 < value <= 730:
            raise InputRefused(f"The {stage} takes between a few hours and two years.")
    with transaction.atomic():
        if PolicyVersion.objects.filter(version=version).exists():
            raise InputRefused(f"Version {version} is already published.")
        if PolicyVersion.objects.filter(effective_from=effective_from).exists():
            raise InputRefused(f"Another version is in force from {effective_from}.")
        policy = PolicyVersion.objects.create(version=version[:40], effective_from=effective_from,
                                              summary=summary.strip(), text=text.strip(),
                                              stage_days=days)  # fmt: skip
        audit_write(actor=actor, action="useofforce.policy.publish", obj=policy,
                    detail={"stage_days": days})  # fmt: skip
    return policy


@requires(*PUBLISHERS)
def population_set(*, actor: Actor, shares: dict[str, float | None],
                   source: str) -> list[PopulationShare]:  # fmt: skip
    """The area's residents by race (shares of all residents), with where they come from.
    Races left out are removed. Shares alone-or-in-combination may add up to over 100%."""
    source = source.strip()
    given = {race: share for race, share in shares.items() if share is not None}
    if not given:
        raise InputRefused("Enter at least one race's share of residents.")
    if not source:
        raise InputRefused("Say where the figures come from (e.g. the 2020 Census).")
    for race, share in given.items():
        if race not in RACES:
            raise InputRefused(f"Unknown race {race!r}.")
        if not 0 <= share <= 1:
            raise InputRefused(f"A share is between 0 and 1 (got {share} for {race}).")
    with transaction.atomic():
        PopulationShare.objects.exclude(race__in=list(given)).delete()
        saved = [PopulationShare.objects.update_or_create(
            race=race, defaults={"share": share, "source": source[:300]})[0]
            for race, share in given.items()]  # fmt: skip
        audit_write(actor=actor, action="useofforce.population.set", detail={"source": source})
        rollups_stale("useofforce:public")
    return saved
