"""Employment records for the Office of Equity and Inclusion: hires and separations, complaints,
sustained findings and discipline, training assigned, completed and evaluated, imported from an
HR or internal-affairs export (all or nothing, every rejected row listed); and what the equity
officer reads from them, by group and by year: rates per 100 employees, training completion and
evaluation (judged like a step of hiring), and the workforce against the city's population.
Counts of people by group, never a person's score."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.core.tabular import FileRefused, Rejected, read_table
from safercity.workforce import engine
from safercity.workforce.models import DECLINED, DIMENSIONS, Event, Person, PopulationShare
from safercity.workforce.services import (
    PERSONNEL,
    parse_date,
    parse_self_id,
    plain,
    reviews_open,
)

FIELDS = (
    "reference",
    "event",
    "date",
    "detail",
    "race_ethnicity",
    "sex",
    "gender_identity",
    "sexual_orientation",
)
REQUIRED = ("reference", "event", "date")
HIRED, SEPARATED = "hired", "separated"
# Rates per 100 employees, in the order the pages show them.
RATES = (
    (Event.Kind.COMPLAINT, "complaints"),
    (Event.Kind.SUSTAINED, "sustained allegations"),
    (Event.Kind.DISCIPLINE, "discipline"),
    (SEPARATED, "separations"),
)
_EVENT_WORDS: dict[str, tuple[str, ...]] = {
    HIRED: ("hire", "hired", "employed", "appointed", "appointment", "start", "started", "sworn"),
    SEPARATED: (
        "separation",
        "separated",
        "resigned",
        "resignation",
        "retired",
        "retirement",
        "terminated",
        "termination",
        "dismissed",
        "left",
    ),
    Event.Kind.COMPLAINT: ("complaint", "complaint received", "citizen complaint", "allegation"),
    Event.Kind.SUSTAINED: ("sustained", "sustained finding", "finding sustained"),
    Event.Kind.DISCIPLINE: (
        "discipline",
        "disciplined",
        "discipline imposed",
        "reprimand",
        "written reprimand",
        "suspension",
        "suspended",
        "demotion",
    ),
    Event.Kind.TRAINING_ASSIGNED: ("training assigned", "assigned", "enrolled"),
    Event.Kind.TRAINING_COMPLETED: ("training completed", "completed", "course completed"),
    Event.Kind.TRAINING_PASSED: ("training passed", "evaluation passed", "passed"),
    Event.Kind.TRAINING_FAILED: ("training failed", "evaluation failed", "failed", "not passed"),
}
TRAINING = frozenset(
    str(k.value)
    for k in (
        Event.Kind.TRAINING_ASSIGNED,
        Event.Kind.TRAINING_COMPLETED,
        Event.Kind.TRAINING_PASSED,
        Event.Kind.TRAINING_FAILED,
    )
)
# A year's training, judged like a step of hiring: the review's cycle and steps.
TRAINING_COMPLETION, TRAINING_EVALUATION = "training completion", "training evaluation"
TRAINING_STEPS = (TRAINING_COMPLETION, TRAINING_EVALUATION)
EVENTS = {word: kind for kind, words in _EVENT_WORDS.items() for word in (kind, *words)}
# The word itself says what kind of discipline or separation it was.
_SAYS_DETAIL = frozenset(
    {"reprimand", "written reprimand", "suspension", "suspended", "demotion"}
    | set(_EVENT_WORDS[SEPARATED][2:])
)


@dataclass
class ImportReport:
    rows: int = 0
    people: int = 0
    events: int = 0
    reviews_opened: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.rejected


@dataclass(frozen=True)
class _Parsed:
    reference: str
    kind: str
    on: date
    detail: str
    self_id: dict[str, str]


def _parse(get: dict[str, str]) -> _Parsed:
    reference = get.get("reference", "")
    if not reference:
        raise ValueError("no person reference")
    word = plain(get.get("event", ""))
    kind = EVENTS.get(word)
    if kind is None:
        raise ValueError(f"the event {get.get('event')!r} is not one this knows")
    on = parse_date(get.get("date", ""))
    if on is None:
        raise ValueError("no date")
    detail = get.get("detail", "").strip() or (word if word in _SAYS_DETAIL else "")
    return _Parsed(reference[:40], str(kind), on, detail[:120], parse_self_id(get))


@requires(*PERSONNEL)
def import_records(
    *, actor: Actor, data: bytes, mapping: dict[str, str], name: str = ""
) -> ImportReport:
    """Employment records from an export: one row per person and event. A field's column is
    the one `mapping` names, or the field's own name. All or nothing; importing the same file
    again changes nothing."""
    columns = {f: (mapping.get(f) or f).strip().lower() for f in FIELDS}
    try:
        table = read_table(data)
    except FileRefused as refused:
        raise InputRefused(f"The file cannot be read: {refused}.") from None
    missing = [f"{f} ({columns[f]})" for f in REQUIRED if columns[f] not in table.names]
    if missing:
        raise InputRefused("The file has no column for " + ", ".join(missing) + ".")
    report = ImportReport(rejected=list(table.rejected))
    parsed: list[_Parsed] = []
    for row in table.rows:
        try:
            parsed.append(_parse({f: row.get(columns[f]) for f in FIELDS}))
        except ValueError as problem:
            report.rejected.append(Rejected(row.line, str(problem)))
    report.rows = len(table.rows) + len(table.rejected)
    if report.rejected:
        report.rejected.sort(key=lambda r: r.line)
        return report
    with transaction.atomic():
        references = {p.reference for p in parsed}
        people = {p.reference: p for p in Person.objects.filter(reference__in=references)}
        for item in parsed:
            person = people.get(item.reference)
            if person is None:
                person = people[item.reference] = Person(reference=item.reference)
            for dimension, answer in item.self_id.items():
                setattr(person, dimension, answer)
            if item.kind == HIRED:
                person.hired_on = item.on
            elif item.kind == SEPARATED:
                person.separated_on, person.separation_reason = item.on, item.detail
        for person in people.values():
            person.save()
        events = 0
        for item in parsed:
            if item.kind in (HIRED, SEPARATED):
                continue
            Event.objects.update_or_create(
                person=people[item.reference],
                kind=item.kind,
                on=item.on,
                detail=item.detail,
                defaults={"source": name[:200]},
            )
            events += 1
        report.people, report.events = len(people), events
        report.reviews_opened = _training_reviews_sync(
            {p.on.year for p in parsed if p.kind in TRAINING}
        )
        rollups_stale("workforce:annual", "scorecard")
        audit_write(
            actor=actor,
            action="workforce.records.import",
            detail={"file": name, "rows": report.rows, "people": report.people},
        )
    return report


def years() -> list[int]:
    """Every year the records reach, newest first."""
    found = {d.year for d in Event.objects.dates("on", "year")}
    for hired, left in Person.objects.filter(
        Q(hired_on__isnull=False) | Q(separated_on__isnull=False)
    ).values_list("hired_on", "separated_on"):
        found.update(d.year for d in (hired, left) if d)
    return sorted(found, reverse=True)


def record_years() -> set[int]:
    """The years with a record of the job (a complaint, finding, discipline, training or a
    separation): the years an export covers, not every year someone was hired in."""
    found = {d.year for d in Event.objects.dates("on", "year")}
    return found | {d.year for d in Person.objects.dates("separated_on", "year")}


def _group(person_value: str) -> str:
    return "" if person_value in ("", DECLINED) else person_value


def employed(year: int) -> set[int]:
    """Everyone employed at some time in the year (hired by its end and not gone before it
    began, or with a record in it), by person id."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    on_roll = Person.objects.filter(hired_on__lte=end).exclude(separated_on__lt=start)
    active = Person.objects.filter(events__on__range=(start, end))
    return set(on_roll.values_list("pk", flat=True)) | set(active.values_list("pk", flat=True))


def _groups_of(ids: set[int], dimension: str) -> dict[int, str]:
    return {
        pk: _group(value)
        for pk, value in Person.objects.filter(pk__in=ids).values_list("pk", dimension)
    }


def _over(rate: float | None, overall: float | None) -> float | None:
    return None if rate is None or not overall else rate / overall


@dataclass(frozen=True)
class RateRow:
    group: str  # "" for everyone
    headcount: int
    counts: dict[str, int]
    per_100: dict[str, float | None]
    ratio: dict[str, float | None]  # the group's rate over everyone's
    status: str  # "judged" or "insufficient numbers"


@dataclass(frozen=True)
class Rates:
    year: int
    dimension: str
    rows: list[RateRow]  # everyone first, then each group
    not_identified: int


def rates(year: int, dimension: str) -> Rates:
    """Complaints, sustained allegations, discipline and separations per 100 employees in the
    year, for everyone and for each group, with each group's rate over everyone's. A group
    with fewer than eleven employees is not judged."""
    if dimension not in DIMENSIONS:
        raise InputRefused(f"Unknown dimension {dimension!r}.")
    staff = employed(year)
    group_of = _groups_of(staff, dimension)
    headcount = Counter(group_of.values())
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    kinds = [k for k, _ in RATES if k != SEPARATED]
    for pk, kind in Event.objects.filter(
        person__in=staff, on__year=year, kind__in=kinds
    ).values_list("person", "kind"):
        counts[kind][group_of[pk]] += 1
    for pk in Person.objects.filter(pk__in=staff, separated_on__year=year).values_list(
        "pk", flat=True
    ):
        counts[SEPARATED][group_of[pk]] += 1
    everyone = {k: sum(counts[k].values()) for k, _ in RATES}
    overall = {k: engine.per_100(everyone[k], len(staff)) for k, _ in RATES}
    same = {k: 1.0 if overall[k] is not None else None for k in everyone}
    rows = [RateRow("", len(staff), everyone, overall, same, "judged")]
    order = DIMENSIONS[dimension][1]
    for group in sorted((g for g in headcount if g), key=order.index):
        n = headcount[group]
        mine = {k: counts[k][group] for k, _ in RATES}
        judged = n >= engine.MIN_GROUP
        rate = {k: engine.per_100(mine[k], n) if judged else None for k, _ in RATES}
        ratio = {k: _over(rate[k], overall[k]) for k, _ in RATES}
        status = "judged" if judged else "insufficient numbers"
        rows.append(RateRow(group, n, mine, rate, ratio, status))
    return Rates(year, dimension, rows, headcount[""])


@dataclass(frozen=True)
class Training:
    year: int
    completion: list[engine.GroupResult]  # completed of assigned
    evaluation: list[engine.GroupResult]  # passed of evaluated
    not_identified: int


def training(year: int, dimension: str) -> Training:
    """Of the courses assigned in the year, how many each group completed; of the evaluations
    in the year, how many each group passed; judged like a step of hiring (the four-fifths
    rule against the group with the highest rate)."""
    if dimension not in DIMENSIONS:
        raise InputRefused(f"Unknown dimension {dimension!r}.")
    assigned = set(
        Event.objects.filter(kind=Event.Kind.TRAINING_ASSIGNED, on__year=year).values_list(
            "person", "detail"
        )
    )
    completed = set(
        Event.objects.filter(
            kind=Event.Kind.TRAINING_COMPLETED, person__in={p for p, _ in assigned}
        ).values_list("person", "detail")
    )
    evaluated = list(
        Event.objects.filter(
            kind__in=(Event.Kind.TRAINING_PASSED, Event.Kind.TRAINING_FAILED), on__year=year
        ).values_list("person", "kind")
    )
    group_of = _groups_of({p for p, _ in assigned} | {p for p, _ in evaluated}, dimension)
    done: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    passed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    unknown = 0
    for course in assigned:
        group = group_of[course[0]]
        unknown += not group
        done[group][0] += course in completed
        done[group][1] += 1
    for pk, kind in evaluated:
        group = group_of[pk]
        unknown += not group
        passed[group][0] += kind == Event.Kind.TRAINING_PASSED
        passed[group][1] += 1
    order = DIMENSIONS[dimension][1]

    def judged(tally: dict[str, list[int]]) -> list[engine.GroupResult]:
        groups = sorted((g for g in tally if g), key=order.index)
        return engine.analyze([engine.Tally(g, *tally[g]) for g in groups])

    return Training(year, judged(done), judged(passed), unknown)


def training_cycle(year: int) -> str:
    return f"{year} training"


def _training_reviews_sync(years: set[int]) -> int:
    """Open a review for each group the four-fifths rule flags in a year's training
    completion or evaluation, as for a step of hiring."""
    opened = 0
    for year in years:
        for dimension in DIMENSIONS:
            found = training(year, dimension)
            for stage, results in (
                (TRAINING_COMPLETION, found.completion),
                (TRAINING_EVALUATION, found.evaluation),
            ):
                opened += reviews_open(
                    cycle=training_cycle(year), stage=stage, dimension=dimension, results=results
                )
    return opened


@dataclass(frozen=True)
class Share:
    group: str
    employees: int
    workforce_share: float | None
    population_share: float | None
    ratio: float | None  # workforce share over population share; 1 is parity


def representation(dimension: str, on: date) -> tuple[list[Share], int, str]:
    """The workforce employed on the day, by group, against the city's population: each
    group's share of those who said, over its share of residents. Also how many did not say,
    and where the population figures come from."""
    staff = Person.objects.filter(hired_on__lte=on).exclude(separated_on__lte=on)
    counted = Counter(_group(v) for v in staff.values_list(dimension, flat=True))
    unknown = counted.pop("", 0)
    said = sum(counted.values())
    population = {p.group: p for p in PopulationShare.objects.filter(dimension=dimension)}
    order = DIMENSIONS[dimension][1]
    shares = []
    for group in sorted(set(counted) | set(population), key=order.index):
        mine = counted[group] / said if said else None
        theirs = population[group].share if group in population else None
        ratio = engine.representation(mine, theirs) if mine is not None and theirs else None
        shares.append(Share(group, counted[group], mine, theirs, ratio))
    sources = sorted({p.source for p in population.values()})
    return shares, unknown, "; ".join(sources)


@requires(Role.EQUITY_OFFICER)
def population_set(
    *, actor: Actor, dimension: str, shares: dict[str, float | None], source: str
) -> list[PopulationShare]:
    """The city's residents by group for one dimension (shares from 0 to 1), with their
    source. Groups left blank are removed."""
    if dimension not in DIMENSIONS:
        raise InputRefused(f"Unknown dimension {dimension!r}.")
    source = source.strip()
    given = {g: s for g, s in shares.items() if s is not None}
    if not given:
        raise InputRefused("Enter at least one group's share of residents.")
    if not source:
        raise InputRefused("Say where the figures come from (e.g. the 2020 Census).")
    for group, share in given.items():
        if group not in DIMENSIONS[dimension][1]:
            raise InputRefused(f"Unknown group {group!r}.")
        if not 0 <= share <= 1:
            raise InputRefused(f"A share is between 0 and 1 (got {share} for {group}).")
    with transaction.atomic():
        PopulationShare.objects.filter(dimension=dimension).exclude(group__in=list(given)).delete()
        saved = [
            PopulationShare.objects.update_or_create(
                dimension=dimension, group=group, defaults={"share": share, "source": source[:300]}
            )[0]
            for group, share in given.items()
        ]
        audit_write(
            actor=actor,
            action="workforce.population.set",
            detail={"dimension": dimension, "source": source},
        )
        rollups_stale("workforce:annual")
    return saved
