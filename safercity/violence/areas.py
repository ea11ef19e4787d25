"""A group's area as drawn or pasted: a GeoJSON Polygon or MultiPolygon in longitude and
latitude (WGS84), valid, with a bounded number of corners."""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import mapping, shape

from safercity.core.inputs import InputRefused

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
