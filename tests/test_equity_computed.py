"""Equity Indicators computed from SaferCity's own records (issue 21): residents by
neighborhood and race imported (CSV or GeoJSON, all or nothing), neighborhoods grouped by their
majority, and use of force, 911 answer times and 311 time to close compared between
majority-Black and majority-white neighborhoods, each value saying where it came from; an
analyst's own figure for a year is kept; the staff page, the command and the public page."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from safercity.core import geo
from safercity.core.actors import command_actor
from safercity.core.inputs import InputRefused
from safercity.core.roles import Role
from safercity.core.rollups import rollup_refresh
from safercity.core.services import boundaries_import
from safercity.emergency.models import Call, Incident
from safercity.equity import computed, indicators, residents
from safercity.equity.models import IndicatorValue, NeighborhoodResidents
from safercity.equity.tasks import indicators_recompute
from safercity.service311.models import ServiceRequest
from safercity.useofforce.models import ForceIncident
from tests.conftest import make_user
from tests.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db

# Five squares in a row west to east near downtown St. Louis: two majority-Black
# neighborhoods, one majority-white, one with no majority, and a park.
HOODS = {1: "North Point", 2: "Fair Hill", 3: "South Grove", 4: "Middle Town", 5: "Big Park"}
SIZE = 0.01
WEST, SOUTH = -90.30, 38.60


def _centre(number: int) -> tuple[float, float]:
    """(lon, lat) in the middle of a neighborhood."""
    return WEST + (number - 0.5) * SIZE, SOUTH + SIZE / 2


def city_features() -> list[geo.Feature]:
    return [
        geo.Feature({"number": n, "name": name},
                    shapely.box(WEST + (n - 1) * SIZE, SOUTH, WEST + n * SIZE, SOUTH + SIZE))
        for n, name in HOODS.items()
    ]  # fmt: skip


@pytest.fixture
def city():
    boundaries_import(actor=command_actor("tests"), layer="neighborhoods",
                      features=city_features(), park_numbers=[5])  # fmt: skip
    return make_user("ana", Role.ANALYST)


GOOD = b"""neighborhood,total,white,black
1,2000,300,1600
Fair Hill,3000,500,2400
3,4000,3000,700
4,1000,450,450
5,12,10,1
"""
FRAMEWORK = b"""theme,topic,indicator,direction,definition,source,computed_from
Justice for All,Policing,Use of Force,B-W,Force per resident,SLMPD,use_of_force
City Services,911 and 311,911 Answer Times,B-W,Calls answered late,SaferCity,answer_911
City Services,911 and 311,311 Time to Close,B-W,Median days,SaferCity,Close-311
City Services,911 and 311,Hand Entered,B-W,Something else,Elsewhere,
"""


def _load(ana, year: int = 2020) -> None:
    assert residents.residents_import(actor=ana, data=GOOD, year=year, source="Census 2020").ok
    assert indicators.framework_import(actor=ana, data=FRAMEWORK).ok


def _at(year: int, month: int = 6, day: int = 1, hour: int = 12) -> datetime:
    return datetime.combine(date(year, month, day), time(hour), timezone.get_current_timezone())


def test_residents_are_matched_by_number_or_name_and_majorities_found(city):
    report = residents.residents_import(actor=city, data=GOOD, year=2020, source="Census 2020")
    assert report.ok and report.saved == 5
    found = residents.majorities(2024)
    assert found is not None and found.census_year == 2020
    # Fair Hill by name; the park (5) and the neighborhood with no majority (4) on neither side.
    assert found.neighborhoods["B"] == {1, 2} and found.neighborhoods["W"] == {3}
    assert (found.residents["B"], found.residents["W"]) == (5000, 4000)
    [summary] = residents.residents_summary()
    assert summary["groups"]["B"] == (2, 5000) and summary["residents"] == 10012


def test_a_bad_residents_file_imports_nothing_and_names_every_bad_row(city):
    bad = b"""neighborhood,total,white,black
1,2000,300,1600
99,500,100,300
3,4000,4100,10
Fair Hill,lots,1,1
1,10,1,1
,10,1,1
"""
    report = residents.residents_import(actor=city, data=bad, year=2020, source="Census")
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7}
    assert "no neighborhood '99'" in reasons[3]
    assert "more white residents (4,100) than residents (4,000)" in reasons[4]
    assert "'lots' is not a whole number" in reasons[5]
    assert "in the file twice" in reasons[6] and "names no neighborhood" in reasons[7]
    assert not NeighborhoodResidents.objects.exists()
    with pytest.raises(InputRefused, match="no column for black"):
        residents.residents_import(actor=city, data=b"neighborhood,total,white\n1,5,1\n",
                                   year=2020, source="Census")  # fmt: skip
    with pytest.raises(InputRefused, match="where the figures come from"):
        residents.residents_import(actor=city, data=GOOD, year=2020, source="  ")


def test_areas_off_the_map_can_be_left_out_and_are_listed(city):
    data = GOOD + b"99,16,5,9\n"
    report = residents.residents_import(actor=city, data=data, year=2020, source="Census",
                                        leave_out_unmapped=True)  # fmt: skip
    assert report.ok and report.saved == 5
    assert [(r.neighborhood, r.residents) for r in report.left_out] == [("99", 16)]


def test_a_geojson_files_properties_are_read_in_the_census_words(city):
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None,
         "properties": {"neighborhood_id": n, "neighborhood_name": HOODS[n],
                        "total_population": total, "pop_white_alone": white,
                        "pop_black_alone": black, "pop_hispanic_latino": None}}
        for n, total, white, black in ((1, 2000, 300, 1600), (3, 4000, 3000, 700))
    ]}  # fmt: skip
    report = residents.residents_import(actor=city, data=json.dumps(document).encode(),
                                        year=2020, source="2020 Census")  # fmt: skip
    assert report.ok and report.saved == 2
    assert NeighborhoodResidents.objects.get(neighborhood__number=3).white == 3000
    with pytest.raises(InputRefused, match="FeatureCollection"):
        residents.residents_import(actor=city, data=b"[1, 2]", year=2020, source="x")


def test_a_new_years_table_replaces_that_year_only(city):
    residents.residents_import(actor=city, data=GOOD, year=2010, source="Census 2010")
    residents.residents_import(actor=city, data=GOOD, year=2020, source="Census 2020")
    corrected = GOOD.replace(b"3,4000,3000,700", b"3,4000,100,3800")
    residents.residents_import(actor=city, data=corrected, year=2020, source="Census 2020, v2")
    assert NeighborhoodResidents.objects.filter(year=2010).count() == 5
    assert residents.majorities(2015).neighborhoods["W"] == {3}  # the 2010 census
    assert residents.majorities(2022).neighborhoods["B"] == {1, 2, 3}


def test_use_of_force_is_counted_per_resident_by_the_neighborhoods_majority(city):
    _load(city)
    year = timezone.localdate().year - 1
    for n, (hood, lon_lat) in enumerate([(1, None), (2, None), (2, None), (3, None),
                                         (None, _centre(1)), (4, None)]):  # fmt: skip
        lon, lat = lon_lat or (None, None)
        force_at(f"C{n}", _at(year), neighborhood=hood, lon=lon, lat=lat)
    force_at("other-year", _at(year - 1), neighborhood=3)
    report = computed.indicators_compute(actor=city, year=year)
    outcome = {o.indicator: o for o in report.outcomes}
    assert outcome["Use of Force"].status == "saved"
    value = IndicatorValue.objects.get(indicator__name="Use of Force", year=year)
    # Majority-Black 1 and 2: four incidents (one placed by its point) over 5,000 residents;
    # majority-white 3: one over 4,000. Neighborhood 4 has no majority: counted on neither side.
    assert (value.first_rate, value.second_rate) == ("4/5000", "1/4000")
    assert value.computed_at is not None and value.published_score is None
    assert "4 incidents in majority-Black neighborhoods (5,000 residents)" in value.source
    assert "Residents: 2020, Census 2020" in value.source
    assert "Hand Entered" not in outcome  # not marked as computed


def _policy():
    from safercity.useofforce.models import PolicyVersion

    return PolicyVersion.objects.get_or_create(
        version="SO 1-01", defaults={"effective_from": date(2000, 1, 1)}
    )[0]


def force_at(case: str, when: datetime, **place: object) -> ForceIncident:
    """A use-of-force incident with what the indicators read: when, and where (a neighborhood
    number, or a point)."""
    return ForceIncident.objects.create(case_number=case, occurred_at=when, level=1,
                                        policy=_policy(), reported_at=when, public_id=case,
                                        **place)  # fmt: skip


def test_an_officers_report_with_a_place_is_counted_in_its_neighborhood(city):
    from safercity.useofforce import services
    from safercity.useofforce.services import IncidentIn, OfficerIn, SubjectIn

    _load(city)
    _policy()
    lon, lat = _centre(3)
    when = timezone.now() - timedelta(hours=3)
    incident = services.incident_report(
        actor=make_user("owen", Role.POLICE_OFFICER),
        entered=IncidentIn(
            case_number="26-1", occurred_at=when, lat=lat, lon=lon,
            location_type="street, highway or alley", contact_reason="call for service",
            subjects=[SubjectIn(force_types=["takedown"], age=30, sex="male", races=["White"],
                                injury="none")],
            officers=[OfficerIn(force_types=["takedown"], age=31, sex="male", races=["White"],
                                employee_number="E1")],
        ),
    )  # fmt: skip
    assert incident.neighborhood == 3
    year = timezone.localtime(when).year
    force_at("B1", when, neighborhood=1)
    computed.indicators_compute(actor=city, year=year)
    value = IndicatorValue.objects.get(indicator__name="Use of Force", year=year)
    assert (value.first_rate, value.second_rate) == ("1/5000", "1/4000")
    if year == timezone.localdate().year:
        assert "(the year so far)" not in value.source and "1 January to" in value.source


def test_911_callers_mean_wait_by_where_the_caller_was(city, monkeypatch):
    monkeypatch.setattr(computed, "CHUNK", 3)  # placed a few calls at a time, as a year is
    _load(city)
    year = timezone.localdate().year - 1
    start = _at(year)
    calls = [  # (neighborhood, seconds to answer, or to hanging up when abandoned)
        (1, 5, True), (1, 30, True), (2, 13, False), (2, 12, True), (3, 8, True), (3, 14, True),
        (3, 20, True), (3, 2, True), (4, 60, True),
    ]  # fmt: skip
    for n, (hood, seconds, answered) in enumerate(calls):
        lon, lat = _centre(hood)
        ended = start + timedelta(minutes=n, seconds=seconds)
        Call.objects.create(call_id=f"c{n}", arrived_at=start + timedelta(minutes=n), lat=lat,
                            lon=lon, state="released" if answered else "abandoned",
                            answered_at=ended if answered else None,
                            abandoned_at=None if answered else ended)  # fmt: skip
    # Placed by its CAD incident; an exercise and an administrative call are left out.
    placed = Call.objects.create(call_id="by-cad", arrived_at=start, state="released",
                                 answered_at=start + timedelta(seconds=16))  # fmt: skip
    lon, lat = _centre(3)
    Incident.objects.create(call=placed, call_type="x", priority=1, lat=lat, lon=lon,
                            received_at=start, entered_at=start)  # fmt: skip
    for name, extra in (("drill", {"exercise": "drill"}), ("admin", {"line": "admin"})):
        Call.objects.create(call_id=name, arrived_at=start, lat=lat, lon=lon,
                            answered_at=start + timedelta(seconds=300), **extra)  # fmt: skip
    computed.indicators_compute(actor=city, year=year)
    value = IndicatorValue.objects.get(indicator__name="911 Answer Times", year=year)
    # Majority-Black: (5 + 30 + 13 + 12) / 4 = 15.0 s; majority-white: (8+14+20+2+16) / 5 = 12.
    assert (value.first_rate, value.second_rate) == ("15.0", "12.0")
    assert "15.0 s waited on average by 4 911 calls from majority-Black neighborhoods" in (
        value.source
    )


def test_311_median_days_to_close_by_the_neighborhoods_majority(city):
    _load(city)
    year = timezone.localdate().year - 1
    closed = _at(year, 9)
    for hood, days in ((1, 2), (1, 6), (2, 10), (3, 1), (3, 3), (4, 90)):
        lon, lat = _centre(hood)
        ServiceRequestFactory(status="closed", lat=lat, long=lon, closed_datetime=closed,
                              requested_datetime=closed - timedelta(days=days))  # fmt: skip
    parent = ServiceRequest.objects.filter(status="closed").first()
    lon, lat = _centre(3)
    ServiceRequestFactory(
        status="closed",
        lat=lat,
        long=lon,
        closed_datetime=closed,
        parent=parent,
        requested_datetime=closed - timedelta(days=300),
    )  # a duplicate
    ServiceRequestFactory(status="open", lat=lat, long=lon)
    computed.indicators_compute(actor=city, year=year)
    value = IndicatorValue.objects.get(indicator__name="311 Time to Close", year=year)
    assert (value.first_rate, value.second_rate) == ("6.00", "2.00")  # medians of 2,6,10 and 1,3


def test_an_analysts_figure_is_kept_and_what_cannot_be_computed_says_why(city):
    year = timezone.localdate().year - 1
    assert indicators.framework_import(actor=city, data=FRAMEWORK).ok
    report = computed.indicators_compute(actor=city, year=year)
    assert {o.status for o in report.outcomes} == {"not computed"}
    assert "no residents by neighborhood and race" in report.outcomes[0].detail
    _load(city)
    indicators.values_import(actor=city, source="SLMPD's own count",
                             data=f"indicator,year,first_rate,second_rate\n"
                                  f"Use of Force,{year},9/5000,1/4000\n".encode())  # fmt: skip
    report = computed.indicators_compute(actor=city, year=year)
    outcome = {o.indicator: o for o in report.outcomes}
    assert outcome["Use of Force"].status == "kept" and "SLMPD's own count" in outcome[
        "Use of Force"].detail  # fmt: skip
    assert IndicatorValue.objects.get(indicator__name="Use of Force", year=year).first_rate == (
        "9/5000")  # fmt: skip
    # No 911 calls and no 311 requests: nothing to compare, said plainly.
    assert outcome["911 Answer Times"].status == "not computed"
    assert "no 911 calls from majority-Black" in outcome["911 Answer Times"].detail
    assert "no 311 requests closed in majority-Black" in outcome["311 Time to Close"].detail
    bad = indicators.framework_import(
        actor=city, data=b"theme,topic,indicator,direction,computed_from\nA,B,C,B-W,crime\n"
    )
    assert "computed_from 'crime' is not one of use_of_force" in bad.rejected[0].reason


def test_recomputing_replaces_the_computed_value_and_a_framework_without_the_column_keeps_it(
    city,
):
    _load(city)
    year = timezone.localdate().year - 1
    force_at("a", _at(year), neighborhood=1)
    force_at("b", _at(year), neighborhood=3)
    computed.indicators_compute(actor=city, year=year)
    force_at("c", _at(year), neighborhood=2)
    indicators.framework_import(actor=city, data=b"theme,topic,indicator,direction\n"
                                b"Justice for All,Policing,Use of Force,B-W\n")  # fmt: skip
    computed.indicators_compute(actor=city, year=year)
    value = IndicatorValue.objects.get(indicator__name="Use of Force", year=year)
    assert value.first_rate == "2/5000"
    assert IndicatorValue.objects.filter(indicator__name="Use of Force").count() == 1
    # Nothing to compute from now: the computed value stays, and the report says so.
    NeighborhoodResidents.objects.all().delete()
    [*_, uof] = [o for o in computed.indicators_compute(actor=city, year=year).outcomes
                 if o.indicator == "Use of Force"]  # fmt: skip
    assert uof.status == "not computed" and "stays" in uof.detail
    assert IndicatorValue.objects.get(indicator__name="Use of Force", year=year).first_rate == (
        "2/5000"
    )
    # The analyst's own figure over a computed one is theirs from then on.
    own = f"indicator,year,first_rate,second_rate\nUse of Force,{year},7/5000,1/4000\n"
    indicators.values_import(actor=city, source="SLMPD", data=own.encode())
    computed.indicators_compute(actor=city, year=year)
    assert IndicatorValue.objects.get(indicator__name="Use of Force", year=year).first_rate == (
        "7/5000"
    )


def test_the_task_worker_keeps_last_year_and_this_year_current(city):
    assert indicators_recompute.call() == {}  # nothing marked computed: nothing done
    _load(city)
    this = timezone.localdate().year
    for year in (this - 1, this):
        for hood in (1, 3):
            force_at(f"{year}-{hood}", _at(year, 1, 1, 1), neighborhood=hood)
    assert indicators_recompute.call() == {str(this - 1): 1, str(this): 1}
    assert set(IndicatorValue.objects.values_list("year", flat=True)) == {this - 1, this}


def test_the_analyst_imports_residents_and_computes_a_year_on_the_staff_page(client, city):
    client.force_login(city)
    indicators.framework_import(actor=city, data=FRAMEWORK)
    missing = client.post("/staff/equity-indicators/", {
        "kind": "residents", "file": SimpleUploadedFile("r.csv", GOOD)})  # fmt: skip
    assert missing.status_code == 400
    assert "Give the census year" in missing.content.decode()
    sent = client.post("/staff/equity-indicators/", {
        "kind": "residents", "file": SimpleUploadedFile("r.csv", GOOD), "year": "2020",
        "source": "2020 Census (P.L. 94-171)"})  # fmt: skip
    page = sent.content.decode()
    assert sent.status_code == 200 and "Imported 5 rows" in page
    assert "2 (5000)" in page  # two majority-Black neighborhoods, their residents
    year = timezone.localdate().year - 1
    force_at("a", _at(year), neighborhood=1)
    force_at("b", _at(year), neighborhood=3)
    done = client.post("/staff/equity-indicators/compute/", {"compute-year": str(year)})
    text = done.content.decode()
    assert done.status_code == 200 and "1 indicator computed" in text
    assert "Use of Force</strong>: saved — 1/5000 and 1/4000" in text
    assert (
        client.post("/staff/equity-indicators/compute/", {"compute-year": "1066"}).status_code
        == 400
    )
    rollup_refresh("equity:indicators")
    public = client.get("/equity-indicators/").content.decode()
    assert "computed by SaferCity" in public and "ratio 0.8 (B-W)" in public
    assert "1 incident in majority-Black neighborhoods (5,000 residents)" in public
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert (
        client.post("/staff/equity-indicators/compute/", {"compute-year": str(year)}).status_code
        == 403
    )


def test_the_command_imports_residents_and_computes(city, tmp_path, capsys):
    path = tmp_path / "residents.csv"
    path.write_bytes(GOOD)
    call_command("indicators", "residents", str(path), "--year", "2020", "--source", "Census")
    indicators.framework_import(actor=city, data=FRAMEWORK)
    call_command("indicators", "compute", "--year", str(timezone.localdate().year - 1))
    out = capsys.readouterr().out
    assert "imported 5 rows" in out and "911 Answer Times" in out and "not computed" in out
    path.write_bytes(b"neighborhood,total,white,black\nnowhere,1,1,1\n")
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("indicators", "residents", str(path), "--year", "2020", "--source", "x")
