"""Writes to the city's geography. Pages, commands and the demo all come through here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import shapely
from django.conf import settings
from django.db import transaction
from django.db.models import F

from safercity.core import geo
from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.bulk import update_rows
from safercity.core.models import Address, City, Neighborhood, PoliceDistrict, Ward
from safercity.core.permissions import requires
from safercity.core.roles import Role

Layer = Literal["neighborhoods", "wards", "districts", "city"]
LAYERS: tuple[Layer, ...] = ("neighborhoods", "wards", "districts", "city")

# Attribute names seen in St. Louis's files and common exports, most specific first.
NUMBER_FIELDS = ("NHD_NUM", "neighborhood_id", "WARD", "WARD10", "DISTNO", "DISTNUM", "number")
NAME_FIELDS = ("NHD_NAME", "neighborhood_name", "NAME", "name")
POPULATION_FIELDS = ("total_population", "TOT_POP", "population", "POP")


@dataclass
class ImportReport:
    layer: str
    created: int = 0
    updated: int = 0
    rejected: list[geo.Rejected] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.created + self.updated


def _pick(properties: dict[str, Any], wanted: str | None, candidates: Sequence[str]) -> Any:
    if wanted:
        return properties.get(wanted)
    lowered = {key.lower(): value for key, value in properties.items()}
    for name in candidates:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def _as_number(value: Any) -> int | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() and number >= 0 else None


def city_current() -> City:
    city, _ = City.objects.get_or_create(
        name=settings.SAFERCITY_CITY_NAME, defaults={"state": "MO"}
    )
    return city


@dataclass(frozen=True)
class BoundaryRow:
    number: int
    name: str
    geometry: shapely.Geometry
    population: int | None


def _rows(
    features: Sequence[geo.Feature],
    report: ImportReport,
    *,
    number_field: str | None,
    name_field: str | None,
    population_field: str | None,
    dissolve: bool,
) -> list[BoundaryRow]:
    by_number: dict[int, list[tuple[int, geo.Feature]]] = {}
    for index, feature in enumerate(features):
        raw = _pick(feature.properties, number_field, NUMBER_FIELDS)
        number = _as_number(raw)
        if number is None:
            report.rejected.append(geo.Rejected(index, f"no usable number (got {raw!r})"))
            continue
        if number in by_number and not dissolve:
            seen = by_number[number][0][0]
            report.rejected.append(
                geo.Rejected(index, f"duplicate number {number} (first seen at feature {seen})")
            )
            continue
        by_number.setdefault(number, []).append((index, feature))
    rows = []
    for number, group in sorted(by_number.items()):
        first = group[0][1]
        name = _pick(first.properties, name_field, NAME_FIELDS)
        populations = [
            _as_number(_pick(f.properties, population_field, POPULATION_FIELDS)) for _, f in group
        ]
        population = None if None in populations else sum(p for p in populations if p is not None)
        geometry = shapely.union_all([f.geometry for _, f in group]) if dissolve else first.geometry
        rows.append(
            BoundaryRow(number, str(name).strip() if name else f"{number}", geometry, population)
        )
    return rows


def _bump_geography(city: City) -> None:
    City.objects.filter(pk=city.pk).update(geography_version=F("geography_version") + 1)


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def boundaries_import(
    *,
    actor: Actor,
    layer: Layer,
    features: Sequence[geo.Feature],
    plan: str = "",
    source: str = "",
    number_field: str | None = None,
    name_field: str | None = None,
    population_field: str | None = None,
    park_numbers: Iterable[int] = (),
    dissolve: bool = False,
    make_current: bool = True,
) -> ImportReport:
    """Create or update one layer's boundaries from features read by `geo.read_boundaries`.

    Re-running with the same file changes nothing but the audit log.
    """
    report = ImportReport(layer=layer)
    city = city_current()
    if layer == "city":
        city.geometry = geo.to_geojson(shapely.union_all([f.geometry for f in features]))
        city.save(update_fields=["geometry"])
        report.updated = 1
    else:
        rows = _rows(
            features,
            report,
            number_field=number_field,
            name_field=name_field,
            population_field=population_field,
            dissolve=dissolve,
        )
        parks = set(park_numbers)
        for row in rows:
            values: dict[str, Any] = {
                "name": row.name,
                "geometry": geo.to_geojson(row.geometry),
                "area_sq_m": geo.area_square_metres(row.geometry),
                "population": row.population,
                "source": source[:300],
            }
            if layer == "neighborhoods":
                values["is_park"] = row.number in parks
                _, created = Neighborhood.objects.update_or_create(
                    number=row.number, defaults=values
                )
            else:
                model = Ward if layer == "wards" else PoliceDistrict
                _, created = model.objects.update_or_create(
                    plan=plan, number=row.number, defaults=values
                )
            report.created += created
            report.updated += not created
        if make_current and layer == "wards":
            city.ward_plan = plan
            city.save(update_fields=["ward_plan"])
        if make_current and layer == "districts":
            city.district_plan = plan
            city.save(update_fields=["district_plan"])
    _bump_geography(city)
    audit_write(
        actor=actor,
        action=f"geography.import.{layer}",
        obj=city,
        detail={
            "plan": plan,
            "source": source,
            "created": report.created,
            "updated": report.updated,
            "rejected": [{"feature": r.index, "reason": r.reason} for r in report.rejected],
        },
    )
    return report


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def districts_from_neighborhoods(
    *, actor: Actor, plan: str, assignment: dict[int, int], source: str
) -> ImportReport:
    """Police districts as unions of neighborhoods (SLMPD's districts follow neighborhood lines)."""
    shapes = {n.number: n.shape for n in Neighborhood.objects.filter(number__in=assignment)}
    features = [
        geo.Feature({"number": district, "name": f"District {district}"}, shapes[number])
        for number, district in sorted(assignment.items())
        if number in shapes
    ]
    return boundaries_import(
        actor=actor, layer="districts", features=features, plan=plan, source=source, dissolve=True
    )


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def addresses_assign_areas(*, actor: Actor, batch_size: int = 5000) -> int:
    """Recompute every address's neighborhood, ward and district from the current boundaries."""
    from safercity.core.selectors import city_index

    index = city_index()
    changed = 0
    addresses = list(Address.objects.only("id", "lon", "lat"))
    for start in range(0, len(addresses), batch_size):
        batch = addresses[start : start + batch_size]
        located = index.locate([a.lon for a in batch], [a.lat for a in batch])
        for address, where in zip(batch, located, strict=True):
            address.neighborhood_id = where.neighborhood_id
            address.ward_id = where.ward_id
            address.district_id = where.district_id
        changed += update_rows(batch, ["neighborhood", "ward", "district"])
    audit_write(actor=actor, action="geography.addresses.assign", detail={"addresses": changed})
    return changed
