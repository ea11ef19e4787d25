"""Public crime outputs on real records: nothing small, nothing exact that should not be."""

import csv
import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command

from safercity.core.actors import command_actor
from safercity.core.geo import MISSOURI_EAST_METRES, WGS84, project_points
from safercity.core.publication import is_small
from safercity.core.rollups import rollup_refresh
from safercity.crime.models import CrimeImport, CrimeRecord
from safercity.crime.services import legacy_import
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker, tmp_path_factory):
    """Two real years, imported and published once for every test here."""
    from django.conf import settings

    from safercity.core.models import City, Neighborhood
    from tests.conftest import loaded_once

    folder = tmp_path_factory.mktemp("crime-var")
    hoods = shared_data("boundaries", "geocrime_stl_pkg", "stl_neighborhoods.geojson")
    files = []
    for year in (2018, 2019):
        year_folder = shared_data("slmpd", "legacy", str(year))
        files += [(p.name, p.read_bytes()) for p in sorted(year_folder.glob("*.csv"))]
    before = settings.VAR_DIR
    settings.VAR_DIR = folder
    try:
        with loaded_once(django_db_blocker, CrimeImport, CrimeRecord, Neighborhood, City):
            with django_db_blocker.unblock():
                call_command("geo_import", "neighborhoods", str(hoods))
                legacy_import(actor=command_actor("t"), files=files)
                call_command("crime_publish")
                # A refresh that ran when one of the files committed saw only part of them.
                rollup_refresh("crime:dashboard")
            yield folder / "public" / "crime"
    finally:
        settings.VAR_DIR = before


def test_no_published_count_is_from_1_to_10(published):
    rows = list(csv.DictReader((published / "neighborhood-year.csv").open()))
    assert rows
    shown = [int(r["count"]) for r in rows if r["count"]]
    assert not any(is_small(n) for n in shown)
    hidden = [r for r in rows if r["suppressed"]]
    assert {r["suppressed"] for r in hidden} == {"small count", "complementary"}
    table = pq.read_table(published / "neighborhood-year.parquet").to_pylist()
    assert len(table) == len(rows)
    assert [r["count"] for r in table if r["count"] is not None] == shown


def test_records_have_no_house_numbers_and_sensitive_ones_are_generalised(published):
    rows = list(csv.DictReader((published / "records.csv").open()))
    assert len(rows) > 40_000
    first_words = [
        r["block"].split(" ")[0] for r in rows if r["block"] and " block of " not in r["block"]
    ]
    assert not any(word.isdigit() for word in first_words), "a house number was published"
    moved = [r for r in rows if r["location_generalized"] == "yes"]
    sensitive = (
        CrimeRecord.objects.filter(coded_month__year=2019, count=1)
        .exclude(category="other")
        .exclude(lat=None)
    )
    assert len(moved) == sensitive.count() > 100
    x, y = project_points(
        [float(r["lon"]) for r in moved],
        [float(r["lat"]) for r in moved],
        WGS84,
        MISSOURI_EAST_METRES,
    )
    # Centres of 250 m squares, to within the 6-decimal rounding of the published degrees.
    assert np.allclose(np.mod(x, 250), 125, atol=0.2)
    assert np.allclose(np.mod(y, 250), 125, atol=0.2)
    assert all(r["block"] == "" for r in moved)
    assert not any("LocationName" in key for key in rows[0])


def test_hexagons_and_neighborhood_maps_are_valid_geojson(published):
    hexes = json.loads((published / "hexagons.geojson").read_text())
    values = [f["properties"]["count"] for f in hexes["features"]]
    assert values and not any(v is not None and is_small(v) for v in values)
    hoods = json.loads((published / "neighborhood-year.geojson").read_text())
    assert len(hoods["features"]) > 70
    assert hoods["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_the_dashboard_shows_the_goal_compstat_and_downloads(published, client):
    page = client.get("/crime/").content.decode()
    assert "<svg" in page and "184" in page
    assert "to 31 December 2019" in page  # the end of the latest month coded
    assert 'data-testid="compstat-violent"' in page and "District 1 (2014 map)" in page
    assert "records.csv" in page
    response = client.get("/crime/data/records.csv")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client.get("/crime/data/secret.txt").status_code == 404
    assert client.get("/crime/", {"as_of": "soon"}).status_code == 400
    june = client.get("/crime/", {"as_of": "2019-06-30"}).content.decode()
    assert "30 June 2019" in june


def test_the_hot_spot_map_is_offered_once_hexagons_are_published(published, client):
    page = client.get("/crime/").content.decode()
    assert 'id="hotspots"' in page and "/crime/data/hexagons.geojson" in page
