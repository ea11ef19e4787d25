import json

import numpy as np
import pytest
import shapefile
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Polygon, box

from safercity.core import geo
from safercity.demo.engine import build_city


@pytest.fixture(scope="module")
def demo_polygons():
    return [area.shape for area in build_city(scale=0.001).neighborhoods]


def test_the_index_finds_the_same_polygon_as_the_obvious_loop(demo_polygons):
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = shapely.union_all(demo_polygons).bounds
    lons = rng.uniform(minx - 0.01, maxx + 0.01, 3000)
    lats = rng.uniform(miny - 0.01, maxy + 0.01, 3000)
    index = geo.PolygonIndex(demo_polygons)
    expected = geo.locate_naive(demo_polygons, lons, lats)
    assert (index.locate(lons, lats) == expected).all()
    assert (expected == -1).any(), "some points fall outside the city and get -1"


def test_a_point_on_a_shared_border_belongs_to_the_polygon_listed_first():
    index = geo.PolygonIndex([box(0, 0, 1, 1), box(1, 0, 2, 1)])
    assert index.locate_one(1.0, 0.5) == 0
    assert index.locate_one(1.5, 0.5) == 1


def test_missing_coordinates_are_located_nowhere():
    index = geo.PolygonIndex([box(0, 0, 1, 1)])
    assert index.locate([np.nan, 0.5], [np.nan, 0.5]).tolist() == [-1, 0]
    assert geo.PolygonIndex([]).locate([0.5], [0.5]).tolist() == [-1]


def test_state_plane_zero_zero_means_not_geocoded():
    lon, lat = geo.state_plane_to_wgs84([0.0, 888_000.0], [0.0, 1_017_000.0])
    assert np.isnan(lon[0]) and np.isnan(lat[0])
    # A point near the middle of St. Louis in State Plane feet lands in St. Louis.
    assert -90.35 < lon[1] < -90.15 and 38.5 < lat[1] < 38.8


@given(
    st.floats(min_value=850_000, max_value=930_000),
    st.floats(min_value=980_000, max_value=1_080_000),
)
@settings(max_examples=50, deadline=None)
def test_state_plane_to_wgs84_round_trips_within_a_millimetre(x, y):
    lon, lat = geo.state_plane_to_wgs84([x], [y])
    back_x, back_y = geo.project_points(lon, lat, geo.WGS84, geo.MISSOURI_EAST_FEET)
    assert abs(back_x[0] - x) < 0.003 and abs(back_y[0] - y) < 0.003


def _write_geojson(tmp_path, features, crs=None):
    document = {"type": "FeatureCollection", "features": features}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    path = tmp_path / "layer.geojson"
    path.write_text(json.dumps(document))
    return path


def test_geojson_reading_reports_each_feature_it_cannot_use(tmp_path):
    square = shapely.geometry.mapping(box(-90.3, 38.6, -90.2, 38.7))
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    path = _write_geojson(
        tmp_path,
        [
            {"type": "Feature", "properties": {"n": 1}, "geometry": square},
            {"type": "Feature", "properties": {"n": 2}, "geometry": None},
            {
                "type": "Feature",
                "properties": {"n": 3},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            },
            {"type": "Feature", "properties": {"n": 4}, "geometry": bowtie},
            {
                "type": "Feature",
                "properties": {"n": 5},
                "geometry": {"type": "Polygon", "coordinates": "x"},
            },
        ],
    )
    result = geo.read_geojson(path)
    assert [f.properties["n"] for f in result.features] == [1, 4]
    assert result.features[1].geometry.is_valid, "a self-crossing polygon is repaired"
    reasons = {r.index: r.reason for r in result.rejected}
    assert set(reasons) == {1, 2, 4}
    assert "no geometry" in reasons[1]
    assert "Point" in reasons[2]


def test_geojson_in_state_plane_is_reprojected_to_wgs84(tmp_path):
    square = box(888_000, 1_017_000, 889_000, 1_018_000)
    path = _write_geojson(
        tmp_path,
        [{"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(square)}],
        crs="urn:ogc:def:crs:ESRI::102696",
    )
    [feature] = geo.read_geojson(path).features
    lon, lat = geo.state_plane_to_wgs84([888_500], [1_017_500])
    assert feature.geometry.contains(shapely.Point(lon[0], lat[0]))
    # 1000 ft x 1000 ft is 92,903 square metres.
    assert geo.area_square_metres(feature.geometry) == pytest.approx(92_903, rel=0.001)


def test_a_shapefile_is_read_with_its_projection_and_encoding(tmp_path):
    path = tmp_path / "hoods.shp"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        writer.field("NHD_NUM", "N", 10)
        writer.field("NHD_NAME", "C", 50)
        writer.poly(
            [
                [
                    [888_000, 1_017_000],
                    [888_000, 1_018_000],
                    [889_000, 1_018_000],
                    [889_000, 1_017_000],
                    [888_000, 1_017_000],
                ]
            ]
        )
        writer.record(7, "Cañon Heights")
    path.with_suffix(".prj").write_text(geo.MISSOURI_EAST_FEET.to_wkt("WKT1_ESRI"))
    path.with_suffix(".cpg").write_text("UTF-8")
    result = geo.read_shapefile(path)
    [feature] = result.features
    assert feature.properties == {"NHD_NUM": 7, "NHD_NAME": "Cañon Heights"}
    minx, miny, maxx, maxy = feature.geometry.bounds
    assert -90.4 < minx < maxx < -90.1 and 38.5 < miny < maxy < 38.8


def test_a_shapefile_without_a_projection_is_refused(tmp_path):
    path = tmp_path / "bare.shp"
    with shapefile.Writer(str(path), shapeType=shapefile.POLYGON) as writer:
        writer.field("N", "N")
        writer.poly([[[0, 0], [0, 1], [1, 1], [0, 0]]])
        writer.record(1)
    with pytest.raises(ValueError, match=r"no \.prj"):
        geo.read_shapefile(path)


def test_unknown_file_types_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"expected a \.geojson"):
        geo.read_boundaries(tmp_path / "layer.kml")


def test_geojson_output_is_rounded_to_about_ten_centimetres():
    shape = Polygon([(-90.1234567891, 38.1), (-90.2, 38.1), (-90.2, 38.2)])
    coords = geo.to_geojson(shape)["coordinates"][0]
    assert all(round(x, 6) == x for x, _ in coords)
