"""The Office of Equity and Inclusion's work: importing the pipeline from an HR export (the
columns named by a mapping; every rejected row listed with its line and reason; a file with
any rejected row changes nothing), the adverse-impact analysis of each step by group, and the
reviews the chief equity officer opens, explains and closes. Reads of personnel records are
audited; the analyses are counts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_read, audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.core.tabular import FileRefused, Rejected, read_table
from safercity.workforce import engine
from safercity.workforce.models import (
    DECLINED,
    DIMENSIONS,
    PROCESSES,
    Person,
    Review,
    Step,
)

PERSONNEL = (Role.EQUITY_OFFICER, Role.PERSONNEL_STAFF)
FIELDS = (
    "reference",
    "process",
    "cycle",
    "stage",
    "outcome",
    "date",
    "race_ethnicity",
    "sex",
    "gender_identity",
    "sexual_orientation",
)
REQUIRED = ("reference", "stage", "outcome")

_STAGE_WORDS = {
    "application": ("applied", "applicant", "application received"),
    "written test": ("written exam", "written examination", "written", "civil service exam"),
    "physical test": ("physical agility", "physical ability", "pat", "fitness test", "physical"),
    "background": ("background check", "background investigation", "polygraph"),
    "academy": ("police academy", "recruit academy", "academy graduation"),
    "probation": ("probationary period", "field training", "fto"),
    "hire": ("hired", "sworn", "appointed", "appointment"),
    "promotion exam": ("promotional exam", "promotion test", "promotional examination"),
    "eligibility list": ("list", "promotion list", "eligible list", "ranked list"),
    "promotion": ("promoted", "promotion made"),
}
_OUTCOME_WORDS = {
    Step.Outcome.PASSED: (
        "passed",
        "pass",
        "p",
        "yes",
        "y",
        "1",
        "selected",
        "hired",
        "promoted",
        "graduated",
        "completed",
        "eligible",
        "true",
    ),
    Step.Outcome.FAILED: (
        "failed",
        "fail",
        "f",
        "no",
        "n",
        "0",
        "not selected",
        "rejected",
        "disqualified",
        "dq",
        "ineligible",
        "false",
        "terminated",
    ),
    Step.Outcome.WITHDREW: (
        "withdrew",
        "withdrawn",
        "withdraw",
        "w",
        "no show",
        "resigned",
        "declined offer",
    ),
}
_DECLINED_WORDS = (
    "declined",
    "decline",
    "decline to state",
    "prefer not to say",
    "prefer not to answer",
    "not disclosed",
    "choose not to disclose",
)
_RACE_WORDS = {
    "Black or African American": ("black", "african american", "black/african american", "b"),
    "White": ("white", "caucasian", "w"),
    "Hispanic or Latino": ("hispanic", "latino", "latina", "latinx", "hispanic/latino", "h"),
    "Asian": ("asian", "a"),
    "American Indian or Alaska Native": (
        "american indian",
        "native american",
        "alaska native",
        "american indian/alaska native",
        "i",
    ),
    "Native Hawaiian or Other Pacific Islander": ("pacific islander", "native hawaiian", "p"),
    "two or more races": ("two or more", "multiracial", "multi-racial", "2+", "two or more races"),
}
_SEX_WORDS = {"female": ("f", "woman", "women"), "male": ("m", "man", "men"), "intersex": ("x",)}


def _words(table: dict[str, tuple[str, ...]], canonical: tuple[str, ...] = ()) -> dict[str, str]:
    found = {c.lower(): c for c in canonical}
    for name, words in table.items():
        found[name.lower()] = name
        found.update({w: name for w in words})
    return found


STAGES = _words(_STAGE_WORDS)
OUTCOMES = _words({k.value: v for k, v in _OUTCOME_WORDS.items()})
SELF_ID = {
    "race_ethnicity": _words(_RACE_WORDS, DIMENSIONS["race_ethnicity"][1]),
    "sex": _words(_SEX_WORDS, DIMENSIONS["sex"][1]),
    "gender_identity": _words({}, DIMENSIONS["gender_identity"][1]),
    "sexual_orientation": _words({}, DIMENSIONS["sexual_orientation"][1]),
}


def plain(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def parse_self_id(get: dict[str, str]) -> dict[str, str]:
    """The self-identification a row gives, in the product's words ("declined" kept)."""
    self_id = {}
    for dimension, words in SELF_ID.items():
        answer = plain(get.get(dimension, ""))
        if not answer:
            continue
        if answer in _DECLINED_WORDS:
            self_id[dimension] = DECLINED
        elif answer in words:
            self_id[dimension] = words[answer]
        else:
            label = DIMENSIONS[dimension][0]
            raise ValueError(f"the {label} {get.get(dimension)!r} is not one this knows")
    return self_id


def parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d-%b-%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(f"the date {text!r} is not a date (YYYY-MM-DD or MM/DD/YYYY)")


@dataclass
class ImportReport:
    rows: int = 0
    people: int = 0
    steps: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    reviews_opened: int = 0

    @property
    def saved(self) -> bool:
        return not self.rejected


@dataclass(frozen=True)
class _Parsed:
    reference: str
    process: str
    cycle: str
    stage: str
    outcome: str
    on: date | None
    self_id: dict[str, str]


def _parse(get: dict[str, str], *, cycle: str, process: str) -> _Parsed:
    reference = get.get("reference", "")
    if not reference:
        raise ValueError("no person reference")
    stage_text = get.get("stage", "")
    stage = STAGES.get(plain(stage_text))
    if stage is None:
        raise ValueError(f"the stage {stage_text!r} is not one this knows")
    stage_process = next(p for p, stages in PROCESSES.items() if stage in stages)
    named_process = plain(get.get("process", "") or process)
    if named_process and named_process != stage_process:
        raise ValueError(f"{stage} is a step of {stage_process}, not {named_process}")
    outcome_text = get.get("outcome", "")
    outcome = OUTCOMES.get(plain(outcome_text))
    if outcome is None:
        raise ValueError(f"the outcome {outcome_text!r} is not passed, failed or withdrew")
    the_cycle = get.get("cycle", "") or cycle
    if not the_cycle:
        raise ValueError("no cycle (a recruit class or promotion exam): name one for the file")
    return _Parsed(
        reference[:40],
        stage_process,
        the_cycle.strip()[:80],
        stage,
        outcome,
        parse_date(get.get("date", "")),
        parse_self_id(get),
    )


@requires(*PERSONNEL)
def import_steps(
    *,
    actor: Actor,
    data: bytes,
    mapping: dict[str, str],
    name: str = "",
    cycle: str = "",
    process: str = "",
) -> ImportReport:
    """The pipeline from an HR export. `mapping` names the file's column for each field (a
    field not named is read from the column of its own name); `cycle` and `process` are for
    files that hold one. All or nothing."""
    columns = {f: (mapping.get(f) or f).strip().lower() for f in FIELDS}
    report = ImportReport()
    try:
        table = read_table(data)
    except FileRefused as refused:
        raise InputRefused(f"The file cannot be read: {refused}.") from None
    missing = [f"{f} ({columns[f]})" for f in REQUIRED if columns[f] not in table.names]
    if not cycle and columns["cycle"] not in table.names:
        missing.append(f"cycle ({columns['cycle']}), or name the cycle for the whole file")
    if missing:
        raise InputRefused("The file has no column for " + ", ".join(missing) + ".")
    report.rejected = list(table.rejected)
    parsed: list[tuple[int, _Parsed]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row in table.rows:
        values = {f: row.get(columns[f]) for f in FIELDS}
        try:
            item = _parse(values, cycle=cycle, process=process)
        except ValueError as problem:
            report.rejected.append(Rejected(row.line, str(problem)))
            continue
        key = (item.reference, item.cycle, item.stage)
        if key in seen:
            report.rejected.append(Rejected(row.line, f"the same step as line {seen[key]}"))
            continue
        seen[key] = row.line
        parsed.append((row.line, item))
    report.rows = len(table.rows) + len(table.rejected)
    if report.rejected:
        report.rejected.sort(key=lambda r: r.line)
        return report
    with transaction.atomic():
        people = {
            p.reference: p
            for p in Person.objects.filter(reference__in={i.reference for _, i in parsed})
        }
        for _, item in parsed:
            person = people.get(item.reference)
            if person is None:
                person = people[item.reference] = Person(reference=item.reference)
            for dimension, answer in item.self_id.items():
                setattr(person, dimension, answer)
            if item.stage == "hire" and item.outcome == Step.Outcome.PASSED and item.on:
                person.hired_on = item.on
        for person in people.values():
            person.save()
        for _, item in parsed:
            Step.objects.update_or_create(
                person=people[item.reference],
                cycle=item.cycle,
                stage=item.stage,
                defaults={
                    "process": item.process,
                    "outcome": item.outcome,
                    "on": item.on,
                    "source": name[:200],
                },
            )
        report.people, report.steps = len(people), len(parsed)
        report.reviews_opened = _reviews_sync({i.cycle for _, i in parsed})
        rollups_stale("workforce:annual", "scorecard")
        audit_write(
            actor=actor,
            action="workforce.import",
            detail={"file": name, "steps": report.steps, "people": report.people},
        )
    return report


@dataclass(frozen=True)
class StageAnalysis:
    stage: str
    results: list[engine.GroupResult]
    not_identified: int  # candidates who were not asked or declined, counted apart
    withdrew: int


def cycles() -> list[tuple[str, str, int]]:
    """Each cycle with its process and how many people are in it, newest name first."""
    rows = (
        Step.objects.values("cycle", "process")
        .annotate(people=Count("person", distinct=True))
        .order_by("-cycle")
    )
    return [(r["cycle"], r["process"], r["people"]) for r in rows]


def analysis(cycle: str, dimension: str) -> list[StageAnalysis]:
    """Every stage of the cycle, each group's selection at it (counts only)."""
    if dimension not in DIMENSIONS:
        raise InputRefused(f"Unknown dimension {dimension!r}.")
    rows = Step.objects.filter(cycle=cycle).values_list("stage", "outcome", f"person__{dimension}")
    tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    unknown: Counter[str] = Counter()
    withdrew: Counter[str] = Counter()
    process = ""
    for stage, outcome, group in rows:
        process = next(p for p, stages in PROCESSES.items() if stage in stages)
        if outcome == Step.Outcome.WITHDREW:
            withdrew[stage] += 1
        elif not group or group == DECLINED:
            unknown[stage] += 1
        else:
            counts = tally[stage][group]
            counts[0] += outcome == Step.Outcome.PASSED
            counts[1] += 1
    if not process:
        return []
    order = DIMENSIONS[dimension][1]
    out = []
    for stage in PROCESSES[process]:
        if stage not in tally and stage not in unknown and stage not in withdrew:
            continue
        groups = sorted(tally[stage], key=lambda g: order.index(g) if g in order else 99)
        tallies = [engine.Tally(g, *tally[stage][g]) for g in groups]
        out.append(StageAnalysis(stage, engine.analyze(tallies), unknown[stage], withdrew[stage]))
    return out


def _reviews_sync(cycle_names: set[str]) -> int:
    """Open a review for each group now below four-fifths at a step (judged groups only), and
    keep the figures of open reviews current. Returns how many were opened."""
    opened = 0
    for cycle in cycle_names:
        for dimension in DIMENSIONS:
            for stage in analysis(cycle, dimension):
                opened += reviews_open(
                    cycle=cycle, stage=stage.stage, dimension=dimension, results=stage.results
                )
    return opened


def reviews_open(
    *, cycle: str, stage: str, dimension: str, results: list[engine.GroupResult]
) -> int:
    """A review for each group the four-fifths rule flags among one step's results (an open
    review's figures kept current). Returns how many were opened."""
    reference = next((r for r in results if r.status == "reference"), None)
    opened = 0
    for r in results:
        if r.status != "adverse impact" or reference is None:
            continue
        figures = {
            "selected": r.selected,
            "total": r.total,
            "reference_group": reference.group,
            "reference_rate": reference.rate or 0.0,
            "impact_ratio": r.impact_ratio or 0.0,
        }
        review, made = Review.objects.get_or_create(
            cycle=cycle,
            stage=stage,
            dimension=dimension,
            group=r.group,
            defaults={**figures, "opened_at": timezone.now()},
        )
        if made:
            opened += 1
        elif review.status == Review.Status.OPEN:
            Review.objects.filter(pk=review.pk).update(**figures)
    return opened


@requires(Role.EQUITY_OFFICER)
def review_explain(*, actor: Actor, review: Review, explanation: str, actions: str) -> Review:
    """The chief equity officer's finding on a flagged step, and what will be done."""
    explanation, actions = explanation.strip(), actions.strip()
    if len(explanation) < 20:
        raise InputRefused("Explain the step's result in a sentence or more.")
    if not actions:
        raise InputRefused("Say what will be done (or why nothing needs to be).")
    with transaction.atomic():
        review.explanation, review.actions = explanation, actions
        review.status = Review.Status.EXPLAINED
        review.explained_by, review.explained_at = actor_label(actor), timezone.now()
        review.save()
        rollups_stale("workforce:annual", "scorecard")
        audit_write(
            actor=actor,
            action="workforce.review.explain",
            obj=review,
            detail={"stage": review.stage, "group": review.group},
        )
    return review


@requires(*PERSONNEL)
def stage_people(*, actor: Actor, cycle: str, stage: str) -> list[Step]:
    """The drill-down to a stage's records (HR references, outcomes, self-identification),
    audited."""
    found = list(
        Step.objects.filter(cycle=cycle, stage=stage)
        .select_related("person")
        .order_by("person__reference")
    )
    audit_read(
        actor=actor,
        action="workforce.stage.read",
        detail={"cycle": cycle, "stage": stage, "shown": len(found)},
    )
    return found


def cycle_year(cycle: str) -> int | None:
    """The year a cycle belongs to: a year in its name ("2017 recruit class" is the class that
    applied in 2017, though it is sworn in later), else that of its first dated step."""
    named = re.search(r"\b(19|20)\d\d\b", cycle)
    if named:
        return int(named.group())
    first = Step.objects.filter(cycle=cycle, on__isnull=False).order_by("on").first()
    return first.on.year if first is not None and first.on is not None else None


@dataclass(frozen=True)
class Trend:
    process: str
    stage: str
    by_year: dict[int, list[engine.GroupResult]]


def trends(dimension: str) -> tuple[list[int], list[Trend]]:
    """Each stage's groups year by year: every cycle of a process in the same year pooled,
    judged as one step. Returns the years (oldest first) and a trend per stage."""
    if dimension not in DIMENSIONS:
        raise InputRefused(f"Unknown dimension {dimension!r}.")
    year_of = {c: cycle_year(c) for c, _, _ in cycles()}
    rows = Step.objects.exclude(outcome=Step.Outcome.WITHDREW).values_list(
        "cycle", "stage", "outcome", f"person__{dimension}"
    )
    tally: dict[tuple[str, int], dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for cycle, stage, outcome, group in rows:
        year = year_of.get(cycle)
        if year is None or not group or group == DECLINED:
            continue
        counts = tally[(stage, year)][group]
        counts[0] += outcome == Step.Outcome.PASSED
        counts[1] += 1
    years = sorted({y for _, y in tally})
    order = DIMENSIONS[dimension][1]
    out = []
    for process, stages in PROCESSES.items():
        for stage in stages:
            by_year = {}
            for year in years:
                groups = tally.get((stage, year))
                if groups:
                    ranked = sorted(groups, key=lambda g: order.index(g) if g in order else 99)
                    by_year[year] = engine.analyze([engine.Tally(g, *groups[g]) for g in ranked])
            if by_year:
                out.append(Trend(process, stage, by_year))
    return years, out
