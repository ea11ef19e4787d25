import csv
import io
import stat
from collections import Counter
from datetime import timedelta

import pytest
import shapely
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from safercity.core.actors import command_actor
from safercity.core.audit import audit_verify
from safercity.core.geo import area_square_metres
from safercity.core.models import Address, City, Neighborhood, PoliceDistrict, Ward
from safercity.core.roles import Role, roles_of
from safercity.core.textfiles import read_text_any
from safercity.demo.engine import annual_volumes, build_city, load_calibration
from safercity.demo.services import demo_load
from tests.conftest import shared_data

SQ_MI = 2_589_988.11


@pytest.fixture(scope="module")
def city():
    return build_city(seed=2026, scale=0.05)


def test_the_same_seed_builds_the_same_city_and_another_seed_another(city):
    again = build_city(seed=2026, scale=0.05)
    assert again.addresses == city.addresses
    assert [a.name for a in again.neighborhoods] == [a.name for a in city.neighborhoods]
    other = build_city(seed=7, scale=0.05)
    assert other.addresses != city.addresses


def test_the_city_has_st_louis_divisions_population_and_area(city):
    calibration = load_calibration()
    residents = [a for a in city.neighborhoods if not a.is_park]
    parks = [a for a in city.neighborhoods if a.is_park]
    assert (len(residents), len(parks)) == (79, 9)
    assert [a.number for a in city.neighborhoods] == list(range(1, 89))
    assert all(a.number >= 80 for a in parks)
    assert city.population == calibration["population"] == 301_578
    assert sum(p.population for p in parks) == 0
    assert len(city.wards) == 14 and sum(w.population for w in city.wards) == 301_578
    assert len(city.districts) == 6 and sum(d.population for d in city.districts) == 301_578
    assert area_square_metres(city.outline) / SQ_MI == pytest.approx(62.11, rel=0.01)


def test_neighborhoods_tile_the_city_and_districts_are_whole_neighborhoods(city):
    hoods = shapely.union_all([a.shape for a in city.neighborhoods])
    assert hoods.symmetric_difference(city.outline).area / city.outline.area < 1e-6
    for hood in city.neighborhoods:
        inside = [d for d in city.districts if d.shape.buffer(1e-7).contains(hood.shape)]
        assert len(inside) == 1, hood.name


def test_scale_multiplies_the_addresses_and_volumes():
    calibration = load_calibration()
    assert len(build_city(scale=0.01).addresses) == 1_350
    assert len(build_city(scale=0.02).addresses) == 2_700
    assert annual_volumes(calibration, 2.0) == {
        "calls_911": 1_400_000,
        "requests_311": 220_000,
        "crimes": 95_502,
    }
    with pytest.raises(ValueError, match="positive"):
        build_city(scale=0)


def test_addresses_are_unique_and_follow_population(city):
    labels = Counter((a.house_number, a.street) for a in city.addresses)
    assert max(labels.values()) == 1
    per_hood = Counter(a.neighborhood for a in city.addresses)
    populations = {a.number: a.population for a in city.neighborhoods}
    assert not any(populations[n] == 0 for n in per_hood), "nobody's address is in a park"
    biggest = max(populations, key=lambda n: populations[n])
    smallest = min((n for n in populations if populations[n]), key=lambda n: populations[n])
    assert per_hood[biggest] > per_hood[smallest]


def test_the_crime_mix_adds_up_and_homicide_is_a_small_share():
    mix = load_calibration().crime_mix()
    assert sum(mix.values()) == pytest.approx(1.0)
    assert mix["01"] == pytest.approx(194 / 47_751)
    assert max(mix, key=lambda code: mix[code]) == "06"  # larceny-theft is the commonest


def test_every_calibration_value_cites_a_source():
    for row in load_calibration().rows:
        assert row.source.strip(), row.key


@pytest.mark.django_db
def test_loading_the_demo_stores_the_city_through_the_audited_write_path(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    report = demo_load(actor=command_actor("tests"), scale=0.01)
    assert report.addresses == Address.objects.count() == 1_350
    assert Neighborhood.objects.count() == 88
    assert Ward.objects.filter(plan="demo-14").count() == 14
    assert PoliceDistrict.objects.filter(plan="demo-6").count() == 6
    city = City.objects.get()
    assert city.is_demo and city.population == 301_578
    from safercity.emergency.models import Position, Unit

    assert Position.objects.filter(state="ready").count() == 6
    assert Unit.objects.count() == 24 and not Unit.objects.filter(lat=None).exists()
    placed = Address.objects.exclude(neighborhood=None).exclude(ward=None).exclude(district=None)
    assert placed.count() / report.addresses > 0.999
    from safercity.properties.models import Parcel, Portfolio, Violation

    assert report.parcels == Parcel.objects.count() == report.addresses
    shares = {o: Parcel.objects.filter(occupancy=o).count() / report.parcels
              for o in ("owner", "non_owner", "public")}  # fmt: skip
    assert 0.35 < shares["owner"] < 0.5 and 0.4 < shares["non_owner"] < 0.6, shares
    assert 0.05 < shares["public"] < 0.12, shares
    assert Portfolio.objects.filter(parcels_count__gt=10).exists()
    assert Violation.objects.filter(non_owner_occupied=True).exists()
    assert not Parcel.objects.filter(scored_on=None).exists()
    assert audit_verify().ok


@pytest.mark.django_db
def test_demo_staff_get_one_account_per_role_and_a_private_password_file(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    report = demo_load(actor=command_actor("tests"), scale=0.001)
    assert report.credentials_path is not None
    assert stat.S_IMODE(report.credentials_path.stat().st_mode) == 0o600
    text = report.credentials_path.read_text()
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert len(lines) == len(Role)
    assert "Open311 api_key" in text
    username, password, *_ = lines[0].split()
    user = User.objects.get(username=username)
    assert user.check_password(password)
    assert roles_of(user) == {Role.CALL_TAKER}


@pytest.mark.django_db
def test_the_demo_refuses_to_load_over_an_existing_geography(settings, tmp_path, capsys):
    settings.VAR_DIR = tmp_path
    call_command("demo_load", "--scale", "0.001", "--no-staff")
    with pytest.raises(CommandError, match="already has a geography"):
        call_command("demo_load", "--scale", "0.001")
    call_command("demo_load", "--if-empty")
    assert "was not loaded" in capsys.readouterr().out
    assert Address.objects.count() == 135
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_non_positive_scale_is_refused_with_a_clear_message():
    with pytest.raises(CommandError, match="positive"):
        call_command("demo_load", "--scale", "-1")


@pytest.mark.realdata
def test_the_calibrated_crime_mix_is_what_slmpd_published_for_2019():
    counts: Counter[str] = Counter()
    for path in sorted(shared_data("slmpd", "legacy", "2019").glob("*.csv")):
        for row in csv.DictReader(io.StringIO(read_text_any(path))):
            counts[row["Crime"].strip().zfill(6)[:2]] += int(row["Count"])
    calibration = load_calibration()
    for code, count in counts.items():
        if count:
            assert calibration[f"crimes_2019_ucr_{code}"] == count, code
    assert calibration["crimes_2019"] == sum(counts.values())


@pytest.mark.realdata
def test_the_calibrated_population_is_the_census_count_of_the_real_wards():
    import json

    wards = json.loads(
        shared_data("boundaries", "geocrime_stl_pkg", "stl_wards.geojson").read_text()
    )
    assert load_calibration()["population"] == sum(
        f["properties"]["TOT_POP"] for f in wards["features"]
    )
    assert load_calibration()["wards"] == len(wards["features"])


def test_addresses_are_reassigned_to_the_areas_that_hold_them(db, settings, tmp_path):
    from safercity.core.services import addresses_assign_areas

    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)
    before = dict(Address.objects.values_list("pk", "neighborhood_id"))
    Address.objects.update(neighborhood=None, ward=None, district=None)
    assert addresses_assign_areas(actor=command_actor("tests")) == len(before)
    assert dict(Address.objects.values_list("pk", "neighborhood_id")) == before
    assert not Address.objects.filter(ward=None).exists()


@pytest.mark.django_db
def test_the_demo_has_crime_records_so_the_dashboard_and_open_data_work(settings, tmp_path, client):
    """Issue 15: synthetic records in SLMPD's files since January of last year, imported
    through the real importer; the dashboard, CompStat, hot spots and open data all work."""
    from django.db.models import Sum
    from django.utils import timezone

    from safercity.core.months import month_before
    from safercity.crime.models import CrimeImport, CrimeRecord

    settings.VAR_DIR = tmp_path
    report = demo_load(actor=command_actor("tests"), scale=0.05, with_staff=False, histories=True)
    assert report.crimes == CrimeRecord.objects.count() > 4000
    last = month_before(timezone.localdate())
    assert CrimeImport.objects.count() == 12 + last.month, "from January of last year"
    assert CrimeRecord.objects.order_by("-coded_month").first().coded_month == last
    assert CrimeRecord.objects.filter(count=-1).exists(), "reclassifications, as SLMPD files have"
    homicides = CrimeRecord.objects.filter(ucr_class=1).aggregate(n=Sum("count"))["n"]
    years = (12 + last.month) / 12
    assert 0.5 * 194 * 0.05 * years < homicides < 1.5 * 194 * 0.05 * years
    assert not CrimeRecord.objects.filter(neighborhood=None).exists()
    assert not CrimeRecord.objects.filter(lat=None).exists()
    page = client.get("/crime/").content.decode()
    assert "No crime records are loaded yet" not in page
    assert 'data-testid="compstat-violent"' in page and "<svg" in page
    assert (tmp_path / "public" / "crime" / "records.csv").exists()
    assert client.get("/crime/data/hexagons.geojson").status_code == 200


def test_demo_crime_files_are_slmpds_layout_deterministic_and_calibrated():
    from datetime import date

    from safercity.crime.legacy import read_legacy
    from safercity.demo.engine import CrimePlace, crime_files, load_calibration

    places = [
        CrimePlace(100 + i, "MARKET ST", 1 + i % 79, 1 + i % 6, -90.2, 38.62) for i in range(50)
    ]
    calibration = load_calibration()
    files = crime_files(calibration, places, date(2026, 3, 1), 15, seed=3, scale=0.2)
    assert files == crime_files(calibration, places, date(2026, 3, 1), 15, seed=3, scale=0.2)
    assert files != crime_files(calibration, places, date(2026, 3, 1), 15, seed=4, scale=0.2)
    assert [name for name, _ in files][:2] == ["january2025.csv", "february2025.csv"]
    assert files[-1][0] == "march2026.csv"
    records = []
    for _, data in files:
        parsed = read_legacy(data)
        assert parsed.rejected == [] and parsed.variant == "20 columns"
        records += parsed.records
    total = sum(r.count for r in records)
    assert abs(total - 47_751 * 0.2 * 15 / 12) / total < 0.05
    homicides = sum(r.count for r in records if r.ucr_class == 1) / total
    assert abs(homicides - 194 / 47_751) < 0.002
    late = [r for r in records if r.occurred.date() < r.coded_month]
    assert 0.1 < len(late) / len(records) < 0.3, "some offences are coded a month or two later"


@pytest.mark.django_db
def test_the_demo_has_911_history_for_the_answer_time_report(settings, tmp_path, client):
    """Issue 15: a year of calls; the last two weeks with their intervals and CAD incidents,
    read back through the history importer from the exports the demo writes."""
    from django.db.models import Max, Min
    from django.utils import timezone

    from safercity.core.roles import Role
    from safercity.emergency.models import AnswerInterval, Call, Incident
    from tests.conftest import make_user

    settings.VAR_DIR = tmp_path
    report = demo_load(actor=command_actor("tests"), scale=0.1, with_staff=False, histories=True)
    assert report.calls_911 == Call.objects.count() > 0.8 * 700_000 * 0.1
    span = Call.objects.aggregate(first=Min("arrived_at"), last=Max("arrived_at"))
    assert (timezone.now() - span["first"]).days >= 364 and (timezone.now() - span["last"]).days < 2
    assert 13 * 24 < AnswerInterval.objects.count() <= 14 * 24, (
        "an interval for each hour with calls"
    )
    assert Incident.objects.count() > 500
    assert not Call.objects.exclude(exercise="").exists(), "history is not an exercise"
    client.force_login(make_user("sam", Role.SUPERVISOR_911))
    page = client.get("/staff/911/nena/?by=day").content.decode()
    assert "No 911 calls in this span" not in page
    assert page.count("<tr>") > 10
    half_a_year_ago = timezone.localdate() - timedelta(days=180)
    asked = {
        "from": half_a_year_ago.isoformat(),
        "to": (half_a_year_ago + timedelta(days=6)).isoformat(),
    }
    week = client.get("/staff/911/nena/", {"by": "day", **asked}).content.decode()
    assert "No 911 calls in this span" not in week and week.count("<tr>") >= 7
    # Issue 21: the year's calls carry where the caller was, and the Equity Indicators computed
    # from the demo's records (last year and this) come out of them, its 311 requests and its
    # use of force, each with its source, on the public page.
    from safercity.core.rollups import rollup_refresh
    from safercity.equity.models import IndicatorValue

    year_calls = Call.objects.filter(imported_from__startswith="demo history (a year")
    assert year_calls.exists() and not year_calls.filter(lat=None).exists()
    made = IndicatorValue.objects.exclude(computed_at=None)
    assert set(made.values_list("indicator__name", flat=True)) == {
        "Use of Force", "911 Answer Times", "311 Time to Close"
    }  # fmt: skip
    assert all("Computed by SaferCity" in v.source for v in made)
    rollup_refresh("equity:indicators")
    equity = client.get("/equity-indicators/").content.decode()
    assert "computed by SaferCity" in equity
    # Topics with only some indicators computed have no score: the headline stays 2018's.
    assert '<p data-testid="city-score"><strong>53.8</strong> (2018)' in equity


@pytest.mark.django_db
def test_the_demo_has_a_year_of_311_requests_with_closures_duplicates_and_notes(
    settings, tmp_path, client
):
    """Issue 15: the 311 console and Open311's requests.json are not empty after make run."""
    from django.db import models

    from safercity.core.roles import Role
    from safercity.service311.models import RequestNote, ServiceRequest
    from tests.conftest import make_user

    settings.VAR_DIR = tmp_path
    report = demo_load(actor=command_actor("tests"), scale=0.05, with_staff=False, histories=True)
    requests = ServiceRequest.objects.all()
    assert report.requests_311 == requests.count()
    assert 0.8 * 110_000 * 0.05 < requests.count() < 1.2 * 110_000 * 0.05
    closed = requests.filter(status="closed").count() / requests.count()
    assert 0.7 < closed < 0.99, closed
    merged = requests.exclude(parent=None)
    assert merged.exists() and not merged.exclude(status="closed").exists()
    assert RequestNote.objects.filter(public=True, text__startswith="A crew").exists()
    on_time = requests.filter(status="closed").filter(
        closed_datetime__lte=models.F("expected_datetime")
    )
    assert 0.4 < on_time.count() / requests.filter(status="closed").count() < 0.95
    listed = client.get("/open311/v2/requests.json").json()
    assert len(listed) > 100
    client.force_login(make_user("olga", Role.AGENT_311))
    console = client.get("/staff/311/").content.decode()
    assert "Nothing in this queue" not in console and console.count("<tr") > 10


@pytest.mark.django_db
def test_the_demo_runs_a_group_violence_intervention(settings, tmp_path, client):
    """Issue 16: a group audit, reviewed incidents at the calibration's shares, interventions
    with one enforcement action after notice, and weekly shooting reviews."""
    from safercity.violence.models import (
        ActionItem,
        Group,
        GroupArea,
        IncidentReview,
        Intervention,
        ShootingReview,
    )

    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.1, with_staff=False, histories=True)
    assert Group.objects.count() == 12 and GroupArea.objects.count() == 12
    reviewed = IncidentReview.objects.exclude(involvement="pending")
    violent = reviewed.filter(models_q_violent())
    connected = violent.filter(involvement__in=["victim", "suspect", "both"]).count()
    assert violent.count() > 50 and 0.2 < connected / violent.count() < 0.45
    assert IncidentReview.objects.filter(involvement="pending").exists(), "the last 2 weeks"
    enforcement = Intervention.objects.filter(kind="enforcement").first()
    assert enforcement is not None and enforcement.notice.kind == "call_in"
    assert ShootingReview.objects.count() == 4 and ActionItem.objects.exists()
    page = client.get("/focused-deterrence/").content.decode()
    assert page.count("<tr>") >= 9


def models_q_violent():
    from django.db.models import Q

    return Q(fatal=True) | Q(shooting=True)
