"""A group's area as drawn, pasted or made of whole neighborhoods: a GeoJSON Polygon or
MultiPolygon in longitude and latitude (WGS84), valid, with a bounded number of corners."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

from safercity.core.inputs import InputRefused
from safercity.core.models import Neighborhood

MAX_VERTICES = 2_000


def checked_area(geometry: Any) -> dict[str, Any]:
    if not isinstance(geometry, dict) or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        raise InputRefused("the area must be a GeoJSON Polygon or MultiPolygon")
    try:
        drawn = shape(geometry)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as error:
        raise InputRefused(f"the area is not a polygon GeoJSON can describe: {error}") from None
    if drawn.is_empty or not drawn.is_valid:
        raise InputRefused("the area's outline crosses itself or encloses nothing")
    if shapely.get_num_coordinates(drawn) > MAX_VERTICES:
        raise InputRefused(f"the area has more than {MAX_VERTICES:,} corners")
    west, south, east, north = drawn.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InputRefused("the area's coordinates must be longitude and latitude (WGS84)")
    return dict(mapping(drawn))


def neighborhoods_area(chosen: list[Neighborhood]) -> dict[str, Any]:
    """The outline of the chosen neighborhoods together (for whoever cannot draw on a map),
    simplified only as far as needed to stay within MAX_VERTICES (a metre at a time)."""
    joined = unary_union([n.shape for n in chosen])
    tolerance = 0.00001  # about a metre of latitude
    while shapely.get_num_coordinates(joined) > MAX_VERTICES:
        joined = joined.simplify(tolerance, preserve_topology=True)
        tolerance *= 2
    return dict(mapping(joined))
