"""The directory in Open Referral's Human Services Data Specification 3.0: each service as HSDS
nests it (its organization, phones, languages, schedules, locations, capacities and the
service type as a taxonomy term), the one-to-one listing the API pages through, and the import
of an HSDS file from another directory. An import checks every service against the profile's
published JSON Schema (schemas/hsds-service.schema.json) and then against the directory's own
rules; a file with any bad record stores nothing and lists every one by its place in the file.
Importing the same file again changes nothing."""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from jsonschema import Draft202012Validator, FormatChecker

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused, clean_text
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.equity.models import (
    Capacity,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
)

HSDS_VERSION = "3.0"
SCHEMA_PATH = Path(__file__).parent / "schemas" / "hsds-service.schema.json"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_SERVICES = 10_000
# The directory's own taxonomy of service types, served as HSDS taxonomy terms whose ids never
# change (UUID 5 of the type's code).
TAXONOMY_ID = uuid.uuid5(uuid.NAMESPACE_URL, "safercity:service-types")
TAXONOMY_NAME = "SaferCity service types"


def term_id(kind: str) -> uuid.UUID:
    return uuid.uuid5(TAXONOMY_ID, kind)


def _derived(*parts: object) -> str:
    """A stable id for a record HSDS wants an id for and the directory keeps as a field."""
    return str(uuid.uuid5(TAXONOMY_ID, ":".join(str(p) for p in parts)))


def _drop_blank(record: dict[str, Any]) -> dict[str, Any]:
    """HSDS types its strings as strings: a field with no value is left out, not null."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def taxonomy_json() -> dict[str, Any]:
    return {
        "id": str(TAXONOMY_ID),
        "name": TAXONOMY_NAME,
        "description": "The kinds of service SaferCity refers people to.",
    }


def term_json(kind: str) -> dict[str, Any]:
    return {
        "id": str(term_id(kind)),
        "code": kind,
        "name": Service.Kind(kind).label,
        "description": f"Services for {Service.Kind(kind).label}.",
        "taxonomy_id": str(TAXONOMY_ID),
        "taxonomy": TAXONOMY_NAME,
    }


def _phones(owner: uuid.UUID, number: str) -> list[dict[str, Any]]:
    return [{"id": _derived(owner, "phone"), "number": number}] if number else []


def organization_json(org: Organization) -> dict[str, Any]:
    return _drop_blank(
        {
            "id": str(org.id),
            "name": org.name,
            "alternate_name": org.alternate_name,
            "description": org.description,
            "email": org.email,
            "website": org.website,
            "phones": _phones(org.id, org.phone),
        }
    )


def location_json(location: Location) -> dict[str, Any]:
    address = _drop_blank(
        {
            "id": _derived(location.id, "address"),
            "location_id": str(location.id),
            "address_1": location.address_1,
            "city": location.city,
            "state_province": location.state_province,
            "postal_code": location.postal_code,
            "country": "US" if location.address_1 else "",
            "address_type": "physical" if location.address_1 else "",
        }
    )
    return _drop_blank(
        {
            "id": str(location.id),
            "location_type": location.location_type,
            "organization_id": str(location.organization_id) if location.organization_id else "",
            "name": location.name,
            "description": location.description,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "addresses": [address] if location.address_1 else [],
        }
    )


def _time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def service_list_json(service: Service) -> dict[str, Any]:
    """The service's one-to-one fields (HSDS's service_list)."""
    return _drop_blank(
        {
            "id": str(service.id),
            "organization_id": str(service.organization_id),
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description,
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "application_process": service.application_process,
            "fees_description": service.fees_description,
            "assured_date": service.assured_date.isoformat() if service.assured_date else "",
            "last_modified": service.modified_at.isoformat(),
        }
    )


def service_json(service: Service) -> dict[str, Any]:
    """The fully nested service (read its relations with `with_relations`)."""
    sid = service.id
    return _drop_blank(
        {
            **service_list_json(service),
            "organization": organization_json(service.organization),
            "phones": _phones(sid, service.phone),
            "languages": [
                {"id": _derived(sid, "language", code), "code": code}
                for code in _codes(service.languages)
            ],
            "schedules": [
                _drop_blank(
                    {
                        "id": str(s.id),
                        "service_id": str(sid),
                        "freq": "WEEKLY",
                        "byday": s.byday,
                        "opens_at": _time(s.opens_at),
                        "closes_at": _time(s.closes_at),
                        "description": s.description,
                    }
                )
                for s in service.schedules.all()
            ],
            "service_at_locations": [
                {"id": str(at.id), "service_id": str(sid), "location": location_json(at.location)}
                for at in service.at_locations.all()
            ],
            "capacities": [
                _drop_blank(
                    {
                        "id": str(c.id),
                        "service_id": str(sid),
                        "unit": {"id": _derived("unit", c.unit), "name": c.unit},
                        "available": c.available,
                        "maximum": c.maximum,
                        "description": c.description,
                        "updated": c.updated.isoformat(),
                    }
                )
                for c in service.capacities.all()
            ],
            "attributes": [
                {
                    "id": _derived(sid, "kind"),
                    "link_id": str(sid),
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": str(term_id(service.kind)),
                    "taxonomy_term": term_json(service.kind),
                }
            ],
        }
    )


def with_relations(services: QuerySet[Service]) -> QuerySet[Service]:
    return services.select_related("organization").prefetch_related(
        "schedules", "capacities", "at_locations__location"
    )


def _codes(text: str) -> list[str]:
    return [c.strip().lower() for c in text.split(",") if c.strip()]


# --- Import -----------------------------------------------------------------------------------


@cache
def profile_schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(profile_schema(), format_checker=FormatChecker())


@dataclass(frozen=True)
class Rejected:
    where: str  # the record's place in the file: services[3].capacities[0].available
    reason: str


@dataclass
class ImportReport:
    services: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return not self.rejected


def _services_in(data: bytes) -> list[Any]:
    if len(data) > MAX_FILE_BYTES:
        raise InputRefused("The file is over 20 MB: split it.")
    try:
        found = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as problem:
        raise InputRefused(f"The file is not JSON: {problem}.") from None
    if isinstance(found, dict):
        for key in ("contents", "services"):  # an API page, or a bundle
            if isinstance(found.get(key), list):
                found = found[key]
                break
        else:
            found = [found] if "id" in found else found
    if not isinstance(found, list):
        raise InputRefused(
            "The file holds no services: give a list of HSDS services, an API page "
            '({"contents": [...]}) or {"services": [...]}.'
        )
    if len(found) > MAX_SERVICES:
        raise InputRefused(f"The file has {len(found):,} services; at most {MAX_SERVICES:,}.")
    return found


def _bad_text(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The place of the first string no database column can hold (NUL, other control
    characters, lone surrogates), if any."""
    if isinstance(value, str):
        try:
            clean_text(value, "text", len(value) + 1, multiline=True)
        except InputRefused:
            return path
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _bad_text(item, (*path, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for n, item in enumerate(value):
            found = _bad_text(item, (*path, n))
            if found is not None:
                return found
    return None


def _place(index: int, path: Any) -> str:
    where = f"services[{index}]"
    for part in path:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    return where


@dataclass(frozen=True)
class _Parsed:
    record: dict[str, Any]
    kind: str
    capacities: list[tuple[str, int, int | None, str, datetime, str]]
    schedules: list[tuple[str, str, time | None, time | None, str]]


def _kind_of(record: dict[str, Any]) -> str:
    for attribute in record.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        for value in (term.get("code"), term.get("name")):
            for kind in Service.Kind:
                if value and str(value).strip().lower() in (kind.value, kind.label):
                    return kind.value
    return Service.Kind.OTHER


def _parse(record: dict[str, Any]) -> _Parsed:
    """The directory's own rules, past the schema's: ages in order, capacity not above its
    maximum, dates and times that exist."""
    low, high = record.get("minimum_age"), record.get("maximum_age")
    if low is not None and high is not None and low > high:
        raise ValueError("minimum_age is above maximum_age")
    capacities = []
    for n, c in enumerate(record.get("capacities") or []):
        updated = parse_datetime(c["updated"]) if isinstance(c.get("updated"), str) else None
        if updated is None:
            raise ValueError(f"capacities[{n}].updated is not a date and time")
        if timezone.is_naive(updated):
            updated = timezone.make_aware(updated)
        if c.get("maximum") is not None and c["available"] > c["maximum"]:
            raise ValueError(f"capacities[{n}]: more available than the maximum")
        unit = c["unit"]["name"].strip().lower()
        capacities.append(
            (unit, c["available"], c.get("maximum"), c.get("description", ""), updated, c["id"])
        )
    if len({c[0] for c in capacities}) < len(capacities):
        raise ValueError("two capacities in the same unit")
    schedules = [
        (
            s["id"],
            s.get("byday", ""),
            _parse_time(s.get("opens_at")),
            _parse_time(s.get("closes_at")),
            s.get("description", ""),
        )
        for s in record.get("schedules") or []
    ]
    return _Parsed(record, _kind_of(record), capacities, schedules)


def _parse_time(text: str | None) -> time | None:
    if not text:
        return None
    return time.fromisoformat(text.rstrip("Z")[:5])


def _parse_all(found: list[Any]) -> tuple[list[_Parsed], list[Rejected]]:
    rejected: list[Rejected] = []
    parsed: list[_Parsed] = []
    seen: dict[str, int] = {}
    organizations: dict[str, tuple[int, dict[str, Any]]] = {}
    validator = _validator()
    for index, record in enumerate(found):
        bad = _bad_text(record)
        if bad is not None:
            rejected.append(Rejected(_place(index, bad), "control characters or invalid Unicode"))
            continue
        errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if errors:
            rejected += [Rejected(_place(index, e.absolute_path), e.message[:300]) for e in errors]
            continue
        key = record["id"].lower()
        if key in seen:
            rejected.append(
                Rejected(_place(index, ["id"]), f"the same id as services[{seen[key]}]")
            )
            continue
        seen[key] = index
        org = record["organization"]
        first = organizations.setdefault(org["id"].lower(), (index, org))
        if first[1] != org:
            differs = f"differs from services[{first[0]}].organization, which has the same id"
            rejected.append(Rejected(_place(index, ["organization"]), differs))
            continue
        try:
            parsed.append(_parse(record))
        except ValueError as problem:
            rejected.append(Rejected(_place(index, []), str(problem)))
    return parsed, rejected


@requires(Role.REFERRAL_COORDINATOR)
def hsds_import(*, actor: Actor, data: bytes, name: str = "") -> ImportReport:
    """Services from an HSDS file (each with its organization, locations, schedules and
    capacities), created or updated by id. All or nothing."""
    found = _services_in(data)
    parsed, rejected = _parse_all(found)
    report = ImportReport(services=len(found), rejected=rejected)
    if rejected:
        return report
    with transaction.atomic():
        outcomes = _Store(parsed).run()
        for outcome in outcomes:
            setattr(report, outcome, getattr(report, outcome) + 1)
        audit_write(
            actor=actor,
            action="equity.hsds.import",
            detail={"file": name, "services": report.services, "created": report.created},
        )
    return report


def _age(value: float | None) -> int | None:
    return None if value is None else int(value)


def _differs(obj: Any, values: dict[str, Any]) -> list[str]:
    """The fields whose value changes; sets them."""
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    return changed


def _service_values(item: _Parsed, org_id: uuid.UUID) -> dict[str, Any]:
    record = item.record
    return {
        "organization_id": org_id,
        "name": record["name"],
        "alternate_name": record.get("alternate_name", ""),
        "description": record.get("description", ""),
        "kind": item.kind,
        "status": record["status"],
        "url": record.get("url", ""),
        "email": record.get("email", ""),
        "phone": (record.get("phones") or [{}])[0].get("number", ""),
        "eligibility_description": record.get("eligibility_description", ""),
        "minimum_age": _age(record.get("minimum_age")),
        "maximum_age": _age(record.get("maximum_age")),
        "application_process": record.get("application_process", ""),
        "fees_description": record.get("fees_description", ""),
        "languages": ",".join(
            lang.get("code", "") for lang in record.get("languages") or [] if lang.get("code")
        ),
        "assured_date": date.fromisoformat(record["assured_date"])
        if record.get("assured_date")
        else None,
    }


def _location_values(place: dict[str, Any], org_id: uuid.UUID) -> dict[str, Any]:
    address = (place.get("addresses") or [{}])[0]
    return {
        "organization_id": org_id,
        "location_type": place["location_type"],
        "name": place.get("name", ""),
        "description": place.get("description", ""),
        "address_1": address.get("address_1", ""),
        "city": address.get("city", ""),
        "state_province": address.get("state_province", ""),
        "postal_code": address.get("postal_code", ""),
        "latitude": place.get("latitude"),
        "longitude": place.get("longitude"),
    }


class _Store:
    """Every service of a file and what it nests, read in a few queries and written in bulk
    (a directory of thousands imports within a page's time)."""

    def __init__(self, parsed: list[_Parsed]) -> None:
        self.parsed = parsed
        ids = [uuid.UUID(p.record["id"]) for p in parsed]
        self.services = {s.id: s for s in Service.objects.filter(id__in=ids)}
        org_ids = {uuid.UUID(p.record["organization"]["id"]) for p in parsed}
        self.orgs = {o.id: o for o in Organization.objects.filter(id__in=org_ids)}
        self.capacities: dict[uuid.UUID, dict[str, Capacity]] = defaultdict(dict)
        for c in Capacity.objects.filter(service_id__in=ids):
            self.capacities[c.service_id][c.unit] = c
        schedule_ids = {uuid.UUID(s[0]) for p in parsed for s in p.schedules}
        near = Schedule.objects.filter(Q(service_id__in=ids) | Q(id__in=schedule_ids))
        self.schedules = {s.id: s for s in near}
        self.hours_of: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
        for s in self.schedules.values():
            self.hours_of[s.service_id].append(s.id)
        places = [
            link["location"] for p in parsed for link in p.record.get("service_at_locations") or []
        ]
        self.locations = {
            loc.id: loc
            for loc in Location.objects.filter(id__in={uuid.UUID(pl["id"]) for pl in places})
        }
        self.links: dict[uuid.UUID, dict[uuid.UUID, ServiceAtLocation]] = defaultdict(dict)
        for at in ServiceAtLocation.objects.filter(service_id__in=ids):
            self.links[at.service_id][at.location_id] = at
        self.now = timezone.now()

    def run(self) -> list[str]:
        self._organizations()
        outcomes, new, changed, fields = [], [], [], set()
        for item in self.parsed:
            sid = uuid.UUID(item.record["id"])
            org_id = uuid.UUID(item.record["organization"]["id"])
            values = _service_values(item, org_id)
            service = self.services.get(sid)
            if service is None:
                new.append(Service(id=sid, modified_at=self.now, **values))
                outcomes.append("created")
                continue
            moved = _differs(service, values)
            fields.update(moved)
            if moved:
                changed.append(service)
            outcomes.append("updated" if moved else "unchanged")
        Service.objects.bulk_create(new)
        touched = self._relations()
        for n, item in enumerate(self.parsed):
            sid = uuid.UUID(item.record["id"])
            if sid in touched and outcomes[n] == "unchanged":
                outcomes[n] = "updated"
                changed.append(self.services[sid])
        for service in changed:
            service.modified_at = self.now
        if changed:
            Service.objects.bulk_update(changed, [*fields, "modified_at"], batch_size=500)
        return outcomes

    def _organizations(self) -> None:
        wanted = {uuid.UUID(p.record["organization"]["id"]): p.record["organization"]
                  for p in self.parsed}  # fmt: skip
        new, changed, fields = [], [], set()
        for oid, org_in in wanted.items():
            values = {
                "name": org_in["name"],
                "alternate_name": org_in.get("alternate_name", ""),
                "description": org_in["description"],
                "email": org_in.get("email", ""),
                "website": org_in.get("website", ""),
                "phone": (org_in.get("phones") or [{}])[0].get("number", ""),
            }
            org = self.orgs.get(oid)
            if org is None:
                new.append(Organization(id=oid, **values))
            elif moved := _differs(org, values):
                fields.update(moved)
                changed.append(org)
        Organization.objects.bulk_create(new)
        if changed:
            Organization.objects.bulk_update(changed, sorted(fields), batch_size=500)

    def _relations(self) -> set[uuid.UUID]:
        """Capacities, hours and locations as the file has them; returns the services whose
        nested records changed."""
        touched: set[uuid.UUID] = set()
        gone_caps: list[uuid.UUID] = []
        new_caps: list[Capacity] = []
        changed_caps: list[Capacity] = []
        gone_hours: list[uuid.UUID] = []
        new_hours: list[Schedule] = []
        changed_hours: list[Schedule] = []
        for item in self.parsed:
            sid = uuid.UUID(item.record["id"])
            mine = self.capacities.get(sid, {})
            units = {c[0] for c in item.capacities}
            gone = [c.pk for u, c in mine.items() if u not in units]
            for unit, available, maximum, description, updated, cid in item.capacities:
                current = mine.get(unit)
                if current is None:
                    new_caps.append(Capacity(id=uuid.UUID(cid), service_id=sid, unit=unit,
                                             available=available, maximum=maximum,
                                             description=description, updated=updated))  # fmt: skip
                elif current.updated <= updated and _differs(
                    current,
                    {
                        "available": available,
                        "maximum": maximum,
                        "description": description,
                        "updated": updated,
                    },
                ):  # fmt: skip  (an older figure never replaces a newer one)
                    changed_caps.append(current)
            gone_caps += gone
            wanted = {uuid.UUID(s[0]) for s in item.schedules}
            hours_gone = [h for h in self.hours_of.get(sid, []) if h not in wanted]
            gone_hours += hours_gone
            before = len(new_caps) + len(changed_caps) + len(new_hours) + len(changed_hours)
            for hid, byday, opens, closes, description in item.schedules:
                values = {"service_id": sid, "byday": byday, "opens_at": opens,
                          "closes_at": closes, "description": description}  # fmt: skip
                hours = self.schedules.get(uuid.UUID(hid))
                if hours is None:
                    new_hours.append(Schedule(id=uuid.UUID(hid), **values))
                elif _differs(hours, values):
                    changed_hours.append(hours)
            after = len(new_caps) + len(changed_caps) + len(new_hours) + len(changed_hours)
            if gone or hours_gone or after > before:
                touched.add(sid)
        Capacity.objects.filter(pk__in=gone_caps).delete()
        Capacity.objects.filter(id__in=[c.id for c in new_caps]).delete()  # ids move with units
        Capacity.objects.bulk_create(new_caps)
        Capacity.objects.bulk_update(changed_caps, ["available", "maximum", "description",
                                                    "updated"], batch_size=500)  # fmt: skip
        Schedule.objects.filter(pk__in=gone_hours).delete()
        Schedule.objects.bulk_create(new_hours)
        Schedule.objects.bulk_update(
            changed_hours,
            ["service_id", "byday", "opens_at", "closes_at", "description"],
            batch_size=500,
        )
        return touched | self._locations()

    def _locations(self) -> set[uuid.UUID]:
        touched: set[uuid.UUID] = set()
        new_places: dict[uuid.UUID, Location] = {}
        changed_places: list[Location] = []
        fields: set[str] = set()
        new_links: list[ServiceAtLocation] = []
        gone_links: list[uuid.UUID] = []
        for item in self.parsed:
            sid = uuid.UUID(item.record["id"])
            org_id = uuid.UUID(item.record["organization"]["id"])
            keep = set()
            for link in item.record.get("service_at_locations") or []:
                place = link["location"]
                lid = uuid.UUID(place["id"])
                values = _location_values(place, org_id)
                location = self.locations.get(lid) or new_places.get(lid)
                if location is None:
                    new_places[lid] = Location(id=lid, **values)
                    touched.add(sid)
                elif lid not in new_places and (moved := _differs(location, values)):
                    fields.update(moved)
                    changed_places.append(location)
                    touched.add(sid)
                keep.add(lid)
                if lid not in self.links.get(sid, {}):
                    new_links.append(ServiceAtLocation(id=uuid.UUID(link["id"]), service_id=sid,
                                                       location_id=lid))  # fmt: skip
                    touched.add(sid)
            gone = [at.pk for lid, at in self.links.get(sid, {}).items() if lid not in keep]
            if gone:
                gone_links += gone
                touched.add(sid)
        Location.objects.bulk_create(new_places.values())
        if changed_places:
            Location.objects.bulk_update(changed_places, sorted(fields), batch_size=500)
        ServiceAtLocation.objects.filter(pk__in=gone_links).delete()
        ServiceAtLocation.objects.bulk_create(new_links)
        return touched
