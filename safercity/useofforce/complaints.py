"""Complaints against officers, in the Citizens Police Data Project's structure: a complaint
(when, from whom, optionally the complainant's age, sex and race; linked to a use of force
when it is about one) and one allegation per officer and category, each with its finding,
outcome and discipline. Reads of a complaint's officers are audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_read, audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.useofforce.models import (
    ALLEGATION_CATEGORIES,
    COMPLAINT_SOURCES,
    FINDINGS,
    OUTCOMES,
    RACES,
    SEXES,
    Allegation,
    Complaint,
    ForceIncident,
)

INTAKE = (Role.INTERNAL_AFFAIRS, Role.OVERSIGHT_LIAISON)
DECIDERS = (Role.INTERNAL_AFFAIRS, Role.COMMAND_STAFF)
COMPLAINT_READERS = (
    Role.INTERNAL_AFFAIRS,
    Role.COMMAND_STAFF,
    Role.OVERSIGHT_LIAISON,
    Role.FORCE_INVESTIGATOR,
)


@dataclass
class AllegationIn:
    employee_number: str
    category: str
    officer_name: str = ""


@dataclass
class ComplaintIn:
    number: str
    received_at: datetime
    source: str
    allegations: list[AllegationIn]
    summary: str = ""
    incident_case: str = ""
    complainant_age: int | None = None
    complainant_sex: str = ""
    complainant_races: list[str] = field(default_factory=list)


def _check(entered: ComplaintIn) -> ForceIncident | None:
    if not entered.number.strip():
        raise InputRefused("The complaint number is missing.")
    if entered.received_at > timezone.now() + timedelta(minutes=5):
        raise InputRefused("A complaint cannot be received in the future.")
    if entered.source not in COMPLAINT_SOURCES:
        raise InputRefused(f"Unknown source {entered.source!r}.")
    if not entered.allegations:
        raise InputRefused("A complaint has at least one allegation against an officer.")
    for allegation in entered.allegations:
        if not allegation.employee_number.strip():
            raise InputRefused("Each allegation names the officer's employee number.")
        if allegation.category not in ALLEGATION_CATEGORIES:
            raise InputRefused(f"Unknown allegation category {allegation.category!r}.")
    if entered.complainant_age is not None and not 0 <= entered.complainant_age <= 120:
        raise InputRefused(f"An age of {entered.complainant_age} is not a person's.")
    if entered.complainant_sex and entered.complainant_sex not in SEXES:
        raise InputRefused(f"Unknown sex {entered.complainant_sex!r}.")
    for race in entered.complainant_races:
        if race not in RACES:
            raise InputRefused(f"Unknown race {race!r}.")
    if not entered.incident_case.strip():
        return None
    incident = ForceIncident.objects.filter(case_number=entered.incident_case.strip()).first()
    if incident is None:
        raise InputRefused(f"No use of force has case number {entered.incident_case}.")
    return incident


@requires(*INTAKE)
def complaint_file(*, actor: Actor, entered: ComplaintIn) -> Complaint:
    incident = _check(entered)
    with transaction.atomic():
        if Complaint.objects.filter(number=entered.number.strip()).exists():
            raise InputRefused(f"Complaint {entered.number} is already on file.")
        complaint = Complaint.objects.create(
            number=entered.number.strip()[:20],
            received_at=entered.received_at,
            source=entered.source,
            summary=entered.summary,
            incident=incident,
            complainant_age=entered.complainant_age,
            complainant_sex=entered.complainant_sex,
            complainant_races=entered.complainant_races,
            filed_by=actor_label(actor),
            public_id=secrets.token_hex(8),
        )
        seen = set()
        for a in entered.allegations:
            key = (a.employee_number.strip(), a.category)
            if key in seen:
                raise InputRefused(f"{a.category} against {key[0]} is entered twice.")
            seen.add(key)
            Allegation.objects.create(
                complaint=complaint,
                employee_number=key[0][:20],
                officer_name=a.officer_name.strip()[:150],
                category=a.category,
            )
        rollups_stale("useofforce:public")
        audit_write(
            actor=actor,
            action="useofforce.complaint.file",
            obj=complaint,
            detail={"allegations": len(entered.allegations)},
        )
    return complaint


@requires(*COMPLAINT_READERS)
def complaint_read(*, actor: Actor, complaint: Complaint) -> Complaint:
    audit_read(actor=actor, action="useofforce.complaint.read", obj=complaint)
    return complaint


@requires(*DECIDERS)
def allegation_decide(
    *,
    actor: Actor,
    allegation: Allegation,
    finding: str,
    outcome: str = "none",
    suspension_days: int = 0,
) -> Allegation:
    """The allegation's finding and what came of it. Discipline follows a sustained finding
    only (an officer who resigned may be recorded as such); days off only with a
    suspension."""
    if finding not in FINDINGS or finding == "open":
        raise InputRefused("Choose the finding: sustained, not sustained, unfounded, ...")
    if outcome not in OUTCOMES:
        raise InputRefused(f"Unknown outcome {outcome!r}.")
    if outcome == "resigned before discipline":
        if finding not in ("sustained", "officer resigned"):
            raise InputRefused(
                "Resigned before discipline goes with a sustained finding or "
                "the officer's resignation."
            )
    elif outcome != "none" and finding != "sustained":
        raise InputRefused("Discipline follows a sustained finding only.")
    if (outcome == "suspension") != (suspension_days > 0):
        raise InputRefused("A suspension has its days, and only a suspension has them.")
    if not 0 <= suspension_days <= 365:
        raise InputRefused("Suspension days are between 1 and 365.")
    with transaction.atomic():
        allegation.finding, allegation.outcome = finding, outcome
        allegation.suspension_days = suspension_days
        allegation.decided_at, allegation.decided_by = timezone.now(), actor_label(actor)
        allegation.save()
        rollups_stale("useofforce:public")
        audit_write(
            actor=actor,
            action="useofforce.allegation.decide",
            obj=allegation.complaint,
            detail={"category": allegation.category, "finding": finding, "outcome": outcome},
        )
    return allegation
