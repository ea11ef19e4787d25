"""The demo's Office of Equity and Inclusion (issue 20): recruit classes and promotions as HR
exports, the sworn workforce's employment records (hires, separations, complaints, sustained
findings, discipline, training), the city's residents by race, and the chief equity officer's
explanations of the older flagged steps. Every file goes through the same importers staff use.

Calibration (rows `workforce_*` in calibration.csv, from the City of St. Louis's Equity
Indicators, 2018), and what is assumed:
- The 2017 recruit class is as published: 846 applicants (394 white, 366 Black, 26 who did not
  say, 60 of other groups), 87 of them reaching the academy (62 white, 20 Black), 14 resigning
  or dismissed (6 white, 7 Black, 1 other) and 11 still there at publication (no outcome
  recorded). Only those ends are published: how the applicants who did not reach the academy
  fell out at each step between (application, written, physical, background) is ASSUMED, with
  the published totals kept exactly.
- The three latest classes are drawn at the 2017 class's rates (an ASSUMPTION: nothing newer
  is published), at the scale asked for.
- Promotions in 2017 are as published (41: 27 white, 13 Black, 1 other, of 1,187 officers);
  who sat the exam and made the list is ASSUMED (about one officer in five sat it), as are
  the latest years' promotions, drawn at the same rates.
- The sworn workforce is the 2016 count (763 white, 385 Black, 39 other, 1,187 in all); its
  complaints (about 150 a year, one allegation in eight sustained, as the use-of-force demo),
  separations (7% a year), training and the share of women (13%, and women passing the
  physical test less often) are ASSUMPTIONS, drawn alike for every race so that no disparity
  is put in that the sources do not show.
- Residents by race: the 2016 American Community Survey figures the Indicators used.
Employees and applicants are invented HR references; nobody here is a real person."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.demo.engine import Calibration
from safercity.workforce import employment, services
from safercity.workforce.models import DECLINED, Review

WHITE, BLACK = "White", "Black or African American"
# The applicants and officers of other groups (the sources give only their total).
OTHERS = ("Hispanic or Latino", "Asian", "two or more races")
OTHER = "other"  # the key for their shared rates
BEFORE_ACADEMY = ("application", "written test", "physical test", "background")
# Share passing each step before the academy: ASSUMED, chosen so that their product is near
# the published share of each group's applicants who reached the academy.
PASS_RATES = {
    WHITE: (0.75, 0.55, 0.70, 0.55),
    BLACK: (0.70, 0.35, 0.60, 0.37),
    OTHER: (0.72, 0.45, 0.65, 0.45),
    DECLINED: (0.70, 0.45, 0.65, 0.45),
}
WOMEN = 0.13
WOMEN_PHYSICAL = 0.75  # a woman's chance at the physical test, against a man's (ASSUMED)
OTHER_ACADEMY_LOSS = 0.20  # the 2017 class had one of four (too few to use)
PROBATION_PASS = 0.95
COMPLAINTS_PER_YEAR = 150
SUSTAINED = 1 / 8
SEPARATION_RATE = 0.07
EXAM_SHARE = 0.2
STEP_COLUMNS = ("reference", "cycle", "stage", "outcome", "date", "race_ethnicity", "sex")


@dataclass
class Applicant:
    reference: str
    race: str  # a group, or "declined"
    sex: str
    steps: list[tuple[str, str, date]] = field(default_factory=list)


def _rate_key(race: str) -> str:
    return OTHER if race in OTHERS else race


def _choose(
    rng: random.Random, pool: list[Applicant], count: int, weight: dict[str, float]
) -> set[str]:
    """`count` of the pool, each drawn with its sex's weight (weighted sampling without
    replacement: the largest random**(1/weight) keys)."""
    keyed = sorted(pool, key=lambda a: rng.random() ** (1 / weight.get(a.sex, 1.0)), reverse=True)
    return {a.reference for a in keyed[:count]}


def _people(rng: random.Random, prefix: str, groups: dict[str, int]) -> list[Applicant]:
    people: list[Applicant] = []
    for race, count in groups.items():
        for _ in range(count):
            sex = "female" if rng.random() < WOMEN else "male"
            people.append(Applicant(f"{prefix}-{len(people) + 1:04d}", race, sex))
    rng.shuffle(people)
    return people


def _class_dates(year: int) -> dict[str, date]:
    return {
        "application": date(year, 1, 20),
        "written test": date(year, 2, 24),
        "physical test": date(year, 3, 30),
        "background": date(year, 5, 15),
        "academy": date(year, 12, 8),
        "probation": date(year + 1, 6, 8),
        "hire": date(year + 1, 6, 9),
    }


def recruit_class(
    rng: random.Random,
    year: int,
    applicants: dict[str, int],
    *,
    trainees: dict[str, int] | None = None,
    academy: dict[str, tuple[int, int]] | None = None,
) -> list[Applicant]:
    """One class from application to hire. With `trainees` (group: how many reach the
    academy) and `academy` (group: (lost, still there)) the published ends are kept exactly;
    without, every step is drawn at the rates."""
    people = _people(rng, f"R{year % 100:02d}", applicants)
    dates = _class_dates(year)
    pool = people
    for n, stage in enumerate(BEFORE_ACADEMY):
        passed: set[str] = set()
        weight = {"female": WOMEN_PHYSICAL} if stage == "physical test" else {}
        for race in sorted({a.race for a in pool}):
            mine = [a for a in pool if a.race == race]
            rate = PASS_RATES[_rate_key(race)][n]
            if trainees is None:
                passed |= {a.reference for a in mine if rng.random() < rate * weight.get(a.sex, 1)}
                continue
            count = trainees.get(race, 0) if stage == "background" else round(len(mine) * rate)
            passed |= _choose(rng, mine, min(count, len(mine)), weight)
        for a in pool:
            withdrew = a.reference not in passed and stage == "written test" and rng.random() < 0.1
            outcome = "passed" if a.reference in passed else "withdrew" if withdrew else "failed"
            a.steps.append((stage, outcome, dates[stage]))
        pool = [a for a in pool if a.reference in passed]
    graduates = []
    for race in sorted({a.race for a in pool}):
        mine = [a for a in pool if a.race == race]
        if academy is not None:
            lost, still = academy.get(race, (0, 0))
        else:
            loss = _academy_loss(race)
            lost, still = sum(rng.random() < loss for _ in mine), 0
        for n, a in enumerate(mine):
            if n < still:
                continue  # in the academy still: no outcome yet
            a.steps.append(
                ("academy", "failed" if n < still + lost else "passed", dates["academy"])
            )
            if n >= still + lost:
                graduates.append(a)
    for a in graduates:
        kept = rng.random() < PROBATION_PASS
        a.steps.append(("probation", "passed" if kept else "failed", dates["probation"]))
        if kept:
            a.steps.append(("hire", "passed", dates["hire"]))
    return people


def _academy_loss(race: str) -> float:
    """The 2017 class's share lost in the academy, of those with an outcome."""
    if race == WHITE:
        return 6 / (62 - 8)
    if race == BLACK:
        return 7 / (20 - 2)
    return OTHER_ACADEMY_LOSS


def _steps_csv(cycle: str, people: list[Applicant]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(STEP_COLUMNS)
    today = timezone.localdate()
    for a in people:
        for stage, outcome, on in a.steps:
            if on > today:
                break  # not happened yet: the person is still in the pipeline
            writer.writerow((a.reference, cycle, stage, outcome, on.isoformat(), a.race, a.sex))
    return out.getvalue().encode()


def _spread(total: int, groups: tuple[str, ...]) -> dict[str, int]:
    """`total` shared as evenly as can be over `groups`."""
    return {g: total // len(groups) + (n < total % len(groups)) for n, g in enumerate(groups)}


def _officers(calibration: Calibration, scale: float) -> dict[str, int]:
    white = round(calibration["workforce_officers_white_2016"] * scale)
    black = round(calibration["workforce_officers_black_2016"] * scale)
    rest = (
        calibration["workforce_officers_all_2016"]
        - calibration["workforce_officers_white_2016"]
        - calibration["workforce_officers_black_2016"]
    )
    return {WHITE: white, BLACK: black, **_spread(round(rest * scale), OTHERS)}


def promotions(
    rng: random.Random, year: int, officers: dict[str, int], promoted: dict[str, int] | None
) -> list[Applicant]:
    """One year's promotion exam, list and promotions. With `promoted` the published counts
    are kept; without, drawn at the 2017 rates."""
    sitting = {race: max(1, round(n * EXAM_SHARE)) for race, n in officers.items() if n}
    people = _people(rng, f"P{year % 100:02d}", sitting)
    exam, listed, made = date(year, 3, 1), date(year, 4, 15), date(year, 9, 1)
    rate = 41 / 1187 / EXAM_SHARE  # promoted per officer who sat the exam
    for race in sitting:
        mine = [a for a in people if a.race == race]
        passed = {a.reference for a in mine[: round(len(mine) * 0.64)]}
        ranked = [a for a in mine if a.reference in passed]
        on_list = {a.reference for a in ranked[: round(len(ranked) * 0.62)]}
        count = promoted.get(race, 0) if promoted is not None else None
        if count is None:
            count = sum(rng.random() < rate for _ in mine)
        chosen = {a.reference for a in ranked if a.reference in on_list}
        chosen = set(sorted(chosen)[:count])
        for a in mine:
            took = a.reference
            a.steps.append(("promotion exam", "passed" if took in passed else "failed", exam))
            if took in passed:
                listed_as = "passed" if took in on_list else "failed"
                a.steps.append(("eligibility list", listed_as, listed))
            if took in on_list:
                a.steps.append(("promotion", "passed" if took in chosen else "failed", made))
    return people


def _records_csv(rows: list[tuple[str, str, date, str, str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("reference", "event", "date", "detail", "race_ethnicity", "sex"))
    for reference, event, on, detail, race, sex in rows:
        writer.writerow((reference, event, on.isoformat(), detail, race, sex))
    return out.getvalue().encode()


def workforce_records(
    rng: random.Random, officers: dict[str, int], first: int, last: int, scale: float
) -> list[tuple[str, str, date, str, str, str]]:
    """The sworn workforce's employment records from `first` to `last` (years): hired before
    `first`, some separating each year, and each year's complaints, findings, discipline and
    training, drawn alike for every group."""
    people = _people(rng, "E", officers)
    rows: list[tuple[str, str, date, str, str, str]] = []
    on_roll = []
    for a in people:
        hired = date(first - 1, 1, 1) - timedelta(days=rng.randrange(25 * 365))
        rows.append((a.reference, "hired", hired, "", a.race, a.sex))
        on_roll.append(a)
    for year in range(first, last + 1):
        for a in on_roll:
            rows.append((a.reference, "training assigned", date(year, 1, 10), "de-escalation",
                         "", ""))  # fmt: skip
            if rng.random() < 0.96:
                rows.append((a.reference, "training completed", date(year, 4, 30),
                             "de-escalation", "", ""))  # fmt: skip
                passed = "training passed" if rng.random() < 0.97 else "training failed"
                rows.append((a.reference, passed, date(year, 5, 15), "de-escalation", "", ""))
        for _ in range(round(COMPLAINTS_PER_YEAR * scale)):
            a = rng.choice(on_roll)
            on = date(year, 1, 1) + timedelta(days=rng.randrange(300))
            category = rng.choice(("discourtesy", "use of force", "improper search", "conduct"))
            rows.append((a.reference, "complaint", on, category, "", ""))
            if rng.random() < SUSTAINED:
                rows.append((a.reference, "sustained", on + timedelta(days=50), category, "", ""))
                action = rng.choice(("written reprimand", "suspension"))
                rows.append((a.reference, action, on + timedelta(days=60), "", "", ""))
        leaving = [a for a in on_roll if rng.random() < SEPARATION_RATE]
        for a in leaving:
            on = date(year, 1, 1) + timedelta(days=rng.randrange(364))
            rows.append((a.reference, rng.choice(("resigned", "retired")), on, "", "", ""))
        on_roll = [a for a in on_roll if a not in leaving]
    return rows


@requires(Role.ADMINISTRATOR)
def load_workforce(
    *, actor: Actor, calibration: Calibration, seed: int, scale: float = 1.0
) -> dict[str, int]:
    """The equity office's files imported as staff would; returns what was imported."""
    rng = random.Random(seed + 20)  # noqa: S311 - demo data, not security
    year = timezone.localdate().year
    c = calibration
    white, black = c["workforce_applicants_white_2017"], c["workforce_applicants_black_2017"]
    unstated = c["workforce_applicants_unstated_2017"]
    others = round(c["workforce_applicants_2017"] - white - black - unstated)
    applied = {WHITE: round(white), BLACK: round(black), DECLINED: round(unstated),
               **_spread(others, OTHERS)}  # fmt: skip
    trainees_other = round(c["workforce_trainees_all_2017"] - c["workforce_trainees_white_2017"]
                           - c["workforce_trainees_black_2017"])  # fmt: skip
    trainees = {WHITE: round(c["workforce_trainees_white_2017"]),
                BLACK: round(c["workforce_trainees_black_2017"]),
                **_spread(trainees_other, (*OTHERS, DECLINED))}  # fmt: skip
    still = round(c["workforce_academy_still_2017"])
    academy = {WHITE: (round(c["workforce_academy_lost_white_2017"]), still - 3),
               BLACK: (round(c["workforce_academy_lost_black_2017"]), 2),
               OTHERS[0]: (1, 1)}  # fmt: skip
    imported = {"steps": 0, "records": 0}
    classes = [("2017 recruit class", recruit_class(rng, 2017, applied, trainees=trainees,
                                                    academy=academy))]  # fmt: skip
    scaled = {race: max(1, round(n * scale)) for race, n in applied.items()}
    for y in range(year - 3, year):
        classes.append((f"{y} recruit class", recruit_class(rng, y, scaled)))
    officers_2016 = _officers(c, 1.0)
    promoted = {WHITE: round(c["workforce_promoted_white_2017"]),
                BLACK: round(c["workforce_promoted_black_2017"]), OTHERS[0]: 1}  # fmt: skip
    classes.append(("2017 promotions", promotions(rng, 2017, officers_2016, promoted)))
    officers = _officers(c, scale)
    for y in range(year - 3, year):
        classes.append((f"{y} promotions", promotions(rng, y, officers, None)))
    for cycle, people in classes:
        report = services.import_steps(
            actor=actor, data=_steps_csv(cycle, people), mapping={}, name=f"{cycle}.csv"
        )
        imported["steps"] += report.steps
    records = workforce_records(rng, officers, year - 3, year - 1, scale)
    imported["records"] = employment.import_records(
        actor=actor, data=_records_csv(records), mapping={}, name="personnel.csv"
    ).events
    residents = c["workforce_residents_2016"]
    employment.population_set(
        actor=actor,
        dimension="race_ethnicity",
        shares={
            BLACK: c["workforce_residents_black_2016"] / residents,
            WHITE: c["workforce_residents_white_2016"] / residents,
        },
        source="American Community Survey 2016 1-year, as the city's Equity Indicators (2018)",
    )
    _explain_older(actor, year - 1)
    return imported


def _explain_older(actor: Actor, latest: int) -> None:
    """The chief equity officer has explained every flagged step but the latest year's."""
    for review in Review.objects.filter(status=Review.Status.OPEN):
        if services.cycle_year(review.cycle) == latest:
            continue
        services.review_explain(
            actor=actor,
            review=review,
            explanation=(
                f"DEMO TEXT. Of the {review.group} candidates at the {review.stage}, "
                f"{review.selected} of {review.total} passed. The step was examined with the "
                "test's publisher and the recruiting unit."
            ),
            actions="DEMO TEXT. Test preparation sessions before the next class; the step's "
            "content reviewed for job-relatedness.",
        )
