"""Triage: who goes to a call. Plain Python, rules a supervisor can read; every decision
carries its reasons.

Behavioural-health calls go to a licensed clinician (commitment 8) when no one is armed, no
violence is happening, and no one is badly hurt; otherwise police and EMS go, with the
clinician as co-responder. Routine concerns move to 311 in one step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Discipline(StrEnum):
    POLICE = "police"
    FIRE = "fire"
    EMS = "ems"
    CLINICIAN = "clinician"


@dataclass(frozen=True)
class CallType:
    code: str
    label: str
    priority: int  # 1 most urgent .. 4 least (APCO-style)
    disciplines: tuple[Discipline, ...]
    behavioural: bool = False
    service_311: str = ""  # a routine concern 311 handles instead


P, F, E, C = Discipline.POLICE, Discipline.FIRE, Discipline.EMS, Discipline.CLINICIAN
CALL_TYPES: dict[str, CallType] = {
    t.code: t
    for t in (
        CallType("SHOOTING", "Shooting", 1, (P, E)),
        CallType("ASSAULT", "Assault", 1, (P, E)),
        CallType("ROBBERY", "Robbery", 1, (P,)),
        CallType("DOMESTIC", "Domestic disturbance", 1, (P,)),
        CallType("BURGLARY", "Burglary in progress", 2, (P,)),
        CallType("FIRE", "Structure fire", 1, (F, E)),
        CallType("MEDICAL", "Medical emergency", 1, (E, F)),
        CallType("CRASH", "Traffic crash with injuries", 1, (P, E, F)),
        CallType("MENTAL", "Mental health crisis", 2, (C,), behavioural=True),
        CallType("SUICIDAL", "Person thinking of suicide", 1, (C, E), behavioural=True),
        CallType("WELFARE", "Welfare check", 3, (C,), behavioural=True),
        CallType("INTOXICATED", "Intoxicated person", 3, (C,), behavioural=True),
        CallType("UNHOUSED", "Person without shelter needing help", 3, (C,), behavioural=True),
        CallType("THEFT", "Theft report (not in progress)", 4, (P,)),
        CallType("NOISE", "Noise complaint", 4, (), service_311="NOISE"),
        CallType("STREETLIGHT", "Street light out", 4, (), service_311="STREETLIGHT"),
        CallType("POTHOLE", "Pothole", 4, (), service_311="POTHOLE"),
        CallType("DUMPING", "Illegal dumping", 4, (), service_311="DUMPING"),
    )
}


@dataclass(frozen=True)
class Answers:
    """What the call-taker learned (the questions every call-taker asks)."""

    weapon: bool = False
    violence: bool = False
    serious_injury: bool = False
    in_progress: bool = False
    danger_to_others: bool = False


@dataclass(frozen=True)
class Decision:
    call_type: str
    priority: int
    disciplines: tuple[Discipline, ...]
    clinician_eligible: bool
    transfer_311: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def clinician_leads(self) -> bool:
        return self.clinician_eligible and Discipline.POLICE not in self.disciplines


def triage(call_type: str, answers: Answers) -> Decision:
    kind = CALL_TYPES.get(call_type)
    if kind is None:
        raise ValueError(f"unknown call type {call_type!r}")
    reasons: list[str] = []
    risky = answers.weapon or answers.violence or answers.danger_to_others
    if kind.service_311:
        if risky or answers.serious_injury:
            sent = (P, E) if answers.serious_injury else (P,)
            reasons.append("routine type, but danger or injury was reported: not a 311 matter")
            return Decision(kind.code, 2, sent, False, reasons=reasons)
        reasons.append(f"a routine concern: transferred to 311 ({kind.service_311})")
        return Decision(kind.code, kind.priority, (), False, kind.service_311, reasons)
    disciplines = list(kind.disciplines)
    priority = kind.priority
    eligible = kind.behavioural and not risky and not answers.serious_injury
    if kind.behavioural:
        if eligible:
            reasons.append("behavioural health, no weapon, violence or serious injury: a clinician")
        else:
            flags = (
                ("a weapon", answers.weapon),
                ("violence", answers.violence),
                ("danger to others", answers.danger_to_others),
                ("serious injury", answers.serious_injury),
            )
            why = ", ".join(name for name, on in flags if on)
            reasons.append(
                f"behavioural health with {why}: police and EMS, the clinician as co-responder"
            )
            disciplines = [P, E, C]
            priority = 1
    if answers.serious_injury and E not in disciplines:
        disciplines.append(E)
        reasons.append("serious injury: EMS added")
    if risky and P not in disciplines:
        disciplines.append(P)
        reasons.append("a weapon, violence or danger to others: police added")
    if answers.in_progress and priority > 1:
        priority -= 1
        reasons.append("in progress: priority raised")
    if not reasons:
        who = ", ".join(disciplines)
        reasons.append(f"{kind.label}: {who} at priority {priority}, the call type's rule")
    return Decision(kind.code, priority, tuple(disciplines), eligible, reasons=reasons)
