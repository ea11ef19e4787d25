"""The service catalog: loading it through one audited path, from the demo's own list or from
the city's CSB problem codes (see importers)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.service311.models import Department, Service, ServiceAttribute, ServiceTerms


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    datatype: str
    description: str
    required: bool = False
    values: tuple[tuple[str, str], ...] = ()
    datatype_description: str = ""


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    department: tuple[str, str]  # (code, name)
    group: str | None  # None: an existing service keeps its group (a new one is "other")
    sla_days: int
    description: str = ""
    keywords: str = ""
    notice: str = ""
    attributes: tuple[AttributeSpec, ...] = field(default_factory=tuple)
    effective_from: date | None = None  # None: from today


STREETS = ("streets", _("Street Division"))
REFUSE = ("refuse", _("Refuse Division"))
FORESTRY = ("forestry", _("Forestry Division"))
BUILDINGS = ("building", _("Building Division"))
HEALTH = ("health", _("Health Department"))
TRAFFIC = ("traffic", _("Traffic and Lighting Division"))
WATER = ("water", _("Water Division"))
NUISANCE = ("nuisance", _("Neighborhood Improvement Program"))

# The demo city's catalog, written for SaferCity (a real city loads its own: see importers).
# Its words are marked for the catalog (`_` is gettext_noop): stored in English, they are said
# in the reader's language on the resident's pages and in e-mail (core.templatetags.words).
DEMO_CATALOG: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        "POTHOLE",
        _("Pothole"),
        STREETS,
        _("streets"),
        5,
        _("A hole in the street surface"),
        "pothole, street, road",
        _("Crews fill most potholes within five working days."),
        (
            AttributeSpec(
                "SIZE",
                "singlevaluelist",
                _("How big is it?"),
                True,
                (
                    ("small", _("Smaller than a dinner plate")),
                    ("medium", _("About a car tire")),
                    ("large", _("Bigger than a car tire")),
                ),
            ),
            AttributeSpec("LANE", "string", _("Which lane or side of the street?")),
        ),
    ),
    ServiceSpec(
        "MISSED-TRASH",
        _("Missed trash pickup"),
        REFUSE,
        _("waste"),
        2,
        _("Trash or recycling was not picked up on the scheduled day"),
        "trash, refuse, cart",
        attributes=(
            AttributeSpec(
                "CART",
                "multivaluelist",
                _("Which carts were missed?"),
                True,
                (("trash", _("Trash")), ("recycling", _("Recycling")), ("yard", _("Yard waste"))),
            ),
        ),
    ),
    ServiceSpec(
        "DUMPING",
        _("Illegal dumping"),
        REFUSE,
        _("waste"),
        7,
        _("Furniture, tires, debris or trash dumped in an alley or lot"),
        "dumping, debris",
        attributes=(
            AttributeSpec(
                "ITEMS",
                "number",
                _("About how many items?"),
                False,
                datatype_description=_("A whole number"),
            ),
            AttributeSpec(
                "SEEN",
                "datetime",
                _("When did you see it dumped?"),
                False,
                datatype_description=_("Date and time, if you know"),
            ),
        ),
    ),
    ServiceSpec(
        "STREETLIGHT",
        _("Street light out"),
        TRAFFIC,
        _("lighting"),
        10,
        _("A street or alley light is out or flickering"),
        "light, lamp, dark",
    ),
    ServiceSpec(
        "SIGNAL",
        _("Traffic signal problem"),
        TRAFFIC,
        _("traffic"),
        1,
        _("A traffic signal is dark, stuck or damaged"),
        "signal, traffic light",
        _("If a signal is dark at a busy crossing, also call 911."),
    ),
    ServiceSpec(
        "TREE-DOWN",
        _("Tree or limb down"),
        FORESTRY,
        _("trees"),
        3,
        _("A tree or large limb fell on a street, sidewalk or alley"),
        "tree, limb, storm",
    ),
    ServiceSpec(
        "VACANT-OPEN",
        _("Vacant building open to entry"),
        BUILDINGS,
        _("vacant buildings"),
        14,
        _("A vacant building with open doors or windows"),
        "vacant, board up, building",
        attributes=(AttributeSpec("DETAILS", "text", _("What is open, and where?"), False),),
    ),
    ServiceSpec(
        "NO-HEAT",
        _("No heat in a rental"),
        BUILDINGS,
        _("housing"),
        2,
        _("A rented home without working heat"),
        "heat, landlord, rental",
        _("From October to April landlords must keep rentals heated."),
    ),
    ServiceSpec(
        "RATS",
        _("Rats or mice"),
        HEALTH,
        _("health"),
        10,
        _("Rodents seen outside"),
        "rats, rodents, baiting",
    ),
    ServiceSpec(
        "WATER-LEAK",
        _("Water leak in the street"),
        WATER,
        _("water"),
        2,
        _("Water coming up through the street or sidewalk"),
        "water, leak, main break",
    ),
    ServiceSpec(
        "OVERGROWN",
        _("Overgrown lot or yard"),
        NUISANCE,
        _("nuisance"),
        21,
        _("Grass or weeds over 7 inches on a lot or yard"),
        "weeds, grass, lot",
    ),
    ServiceSpec(
        "NOISE",
        _("Noise (not an emergency)"),
        NUISANCE,
        _("nuisance"),
        7,
        _("Ongoing loud noise from a business or property"),
        "noise, music, party",
        _("If someone is in danger, call 911."),
    ),
)


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def catalog_load(
    *, actor: Actor, specs: tuple[ServiceSpec, ...] | list[ServiceSpec], source: str
) -> dict[str, int]:
    """Create or update departments, services and their questions. Each spec's deadline and
    department are recorded from its effective date; they become the service's own only when
    no later terms are on record, so an older export adds history and changes nothing in
    force (older_terms). Re-running changes nothing and says so (services_unchanged)."""
    counts = {
        "departments": 0,
        "services_created": 0,
        "services_updated": 0,
        "services_unchanged": 0,
        "terms_recorded": 0,
        "older_terms": 0,
    }
    today = timezone.localdate()
    for spec in specs:
        department, made = Department.objects.update_or_create(
            code=spec.department[0], defaults={"name": spec.department[1]}
        )
        counts["departments"] += made
        values: dict[str, Any] = {
            "service_name": spec.name,
            "description": spec.description,
            "keywords": spec.keywords,
            "department": department,
            "sla_days": spec.sla_days,
            "service_notice": spec.notice,
        }
        if spec.group is not None:
            values["group"] = spec.group
        effective = spec.effective_from or today
        service = Service.objects.filter(service_code=spec.code).first()
        created = service is None
        if service is None:
            service = Service.objects.create(service_code=spec.code, **{"group": "other", **values})
        counts["terms_recorded"] += _terms_record(service, effective, spec, department, source)
        if created:
            counts["services_created"] += 1
        elif service.terms.filter(effective_from__gt=effective).exists():
            counts["older_terms"] += 1
            continue  # an older export: its terms are history, the service stays as it is
        elif any(getattr(service, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(service, name, value)
            service.save()
            counts["services_updated"] += 1
        else:
            counts["services_unchanged"] += 1
        for order, attribute in enumerate(spec.attributes, start=1):
            ServiceAttribute.objects.update_or_create(
                service=service,
                code=attribute.code,
                defaults={
                    "datatype": attribute.datatype,
                    "description": attribute.description,
                    "required": attribute.required,
                    "order": order,
                    "datatype_description": attribute.datatype_description,
                    "values": [{"key": k, "name": n} for k, n in attribute.values],
                },
            )
    audit_write(actor=actor, action="service311.catalog.load", detail={"source": source, **counts})
    return counts


def _terms_record(
    service: Service, effective: date, spec: ServiceSpec, department: Department, source: str
) -> int:
    """Record the spec's terms from `effective`, unless the terms then in force already say
    the same; 1 if a row was written."""
    in_force = service.terms.filter(effective_from__lte=effective).order_by("-effective_from")
    found = in_force.first()
    if found is not None and (found.sla_days, found.department_id) == (
        spec.sla_days,
        department.pk,
    ):
        return 0
    ServiceTerms.objects.update_or_create(
        service=service,
        effective_from=effective,
        defaults={"sla_days": spec.sla_days, "department": department, "source": source[:200]},
    )
    return 1


class TermsInForce:
    """Each service's deadline on any day, from its recorded terms (read once)."""

    def __init__(self, services: list[Service]) -> None:
        self.by_service: dict[int, tuple[list[date], list[int]]] = {}
        rows = ServiceTerms.objects.filter(service__in=services).order_by("effective_from")
        for service_id, effective, days in rows.values_list(
            "service_id", "effective_from", "sla_days"
        ):
            dates, deadlines = self.by_service.setdefault(service_id, ([], []))
            dates.append(effective)
            deadlines.append(days)

    def sla_days(self, service: Service, when: datetime) -> int:
        """The terms in force on that day; before the first on record, the first; with none
        on record, the service's own."""
        found = self.by_service.get(service.pk)
        if not found:
            return service.sla_days
        dates, deadlines = found
        index = bisect.bisect_right(dates, timezone.localdate(when)) - 1
        return deadlines[max(index, 0)]
