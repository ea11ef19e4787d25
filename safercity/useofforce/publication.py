"""What the public sees of use of force: the dataset (one row per subject, opaque ids, the
month not the day, the district not the address, ages in bands, no officer names unless the
city's policy says so, no narrative), its data dictionary, and the dashboard's figures
(incidents by month, force type, injury, subject race beside the area's population, force per
1,000 calls for service, investigations closed within 90 days, determinations pending outside
the department and for how long). Counts from 1 to 10 are never published, nor shares or rates
of them; in the dataset, a subject whose year, age band, sex and race describe ten people or
fewer has those four withheld."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, time, timedelta
from statistics import median
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.core.months import month_after, month_before
from safercity.core.publication import is_small, suppress_series, suppress_table
from safercity.core.rollups import rollup
from safercity.emergency.exercises import exercise_call_ids
from safercity.emergency.models import Incident
from safercity.useofforce import engine
from safercity.useofforce.models import (
    ALLEGATION_CATEGORIES,
    FINDINGS,
    RACES,
    Allegation,
    ForceIncident,
    Handoff,
    PopulationShare,
    Subject,
)

WITHHELD = "withheld"
MONTHS_SHOWN = 24
TOO_FEW = gettext_noop("too few to publish")

DICTIONARY: tuple[tuple[str, str], ...] = (
    ("incident", "An opaque id for the incident (random; not the department's case number)."),
    ("subject", "The subject's number within the incident (1, 2, ...)."),
    ("month", "The month the incident occurred (YYYY-MM); the day and time are not published."),
    ("district", "The police district; the address and coordinates are not published."),
    ("location_type", "The kind of place (FBI collection categories)."),
    ("contact_reason", "Why officers first contacted the subject."),
    ("level", "The force level (1 lowest, 3 highest) under the policy in force."),
    ("review_path", "Who reviews it: supervisor review, supervisor investigation, or the "
                    "Force Investigation Unit."),
    ("policy", "The version of the use-of-force policy in force (its text is published)."),
    ("officers_applying_force", "How many officers used force in the incident."),
    ("de_escalation_attempted", "yes or no; de_escalation_methods lists how."),
    ("de_escalation_methods", "Methods tried, separated by semicolons."),
    ("body_camera", "Whether body-worn camera recorded it."),
    ("subject_age_band", f"The subject's age in bands; '{WITHHELD}' when the group is small."),
    ("subject_sex", f"As recorded by the officer; '{WITHHELD}' when the group is small."),
    ("subject_race", f"Separated by semicolons; '{WITHHELD}' when the group is small."),
    ("subject_ethnicity", f"Hispanic or Latino or not; '{WITHHELD}' when the group is small."),
    ("force_types", "Force used on the subject, separated by semicolons."),
    ("subject_injury", "The most serious injury to the subject."),
    ("weapons_believed", "What officers believed the subject had, separated by semicolons."),
    ("resistance", "The subject's resistance as reported, separated by semicolons."),
    ("fbi_reportable", "yes when the incident meets the FBI collection's criteria."),
    ("investigation", "open or closed."),
    ("days_to_close", "Days from the report to the investigation's close (blank while open)."),
    ("outside_review", "Outside bodies the file went to and whether they have determined it."),
)  # fmt: skip
OFFICER_NAMES = ("officer_names", "Officers who used force (published by the city's policy).")


def columns() -> list[tuple[str, str]]:
    names = settings.SAFERCITY_FORCE_PUBLISH_OFFICER_NAMES
    return [*DICTIONARY, OFFICER_NAMES] if names else list(DICTIONARY)


def _join(values: list[str]) -> str:
    return ";".join(values)


def _outside(incident: ForceIncident) -> str:
    said = []
    for h in incident.handoffs.all():
        state = "determined" if h.determined_at else "pending"
        said.append(f"{h.get_body_display()}: {state}")
    return _join(said)


@rollup("useofforce:dataset")
def dataset_rows() -> list[dict[str, str]]:
    """The public dataset, one row per subject, oldest first."""
    incidents = (ForceIncident.objects.select_related("policy")
                 .prefetch_related("subjects", "officers", "handoffs")
                 .order_by("occurred_at", "pk"))  # fmt: skip
    with_names = settings.SAFERCITY_FORCE_PUBLISH_OFFICER_NAMES
    rows: list[dict[str, str]] = []
    groups: Counter[tuple[str, ...]] = Counter()
    for incident in incidents:
        local = timezone.localtime(incident.occurred_at)
        closed = incident.closed_at
        days = "" if closed is None else f"{(closed - incident.reported_at).days}"
        for n, s in enumerate(incident.subjects.all(), 1):
            row = {
                "incident": incident.public_id, "subject": str(n), "month": f"{local:%Y-%m}",
                "district": incident.district, "location_type": incident.location_type,
                "contact_reason": incident.contact_reason, "level": str(incident.level),
                "review_path": incident.path, "policy": incident.policy.version,
                "officers_applying_force": str(incident.officers_applying_force),
                "de_escalation_attempted": "yes" if incident.de_escalation_attempted else "no",
                "de_escalation_methods": _join(incident.de_escalation_methods),
                "body_camera": incident.body_camera,
                "subject_age_band": engine.age_band(s.age), "subject_sex": s.sex,
                "subject_race": _join(s.races) or "unknown", "subject_ethnicity": s.ethnicity,
                "force_types": _join(s.force_types or ["hand control or escort"]),
                "subject_injury": s.injury, "weapons_believed": _join(s.weapons),
                "resistance": _join(s.resistance),
                "fbi_reportable": "yes" if incident.fbi_reportable else "no",
                "investigation": "closed" if closed else "open", "days_to_close": days,
                "outside_review": _outside(incident),
            }  # fmt: skip
            if with_names:
                row["officer_names"] = _join([o.name for o in incident.officers.all() if o.name])
            groups[_group(row)] += 1
            rows.append(row)
    for row in rows:
        if is_small(groups[_group(row)]):
            for name in ("subject_age_band", "subject_sex", "subject_race", "subject_ethnicity"):
                row[name] = WITHHELD
    return rows


def _group(row: dict[str, str]) -> tuple[str, ...]:
    return (row["month"][:4], row["subject_age_band"], row["subject_sex"], row["subject_race"])


def dataset_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[name for name, _ in columns()], lineterminator="\n",
                            extrasaction="ignore", restval="")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _cells(counts: list[int]) -> list[dict[str, Any]]:
    cells, _ = suppress_series(counts)
    return [{"value": c.value, "reason": c.reason} for c in cells]


def _share(part: int, whole: int) -> float | None:
    if whole == 0 or is_small(part) or is_small(whole):
        return None
    return part / whole


def _police_calls(start: datetime, end: datetime) -> int:
    """CAD incidents received in [start, end), exercises left out (counted apart: no join)."""
    period = Incident.objects.filter(received_at__gte=start, received_at__lt=end)
    return period.count() - period.filter(call_id__in=exercise_call_ids()).count()


def _months(now: datetime) -> list[dict[str, Any]]:
    zone = timezone.get_current_timezone()
    first = timezone.localtime(now).date().replace(day=1)
    starts = [first]
    for _ in range(MONTHS_SHOWN - 1):
        starts.insert(0, month_before(starts[0]))
    bounds = [
        (datetime.combine(m, time.min, zone), datetime.combine(month_after(m), time.min, zone))
        for m in starts
    ]
    counts = [ForceIncident.objects.filter(occurred_at__gte=a, occurred_at__lt=b).count()
              for a, b in bounds]  # fmt: skip
    cells = _cells(counts)
    months = []
    for m, (a, b), n, cell in zip(starts, bounds, counts, cells, strict=True):
        calls = _police_calls(a, b)
        rate = None if cell["value"] is None or calls == 0 else 1000 * n / calls
        months.append({"month": f"{m:%Y-%m}", "incidents": cell, "calls": calls,
                       "per_1000_calls": rate, "partial": b > now})  # fmt: skip
    return months


def _pending(now: datetime) -> list[dict[str, Any]]:
    out = []
    for body, label in Handoff.Body.choices:
        held = Handoff.objects.filter(body=body, determined_at=None, returned_at=None)
        waiting = [(now - h.sent_at).days for h in held]
        determined = Handoff.objects.filter(body=body).exclude(determined_at=None)
        took = [(h.determined_at - h.sent_at).days for h in determined if h.determined_at]
        if not waiting and not took:
            continue
        out.append({
            "body": label,
            "pending": _cells([len(waiting)])[0],
            "median_days_pending": round(median(waiting)) if waiting else None,
            "longest_days_pending": max(waiting) if waiting else None,
            "over_a_year": _cells([sum(d > 365 for d in waiting)])[0],
            "determined": _cells([len(took)])[0],
            "median_days_to_determine": round(median(took)) if took else None,
        })  # fmt: skip
    return out


@rollup("useofforce:public")
def public_figures() -> dict[str, Any]:
    now = timezone.now()
    year_ago = now - timedelta(days=365)
    subjects = list(Subject.objects.filter(incident__occurred_at__gte=year_ago)
                    .values_list("force_types", "injury", "races"))  # fmt: skip
    force = Counter(t for types, _, _ in subjects for t in (types or ["hand control or escort"]))
    injuries = Counter(injury for _, injury, _ in subjects)
    race = Counter((races[0] if len(races) == 1 else "two or more races") if races
                   else "unknown" for _, _, races in subjects)  # fmt: skip
    race_names = [*RACES[:-1], "two or more races", "unknown"]
    race_cells = _cells([race[r] for r in race_names])
    population = dict(PopulationShare.objects.values_list("race", "share"))
    sources = sorted(set(PopulationShare.objects.values_list("source", flat=True)))
    clocks = list(ForceIncident.objects.filter(reported_at__gte=year_ago)
                  .values_list("reported_at", "closed_at"))  # fmt: skip
    decided, met = engine.closed_within(clocks, 90, now)
    allegations = Counter(Allegation.objects.filter(complaint__received_at__gte=year_ago)
                          .values_list("category", "finding"))  # fmt: skip
    table, rows, cols, grand = suppress_table(
        [[allegations[(c, f)] for f in FINDINGS] for c in ALLEGATION_CATEGORIES]
    )
    return {
        "months": _months(now),
        "force_types": [{"label": t, **c} for t, c in
                        zip(engine.FORCE_LEVELS, _cells([force[t] for t in engine.FORCE_LEVELS]),
                            strict=True)],
        "injuries": [{"label": i, **c} for i, c in
                     zip(engine.INJURIES, _cells([injuries[i] for i in engine.INJURIES]),
                         strict=True)],
        # A share is shown only beside a published count (else it gives the hidden one away).
        "race": [{"label": r, **c, "population": population.get(r),
                  "share": None if c["value"] is None else _share(race[r], len(subjects))}
                 for r, c in zip(race_names, race_cells, strict=True)],
        "population_sources": sources,
        "subjects": _cells([len(subjects)])[0],
        "closed_within_90": {"decided": _cells([decided])[0], "share": _share(met, decided)},
        "pending": _pending(now),
        "allegations": {
            "findings": list(FINDINGS),
            "rows": [{"label": c, "cells": [{"value": x.value, "reason": x.reason} for x in r],
                      "total": {"value": t.value, "reason": t.reason}}
                     for c, r, t in zip(ALLEGATION_CATEGORIES, table, rows, strict=True)],
            "totals": [{"value": x.value, "reason": x.reason} for x in cols],
            "grand": {"value": grand.value, "reason": grand.reason},
        },
    }  # fmt: skip
