"""Geography engine: read boundary files, reproject to WGS84, find the polygon holding a point.

Plain Python (no Django). Coordinates are always (longitude, latitude) in WGS84 once read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapefile  # pyshp
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

WGS84 = CRS.from_epsg(4326)
# NAD83 State Plane Missouri East, US survey feet: what SLMPD and the city publish in.
MISSOURI_EAST_FEET = CRS.from_user_input("ESRI:102696")
# NAD83 / Missouri East in metres: for distances and grids.
MISSOURI_EAST_METRES = CRS.from_epsg(26996)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Feature:
    """One boundary read from a file: its attributes and its geometry in WGS84."""

    properties: dict[str, Any]
    geometry: BaseGeometry


@dataclass(frozen=True)
class Rejected:
    index: int
    reason: str


@dataclass
class ReadResult:
    features: list[Feature] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    source_crs: str = ""


@lru_cache(maxsize=16)
def transformer(source: CRS, target: CRS = WGS84) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def project_points(
    xs: Sequence[float] | FloatArray,
    ys: Sequence[float] | FloatArray,
    source: CRS,
    target: CRS = WGS84,
) -> tuple[FloatArray, FloatArray]:
    """Reproject many points at once (vectorised)."""
    out_x, out_y = transformer(source, target).transform(
        np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    )
    return np.asarray(out_x, dtype=np.float64), np.asarray(out_y, dtype=np.float64)


def state_plane_to_wgs84(
    xs: Sequence[float] | FloatArray, ys: Sequence[float] | FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Missouri East State Plane (US feet) to lon/lat. (0, 0) means not geocoded: NaN."""
    x = np.asarray(xs, dtype=np.float64)
    y = np.asarray(ys, dtype=np.float64)
    lon, lat = project_points(x, y, MISSOURI_EAST_FEET)
    missing = (x == 0) & (y == 0)
    lon[missing] = np.nan
    lat[missing] = np.nan
    return lon, lat


def reproject(geometry: BaseGeometry, source: CRS, target: CRS = WGS84) -> BaseGeometry:
    if source == target:
        return geometry
    move = transformer(source, target)

    def _move(coords: FloatArray) -> FloatArray:
        x, y = move.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, _move)


def crs_from_geojson(document: dict[str, Any]) -> CRS:
    """GeoJSON is WGS84 unless an old-style `crs` member names another system."""
    name = (document.get("crs") or {}).get("properties", {}).get("name", "")
    if not name or "CRS84" in name or name.endswith(":4326"):
        return WGS84
    # "urn:ogc:def:crs:ESRI::102696" → "ESRI:102696"
    parts = [p for p in name.split(":") if p]
    if len(parts) >= 2 and parts[-2].upper() in {"ESRI", "EPSG"}:
        return CRS.from_user_input(f"{parts[-2].upper()}:{parts[-1]}")
    return CRS.from_user_input(name)


def _accept(
    result: ReadResult,
    index: int,
    properties: dict[str, Any],
    geometry: BaseGeometry | None,
    source: CRS,
) -> None:
    if geometry is None or geometry.is_empty:
        result.rejected.append(Rejected(index, "feature has no geometry"))
        return
    if geometry.geom_type not in {"Polygon", "MultiPolygon"}:
        result.rejected.append(
            Rejected(index, f"geometry is a {geometry.geom_type}, not a polygon")
        )
        return
    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
        # make_valid may return a collection; keep the polygonal part.
        polygons = [g for g in getattr(geometry, "geoms", [geometry]) if g.area > 0]
        geometry = shapely.union_all(polygons) if polygons else None
        if geometry is None or geometry.is_empty:
            result.rejected.append(Rejected(index, "geometry is invalid and cannot be repaired"))
            return
    result.features.append(Feature(properties, reproject(geometry, source)))


def read_geojson(path: Path) -> ReadResult:
    document = json.loads(path.read_text(encoding="utf-8"))
    source = crs_from_geojson(document)
    result = ReadResult(source_crs=source.to_string())
    single = document.get("type") == "Feature"
    items = [document] if single else document.get("features") or []
    for index, item in enumerate(items):
        try:
            geometry = shape(item["geometry"]) if item.get("geometry") else None
        except (KeyError, TypeError, ValueError, shapely.errors.GEOSException) as error:
            result.rejected.append(Rejected(index, f"unreadable geometry: {error}"))
            continue
        _accept(result, index, dict(item.get("properties") or {}), geometry, source)
    return result


def _shapefile_crs(path: Path) -> CRS:
    prj = path.with_suffix(".prj")
    if not prj.exists():
        raise ValueError(f"{path.name} has no .prj file: its coordinate system is unknown")
    return CRS.from_wkt(prj.read_text(encoding="utf-8", errors="replace"))


def _shapefile_encoding(path: Path) -> str:
    cpg = path.with_suffix(".cpg")
    if cpg.exists():
        name = cpg.read_text(encoding="ascii", errors="replace").strip()
        return "utf-8" if name.upper() in {"UTF-8", "UTF8"} else name or "latin-1"
    return "latin-1"


def read_shapefile(path: Path) -> ReadResult:
    source = _shapefile_crs(path)
    result = ReadResult(source_crs=source.to_string())
    with shapefile.Reader(str(path), encoding=_shapefile_encoding(path)) as reader:
        names = [f[0] for f in reader.fields[1:]]
        for index, record in enumerate(reader.iterShapeRecords()):
            properties = dict(zip(names, list(record.record), strict=True))
            interface = record.shape.__geo_interface__
            geometry = shape(interface) if interface.get("coordinates") else None
            _accept(result, index, properties, geometry, source)
    return result


def read_boundaries(path: Path) -> ReadResult:
    suffix = path.suffix.lower()
    if suffix in {".geojson", ".json"}:
        return read_geojson(path)
    if suffix == ".shp":
        return read_shapefile(path)
    raise ValueError(f"{path.name}: expected a .geojson, .json or .shp file")


class PolygonIndex:
    """Find which of many polygons holds each point, using shapely's STRtree.

    Points on a shared border belong to the polygon listed first, so answers are stable.
    """

    def __init__(self, geometries: Sequence[BaseGeometry]) -> None:
        self.geometries = np.asarray(geometries, dtype=object)
        for geometry in self.geometries:
            shapely.prepare(geometry)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.geometries)

    def locate(
        self, lons: Sequence[float] | FloatArray, lats: Sequence[float] | FloatArray
    ) -> IntArray:
        """Index of the polygon holding each point, or -1 where none does (or NaN)."""
        lon = np.asarray(lons, dtype=np.float64)
        lat = np.asarray(lats, dtype=np.float64)
        answer = np.full(lon.shape, -1, dtype=np.int64)
        if lon.size == 0 or len(self) == 0:
            return answer
        points = shapely.points(lon, lat)
        point_idx, poly_idx = self.tree.query(points, predicate="intersects")
        if point_idx.size:
            order = np.lexsort((poly_idx, point_idx))
            point_idx, poly_idx = point_idx[order], poly_idx[order]
            first = np.unique(point_idx, return_index=True)[1]
            answer[point_idx[first]] = poly_idx[first]
        return answer

    def locate_one(self, lon: float, lat: float) -> int:
        return int(self.locate([lon], [lat])[0])


def locate_naive(
    geometries: Sequence[BaseGeometry], lons: FloatArray, lats: FloatArray
) -> IntArray:
    """The obvious loop, kept as the benchmark's baseline and the index's test oracle."""
    answer = np.full(len(lons), -1, dtype=np.int64)
    for i, (lon, lat) in enumerate(zip(lons, lats, strict=True)):
        point = shapely.Point(lon, lat)
        for j, geometry in enumerate(geometries):
            if geometry.intersects(point):
                answer[i] = j
                break
    return answer


EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine): plenty for distances within a city."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def area_square_metres(geometry: BaseGeometry) -> float:
    """Area of a WGS84 geometry, measured in the Missouri East plane (metres)."""
    return float(reproject(geometry, WGS84, MISSOURI_EAST_METRES).area)


def to_geojson(geometry: BaseGeometry, precision: int = 6) -> dict[str, Any]:
    rounded = shapely.set_precision(geometry, 10.0**-precision)
    mapping: dict[str, Any] = json.loads(shapely.to_geojson(rounded))
    return mapping


def from_geojson(mapping: dict[str, Any]) -> BaseGeometry:
    return shape(mapping)
