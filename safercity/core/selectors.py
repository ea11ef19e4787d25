"""Reads of the city's geography, with a point-in-polygon index cached per process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from shapely import Point, unary_union
from shapely.geometry.base import BaseGeometry

from safercity.core import geo
from safercity.core.models import City, Neighborhood, PoliceDistrict, Ward


@dataclass(frozen=True)
class Location:
    neighborhood_id: int | None
    ward_id: int | None
    district_id: int | None


class _LayerIndex:
    def __init__(self, ids: list[int], shapes: list[BaseGeometry]) -> None:
        self.ids = ids
        self.index = geo.PolygonIndex(shapes)

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> list[int | None]:
        return [self.ids[i] if i >= 0 else None for i in self.index.locate(lons, lats)]


class CityIndex:
    """Which neighborhood, ward (current plan) and police district (current plan) hold a point."""

    def __init__(self, ward_plan: str, district_plan: str) -> None:
        hoods = list(Neighborhood.objects.all())
        self.neighborhoods = self._layer(hoods)
        self._numbers = {hood.pk: hood.number for hood in hoods}
        self.wards = self._layer(Ward.objects.filter(plan=ward_plan))
        self.districts = self._layer(PoliceDistrict.objects.filter(plan=district_plan))

    @staticmethod
    def _layer(queryset: object) -> _LayerIndex:
        rows = list(queryset)  # type: ignore[call-overload]
        return _LayerIndex([r.pk for r in rows], [r.shape for r in rows])

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> list[Location]:
        hoods = self.neighborhoods.locate(lons, lats)
        wards = self.wards.locate(lons, lats)
        districts = self.districts.locate(lons, lats)
        return [Location(*row) for row in zip(hoods, wards, districts, strict=True)]

    def locate_one(self, lon: float, lat: float) -> Location:
        return self.locate([lon], [lat])[0]

    def neighborhood_numbers(
        self, lons: Sequence[float], lats: Sequence[float]
    ) -> list[int | None]:
        """The number of the neighborhood holding each point (None off the map); records that
        keep a neighborhood by its number (use of force) are matched on it."""
        return [None if pk is None else self._numbers[pk]
                for pk in self.neighborhoods.locate(lons, lats)]  # fmt: skip


_cache: dict[tuple[int, int, str, str], CityIndex] = {}
_lock = threading.Lock()


def city_index() -> CityIndex:
    """The index for the current geography, rebuilt only when an import bumps the version."""
    city = City.objects.order_by("pk").first()
    key = (
        (city.pk, city.geography_version, city.ward_plan, city.district_plan)
        if city
        else (0, 0, "", "")
    )
    with _lock:
        if key not in _cache:
            _cache.clear()
            _cache[key] = CityIndex(ward_plan=key[2], district_plan=key[3])
        return _cache[key]


def neighborhoods_public() -> list[Neighborhood]:
    return list(Neighborhood.objects.defer("geometry").order_by("number"))


def city_area() -> BaseGeometry | None:
    """Where the city is, to tell a plausible point from a wrong one: the city's outline if it
    was imported, else its neighborhoods together; None when neither is loaded."""
    city = City.objects.filter(name=settings.SAFERCITY_CITY_NAME).first()
    if city is not None and city.geometry:
        return geo.from_geojson(city.geometry)
    shapes = [geo.from_geojson(g) for g in Neighborhood.objects.values_list("geometry", flat=True)]
    return unary_union(shapes).buffer(0) if shapes else None


def in_city(lat: float, lon: float, area: BaseGeometry | None, margin_m: float = 500) -> bool:
    """Inside the city (with a margin for points on its edge); without a loaded outline, inside
    the configured bounds (SAFERCITY_CITY_BOUNDS: west, south, east, north)."""
    if area is None:
        west, south, east, north = settings.SAFERCITY_CITY_BOUNDS
        return west <= lon <= east and south <= lat <= north
    point = Point(lon, lat)
    if area.contains(point):
        return True
    nearest = area.boundary.interpolate(area.boundary.project(point))
    return geo.distance_m(lat, lon, nearest.y, nearest.x) <= margin_m
