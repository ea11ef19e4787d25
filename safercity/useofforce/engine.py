"""Use of force (issue 19), the rules without Django: which review path a use of force takes,
whether the FBI's National Use-of-Force Data Collection takes it, each investigation stage's
clock with its extensions, and the public dataset's generalizations (age bands, small
counts).

Review paths follow the three-level model of the consent decrees (e.g. Cleveland 2015): the
lowest force is reviewed by a supervisor, intermediate force is investigated by one, and
shootings, serious bodily injury and deaths go to the Force Investigation Unit (St. Louis
created its FIU in 2014 for every officer shooting that kills or wounds). The stage deadlines
below are DEFAULTS to be set from the department's policy: 180 days for an internal-affairs
investigation follows the Portland and Chicago benchmarks; the others are of the size the
decrees use, not SLMPD's own."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Force types, each with its level (1 lowest). Names follow the FBI collection's list where
# it has one; the level is the department's policy (a setting in the product).
FORCE_LEVELS: dict[str, int] = {
    "hand control or escort": 1,
    "takedown": 2,
    "hands, fists or feet (strikes)": 2,
    "electronic control weapon": 2,
    "chemical agent (OC spray)": 2,
    "baton or impact weapon": 2,
    "canine bite": 3,
    "neck restraint": 3,
    "vehicle": 3,
    "less-lethal projectile": 2,
    "firearm pointed at a person": 1,
    "firearm discharged": 3,
}
INJURIES = ("none", "apparent minor injury", "possible internal injury",
            "severe laceration", "broken bones", "loss of consciousness", "gunshot wound",
            "death")  # fmt: skip
# 18 U.S.C. 2246(4): substantial risk of death, unconsciousness, protracted and obvious
# disfigurement, or protracted loss or impairment of a bodily member, organ or faculty.
SERIOUS_INJURIES = frozenset({"possible internal injury", "severe laceration", "broken bones",
                              "loss of consciousness", "gunshot wound"})  # fmt: skip

# The subject's segment: what the officer saw (the FBI collection's categories, shortened).
IMPAIRMENTS = ("alcohol", "drugs", "mental health crisis", "none apparent", "unknown")
RESISTANCE = ("none", "passive (not following commands)", "active (pulling away, fleeing)",
              "assaultive (striking, kicking)", "threat with a weapon")  # fmt: skip
WEAPONS = ("none", "firearm", "knife or cutting instrument", "blunt instrument", "vehicle",
           "other weapon", "unknown")  # fmt: skip
DE_ESCALATION = ("verbal warnings", "time and distance", "tactical repositioning",
                 "crisis intervention techniques", "clinician or counselor on scene",
                 "other")  # fmt: skip

SUPERVISOR_REVIEW = "supervisor review"
SUPERVISOR_INVESTIGATION = "supervisor investigation"
FORCE_INVESTIGATION = "force investigation unit"
PATHS = (SUPERVISOR_REVIEW, SUPERVISOR_INVESTIGATION, FORCE_INVESTIGATION)

# Stages in order, and each path's stages. "report" is the officer's; "board" the civilian
# oversight board's review of the highest level.
STAGES = ("report", "supervisor review", "unit investigation", "internal affairs",
          "command review", "board")  # fmt: skip
PATH_STAGES = {
    SUPERVISOR_REVIEW: ("report", "supervisor review"),
    SUPERVISOR_INVESTIGATION: ("report", "supervisor review", "unit investigation",
                               "command review"),
    FORCE_INVESTIGATION: ("report", "supervisor review", "unit investigation",
                          "internal affairs", "command review", "board"),
}  # fmt: skip
DEFAULT_DAYS = {  # days each stage may take (see the module's note)
    "report": 0.5,  # twelve hours: before the end of the shift
    "supervisor review": 3,
    "unit investigation": 30,
    "internal affairs": 180,
    "command review": 30,
    "board": 60,
}


@dataclass(frozen=True)
class Applied:
    """Force one officer used on one subject, and what came of it for the subject."""

    force_type: str
    injury: str = "none"
    firearm_at_person: bool = False  # a discharge at or in the direction of a person


def level(applied: Iterable[Applied], levels: dict[str, int] | None = None) -> int:
    """The incident's level: the highest of its force types, raised to 3 by a serious
    injury, a death, or a firearm discharged at a person."""
    table = levels or FORCE_LEVELS
    highest = 0
    for a in applied:
        if a.force_type not in table:
            raise ValueError(f"unknown force type {a.force_type!r}")
        highest = max(highest, table[a.force_type])
        if a.injury in SERIOUS_INJURIES or a.injury == "death" or a.firearm_at_person:
            highest = 3
    return highest


def review_path(incident_level: int) -> str:
    if incident_level <= 0:
        raise ValueError("an incident with no force has no review path")
    return PATHS[min(incident_level, 3) - 1]


def fbi_reportable(applied: Iterable[Applied]) -> bool:
    """The FBI collection takes force that caused a death or serious bodily injury, and any
    firearm discharged at or in the direction of a person."""
    return any(a.injury == "death" or a.injury in SERIOUS_INJURIES or a.firearm_at_person
               for a in applied)  # fmt: skip


@dataclass(frozen=True)
class Extension:
    days: float
    approved_by: str
    reason: str


@dataclass
class Clock:
    """One stage's clock: opened, due after its policy time plus approved extensions, closed
    or not."""

    stage: str
    opened: datetime
    allowed_days: float
    extensions: list[Extension] = field(default_factory=list)
    closed: datetime | None = None

    @property
    def due(self) -> datetime:
        return self.opened + timedelta(
            days=self.allowed_days + sum(e.days for e in self.extensions)
        )

    def overdue(self, now: datetime) -> bool:
        return (self.closed or now) > self.due

    def days_open(self, now: datetime) -> float:
        return ((self.closed or now) - self.opened).total_seconds() / 86400

    def extend(self, extension: Extension) -> None:
        if extension.days <= 0:
            raise ValueError("an extension adds some days")
        if not extension.approved_by.strip() or not extension.reason.strip():
            raise ValueError("an extension needs an approver and a reason")
        self.extensions.append(extension)


def next_stage(path: str, stage: str) -> str | None:
    """The stage after `stage` on `path` (None when it was the last)."""
    stages = PATH_STAGES[path]
    at = stages.index(stage)
    return stages[at + 1] if at + 1 < len(stages) else None


AGE_BANDS = ((0, 17, "under 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"),
             (45, 54, "45-54"), (55, 64, "55-64"), (65, 200, "65 and over"))  # fmt: skip


def age_band(age: int | None) -> str:
    if age is None:
        return "unknown"
    return next((label for low, high, label in AGE_BANDS if low <= age <= high), "unknown")


def closed_within(clocks: Sequence[tuple[datetime, datetime | None]], days: float,
                  now: datetime) -> tuple[int, int]:  # fmt: skip
    """Of investigations (opened, closed), how many are decided - closed, or open past
    `days` - and how many of those closed within `days`: the commitment's measure."""
    decided = met = 0
    for opened, closed in clocks:
        limit = opened + timedelta(days=days)
        if closed is not None:
            decided += 1
            met += closed <= limit
        elif now > limit:
            decided += 1
    return decided, met
