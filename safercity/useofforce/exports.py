"""The use-of-force exports, each checked against its published JSON Schema before it is
offered: the FBI National Use-of-Force Data Collection's month (every qualifying incident as
an Add, or a zero report), and Missouri's annual report to the Department of Public Safety
(RSMo 590.1265: the data submitted to the FBI collection, for the calendar year, with no
officer's personally identifying information). Neither carries an officer's name or employee
number, a narrative, or a subject's name."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from safercity.core.months import month_after, month_before
from safercity.useofforce import engine
from safercity.useofforce.models import ForceIncident, OfficerInvolved, Subject

SCHEMAS = Path(__file__).parent / "schemas"
FBI_SCHEMA = "fbi-use-of-force-month.schema.json"
MISSOURI_SCHEMA = "missouri-use-of-force-year.schema.json"


class ExportInvalid(Exception):
    """An export failed its schema: a fault of ours, never sent."""


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.schema.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def problems(document: Any, name: str) -> list[str]:
    """Every way `document` breaks the schema, as `path: message` lines (none: it is valid)."""
    validator = Draft202012Validator(schema(name), registry=_registry(),
                                     format_checker=FormatChecker())  # fmt: skip
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in e.absolute_path) or '(top)'}: {e.message}" for e in found]


def _checked(document: dict[str, Any], name: str) -> dict[str, Any]:
    wrong = problems(document, name)
    if wrong:
        raise ExportInvalid(f"{name}: " + "; ".join(wrong[:10]))
    return document


def _months(first: date, last: date) -> list[date]:
    """The first days of each month from `first`'s to `last`'s."""
    months, at = [], first.replace(day=1)
    while at <= last:
        months.append(at)
        at = month_after(at)
    return months


def _subject(n: int, s: Subject) -> dict[str, Any]:
    return {
        "sequence": n,
        "age": s.age,
        "sex": s.sex,
        "race": s.races or ["unknown"],
        "ethnicity": s.ethnicity,
        "impairments": s.impairments,
        "resistance": s.resistance,
        "weaponsBelieved": s.weapons,
        "forceTypes": s.force_types or ["hand control or escort"],
        "injuries": [s.injury],
        "firearmDischargedAt": s.firearm_at_subject,
    }


def _officer(n: int, o: OfficerInvolved) -> dict[str, Any]:
    return {
        "sequence": n,
        "age": o.age,
        "sex": o.sex,
        "race": o.races or ["unknown"],
        "yearsOfService": o.years_of_service,
        "onDuty": o.on_duty,
        "injuries": [o.injury],
    }


def _incident(incident: ForceIncident) -> dict[str, Any]:
    subjects = list(incident.subjects.all())
    officers = list(incident.officers.all())
    local = timezone.localtime(incident.occurred_at)
    location: dict[str, Any] = {}
    if incident.address:
        location["address"] = incident.address
    if incident.lat is not None and incident.lon is not None:
        location.update(latitude=incident.lat, longitude=incident.lon)
    injuries = {s.injury for s in subjects}
    return {
        "agencyCaseNumber": incident.case_number,
        "incidentDate": f"{local:%Y-%m-%d}",
        "incidentTime": f"{local:%H:%M}",
        "totalOfficersApplyingForce": max(incident.officers_applying_force, len(officers)),
        "agencyOfficersApplyingForce": len(officers),
        "location": location or {"address": "unknown"},
        "locationType": incident.location_type,
        "reasonForContact": incident.contact_reason,
        "ambush": incident.ambush,
        "supervisorPresentOrConsulted": incident.supervisor_present,
        "qualifyingCriteria": {
            "death": "death" in injuries,
            "seriousBodilyInjury": bool(injuries & engine.SERIOUS_INJURIES),
            "firearmDischargedAtPerson": any(s.firearm_at_subject for s in subjects),
        },
        "subjects": [_subject(n, s) for n, s in enumerate(subjects, 1)],
        "officers": [_officer(n, o) for n, o in enumerate(officers, 1)],
    }


def _reportable(month: date) -> list[ForceIncident]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(month, time.min, zone)
    end = datetime.combine(month_after(month), time.min, zone)
    return list(
        ForceIncident.objects.filter(fbi_reportable=True, occurred_at__gte=start,
                                     occurred_at__lt=end)
        .prefetch_related("subjects", "officers").order_by("occurred_at", "pk")
    )  # fmt: skip


def _agency() -> dict[str, str]:
    return {"ori": settings.SAFERCITY_AGENCY_ORI, "name": settings.SAFERCITY_AGENCY_NAME}


def fbi_month(month: date) -> dict[str, Any]:
    """One month's submission: an Add for each qualifying incident, or a zero report."""
    month = month.replace(day=1)
    now = timezone.now().isoformat(timespec="seconds")
    incidents = _reportable(month)
    return _checked({
        "agency": _agency(),
        "reportingMonth": f"{month:%Y-%m}",
        "zeroReport": not incidents,
        "generatedAt": now,
        "submissions": [{"action": "Add", "actionTime": now, "incident": _incident(i)}
                        for i in incidents],
    }, FBI_SCHEMA)  # fmt: skip


def missouri_year(year: int) -> dict[str, Any]:
    """The year's report to the Department of Public Safety: each month's submission as sent
    to the FBI collection (incidents or a zero report), through the last full month."""
    today = timezone.localdate()
    if year > today.year or year < 2019:
        raise ValueError(f"No report for {year}: the collection began in 2019.")
    last = date(year, 12, 1) if year < today.year else month_before(today.replace(day=1))
    months = [fbi_month(m) for m in _months(date(year, 1, 1), last)] if last.year == year else []
    return _checked({
        "agency": _agency(),
        "year": year,
        "statute": "RSMo 590.1265 (Police Use of Force Transparency Act of 2021)",
        "generatedAt": timezone.now().isoformat(timespec="seconds"),
        "months": months,
        "incidentCount": sum(len(m["submissions"]) for m in months),
    }, MISSOURI_SCHEMA)  # fmt: skip
