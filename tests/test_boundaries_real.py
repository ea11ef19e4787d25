"""The geography importer on the city's real boundary files (skipped without ../shared/data)."""

import csv
import io

import numpy as np
import pytest
import shapely
from django.core.management import call_command

from safercity.core import geo
from safercity.core.audit import audit_verify
from safercity.core.districts import district_votes, majority_assignment
from safercity.core.models import Address, City, Neighborhood, PoliceDistrict, Ward
from safercity.core.selectors import city_index
from safercity.core.textfiles import read_text_any
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

LANDMARKS = {
    "Saint Louis Art Museum": ((-90.2944, 38.6393), "Forest Park"),
    "Saint Louis University": ((-90.2337, 38.6365), "Midtown"),
    "Missouri Botanical Garden": ((-90.2594, 38.6128), "Missouri Botanical Garden"),
    "Tower Grove Park": ((-90.2560, 38.6065), "Tower Grove Park"),
    "Carondelet Park": ((-90.2600, 38.5618), "Carondelet Park"),
    "Busch Stadium": ((-90.1928, 38.6226), "Downtown"),
    "Gateway Arch": ((-90.1848, 38.6247), "Downtown"),
    "Barnes-Jewish Hospital": ((-90.2650, 38.6355), "Central West End"),
    "St. Ambrose Church, The Hill": ((-90.2747, 38.6166), "The Hill"),
    "Anheuser-Busch Brewery": ((-90.2130, 38.5990), "Soulard"),
}


@pytest.fixture
def city_neighborhoods():
    path = shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp")
    call_command("geo_import", "neighborhoods", str(path))


@pytest.fixture
def wards_2023():
    path = shared_data("boundaries", "geocrime_stl_pkg", "stl_wards.geojson")
    call_command("geo_import", "wards", str(path), "--plan", "2023")


def test_the_city_shapefile_gives_79_neighborhoods_and_9_parks(city_neighborhoods):
    assert Neighborhood.objects.filter(is_park=False).count() == 79
    assert Neighborhood.objects.filter(is_park=True).count() == 9
    assert Neighborhood.objects.get(number=43).name == "Franz Park"
    # SHAPE_area in the file is in square feet of State Plane; ours is measured after reprojection.
    total_sq_mi = sum(n.area_sq_m for n in Neighborhood.objects.all()) / 2_589_988.11
    assert total_sq_mi == pytest.approx(62, abs=1.5)


def test_the_2023_wards_are_fourteen_and_hold_the_census_population(wards_2023):
    assert Ward.objects.filter(plan="2023").count() == 14
    assert sum(w.population for w in Ward.objects.filter(plan="2023")) == 301_578
    assert City.objects.get().ward_plan == "2023"


def test_known_places_land_in_their_neighborhood(city_neighborhoods):
    index = city_index()
    for place, ((lon, lat), expected) in LANDMARKS.items():
        where = index.locate_one(lon, lat)
        assert Neighborhood.objects.get(pk=where.neighborhood_id).name == expected, place


def test_a_point_outside_the_city_lands_nowhere(city_neighborhoods, wards_2023):
    where = city_index().locate_one(-90.35, 38.70)  # Clayton-area suburbs, St. Louis County
    assert (where.neighborhood_id, where.ward_id) == (None, None)


def test_state_plane_and_wgs84_sources_agree_point_by_point():
    """The city's shapefile (State Plane feet, reprojected here) and a third party's WGS84
    GeoJSON of the same neighborhoods put random points in the same neighborhood."""
    plane = geo.read_boundaries(shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp"))
    wgs = geo.read_boundaries(
        shared_data("boundaries", "geocrime_stl_pkg", "stl_neighborhoods.geojson")
    )
    plane_numbers = np.array([int(f.properties["NHD_NUM"]) for f in plane.features])
    wgs_numbers = np.array([int(f.properties["neighborhood_id"]) for f in wgs.features])
    rng = np.random.default_rng(7)
    city = geo.PolygonIndex([f.geometry for f in plane.features])
    lons = rng.uniform(-90.33, -90.16, 20_000)
    lats = rng.uniform(38.53, 38.78, 20_000)
    a = city.locate(lons, lats)
    b = geo.PolygonIndex([f.geometry for f in wgs.features]).locate(lons, lats)
    inside = (a >= 0) & (b >= 0)
    assert inside.sum() > 7_000
    agreement = (plane_numbers[a[inside]] == wgs_numbers[b[inside]]).mean()
    assert agreement > 0.995


def _slmpd_rows(*months):
    rows = []
    for month in months:
        text = read_text_any(shared_data("slmpd", "legacy", "2019", f"{month}2019.csv"))
        rows.extend(csv.DictReader(io.StringIO(text)))
    return rows


def test_slmpd_crime_coordinates_land_in_the_neighborhood_the_police_recorded(city_neighborhoods):
    rows = [
        r
        for r in _slmpd_rows("january", "june")
        if float(r["XCoord"] or 0) and int(r["Neighborhood"] or 0) > 0
    ]
    lon, lat = geo.state_plane_to_wgs84(
        [float(r["XCoord"]) for r in rows], [float(r["YCoord"]) for r in rows]
    )
    found = city_index().locate(lon, lat)
    numbers = dict(Neighborhood.objects.values_list("pk", "number"))
    in_feet = {
        n.number: geo.reproject(n.shape, geo.WGS84, geo.MISSOURI_EAST_FEET)
        for n in Neighborhood.objects.all()
    }
    exact = near = 0
    for row, where in zip(rows, found, strict=True):
        recorded = int(row["Neighborhood"])
        if numbers.get(where.neighborhood_id) == recorded:
            exact += 1
        elif (
            in_feet[recorded].distance(shapely.Point(float(row["XCoord"]), float(row["YCoord"])))
            < 500
        ):
            near += 1  # geocoded onto a boundary street: the recorded side is across the street
    assert len(rows) > 5_000
    assert exact / len(rows) > 0.94
    assert (exact + near) / len(rows) > 0.99


def test_districts_built_from_neighborhoods_match_the_districts_on_later_records(
    city_neighborhoods, tmp_path
):
    paths_2018 = sorted(shared_data("slmpd", "legacy", "2018").glob("*.csv"))
    call_command("geo_districts", "--from-crime-csv", *map(str, paths_2018))
    assert PoliceDistrict.objects.filter(plan="2014").count() == 6
    # Checked on another year's records than the ones the districts were built from.
    votes_2019 = district_votes(sorted(shared_data("slmpd", "legacy", "2019").glob("*.csv")))
    assignment = majority_assignment(district_votes(paths_2018))
    agree = sum(
        c
        for hood, counts in votes_2019.items()
        for d, c in counts.items()
        if assignment.get(hood) == d
    )
    total = sum(sum(counts.values()) for counts in votes_2019.values())
    # SLMPD's districts mostly follow neighborhood lines, but a few neighborhoods are split.
    assert agree / total > 0.95
    assert audit_verify().ok


def test_rejected_features_are_reported_by_the_import_command(capsys):
    path = shared_data("boundaries", "geocrime_stl_pkg", "stl_neighborhoods.geojson")
    call_command("geo_import", "neighborhoods", str(path), "--number-field", "no_such_field")
    captured = capsys.readouterr()
    assert captured.err.count("rejected feature") == 89
    assert "no usable number" in captured.err
    assert Neighborhood.objects.count() == 0


def test_re_importing_the_same_file_changes_nothing(city_neighborhoods):
    before = list(
        Neighborhood.objects.order_by("number").values_list("number", "name", "area_sq_m")
    )
    Address.objects.create(house_number=4700, street="Oakland Ave", lon=-90.2944, lat=38.6393)
    call_command(
        "geo_import",
        "neighborhoods",
        str(shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp")),
    )
    after = list(Neighborhood.objects.order_by("number").values_list("number", "name", "area_sq_m"))
    assert before == after
    assert Address.objects.get().neighborhood.name == "Forest Park"


@pytest.mark.django_db
def test_a_dry_run_of_the_neighborhoods_changes_nothing(capsys):
    from safercity.core.models import Neighborhood

    path = shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp")
    call_command("geo_import", "neighborhoods", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "88 created" in out and "nothing was changed" in out
    assert not Neighborhood.objects.exists()
