"""CompStat tables on real SLMPD records, checked against a count made straight from the files."""

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command

from safercity.core.actors import command_actor
from safercity.crime.compstat import compstat, hexagon_counts, rates_per_100k, windows
from safercity.crime.legacy import read_legacy
from safercity.crime.models import CrimeImport, CrimeRecord
from safercity.crime.services import legacy_import
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]
AS_OF = date(2019, 6, 30)


@pytest.fixture(scope="module")
def two_years(django_db_setup, django_db_blocker):
    """2018 and 2019, imported once for every test here."""
    from tests.conftest import loaded_once

    files = []
    for year in (2018, 2019):
        folder = shared_data("slmpd", "legacy", str(year))
        files += [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))]
    with loaded_once(django_db_blocker, CrimeImport, CrimeRecord):
        with django_db_blocker.unblock():
            legacy_import(actor=command_actor("t"), files=files)
        yield [r for _, data in files for r in read_legacy(data).records]


def naive(day):
    """The files' times are local and carry no zone; so do the bounds compared with them."""
    return datetime.combine(day, datetime.min.time())


def _expected(records, start, end, classes):
    totals = Counter()
    for r in records:
        wanted = not classes or r.ucr_class in classes
        if wanted and r.district and r.occurred.year > 1900 and start <= r.occurred < end:
            totals[r.district] += r.count
    return totals


def test_the_district_table_counts_what_the_files_say(two_years):
    violent = [1, 2, 3, 4]
    table = {row.area: row for row in compstat(AS_OF, by="district", ucr_classes=violent)}
    local_end = datetime.combine(AS_OF + timedelta(days=1), datetime.min.time())
    starts = [
        local_end - timedelta(days=7),
        local_end - timedelta(days=28),
        naive(date(2019, 1, 1)),
    ]
    assert [w.label for w in windows(AS_OF)] == ["week", "28 days", "year to date"]
    for index, local_start in enumerate(starts):
        expected = _expected(two_years, local_start, local_end, violent)
        for district, count in expected.items():
            row = table[f"District {district} (2014 map)"]
            assert row.current[index] == count, (index, district)
    week_before = _expected(two_years, naive(date(2018, 6, 24)), naive(date(2018, 7, 1)), violent)
    assert table["District 1 (2014 map)"].prior[0] == week_before[1]


def test_rates_per_100k_use_the_neighborhoods_population(two_years):
    hoods = shared_data("boundaries", "geocrime_stl_pkg", "stl_neighborhoods.geojson")
    call_command("geo_import", "neighborhoods", str(hoods))
    rows = {r.number: r for r in rates_per_100k(date(2019, 1, 1), date(2020, 1, 1), [1])}
    downtown = rows[35]
    assert downtown.population == 5442
    assert downtown.per_100k == pytest.approx(downtown.count / 5442 * 100_000)
    assert rows[81].per_100k is None  # Tower Grove Park: too few residents to rate
    assert sum(r.count for r in rows.values()) == sum(
        r.count
        for r in two_years
        if r.ucr_class == 1 and r.occurred.year == 2019 and r.neighborhood
    )


def test_hexagons_hold_every_located_record(two_years):
    cells = hexagon_counts(date(2019, 1, 1), date(2020, 1, 1), [3])
    located = CrimeRecord.objects.filter(ucr_class=3, occurred_at__year=2019).exclude(lat=None)
    from django.db.models import Sum

    assert sum(cells.values()) == located.aggregate(total=Sum("count"))["total"]
    assert len(cells) > 50
