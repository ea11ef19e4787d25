"""Reads of the city's geography, with a point-in-polygon index cached per process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

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
        self.neighborhoods = self._layer(Neighborhood.objects.all())
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
