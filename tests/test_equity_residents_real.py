"""Residents by neighborhood and race from the 2020 Census as published per St. Louis
neighborhood (geocrime-stl's GeoJSON), matched to the city's own neighborhood layer (skipped
without ../shared/data): every residential neighborhood found, the area the city's layer does
not have listed and left out, the majorities the census gives, and use of force placed by its
point into a real neighborhood counted on the right side."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from safercity.core.models import Neighborhood
from safercity.core.roles import Role
from safercity.core.services import city_current
from safercity.equity import computed, indicators, residents
from safercity.equity.models import IndicatorValue, NeighborhoodResidents
from tests.conftest import make_user, shared_data
from tests.test_equity_computed import force_at

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

CENSUS = ("boundaries", "geocrime_stl_pkg", "stl_neighborhoods.geojson")


@pytest.fixture
def census():
    path = shared_data(*CENSUS)
    layer = shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp")
    call_command("geo_import", "neighborhoods", str(layer))
    return json.loads(path.read_bytes()), path.read_bytes()


def test_the_2020_census_by_neighborhood_loads_onto_the_citys_map(census):
    document, data = census
    ana = make_user("ana", Role.ANALYST)
    refused = residents.residents_import(actor=ana, data=data, year=2020, source="2020 Census")
    # The package has one area the city's layer lacks (99, awaiting count question resolution).
    assert [r.reason for r in refused.rejected] == ["no neighborhood '99' on the city's map"]
    assert not NeighborhoodResidents.objects.exists()
    report = residents.residents_import(actor=ana, data=data, year=2020, source="2020 Census",
                                        leave_out_unmapped=True)  # fmt: skip
    assert report.ok and report.saved == 88
    assert [(r.neighborhood, r.residents) for r in report.left_out] == [("99", 16)]
    # Every resident the census counted in the city, less the 16 left out.
    assert sum(NeighborhoodResidents.objects.values_list("total", flat=True)) == 301_578 - 16
    # The majorities, recomputed here from the file's own counts (residential areas 1-79).
    rows = [f["properties"] for f in document["features"]
            if f["properties"]["neighborhood_id"] <= 79]  # fmt: skip
    black = {r["neighborhood_id"] for r in rows if r["pop_black_alone"] * 2 > r["total_population"]}
    white = {r["neighborhood_id"] for r in rows if r["pop_white_alone"] * 2 > r["total_population"]}
    found = residents.majorities(2025)
    assert found.neighborhoods["B"] == black and found.neighborhoods["W"] == white
    assert len(black) == 38 and len(white) == 30  # the calibration rows' figures
    assert found.residents["B"] == sum(r["total_population"] for r in rows
                                       if r["neighborhood_id"] in black)  # fmt: skip


def test_use_of_force_at_real_places_lands_on_the_right_side(census):
    _, data = census
    ana = make_user("ana", Role.ANALYST)
    residents.residents_import(actor=ana, data=data, year=2020, source="2020 Census",
                               leave_out_unmapped=True)  # fmt: skip
    framework = (b"theme,topic,indicator,direction,computed_from\n"
                 b"Justice for All,Policing,Use of Force,B-W,use_of_force\n")  # fmt: skip
    indicators.framework_import(actor=ana, data=framework)
    found = residents.majorities(2025)

    def inside(number: int) -> tuple[float, float]:
        point = Neighborhood.objects.get(number=number).shape.representative_point()
        return point.x, point.y

    year = timezone.localdate().year - 1
    when = timezone.now().replace(year=year, month=6, day=1)
    black, white = sorted(found.neighborhoods["B"])[:3], sorted(found.neighborhoods["W"])[:1]
    for n, number in enumerate(black + white):
        lon, lat = inside(number)
        force_at(str(n), when, lon=lon, lat=lat)
    assert city_current().geography_version > 0
    computed.indicators_compute(actor=ana, year=year)
    value = IndicatorValue.objects.get(indicator__name="Use of Force", year=year)
    assert value.first_rate == f"3/{found.residents['B']}"
    assert value.second_rate == f"1/{found.residents['W']}"
