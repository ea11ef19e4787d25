"""The SLMPD legacy importer on the real monthly files (../shared/data/slmpd/legacy)."""

import pytest
from django.core.management import call_command

from safercity.core.actors import command_actor
from safercity.crime.legacy import parse_occurred, read_legacy
from safercity.crime.models import CrimeRecord
from safercity.crime.selectors import homicides_by_year
from safercity.crime.services import legacy_import
from tests.conftest import shared_data

FBI_HOMICIDES = {2008: 167, 2014: 159, 2017: 205}
HEADER_20 = (
    "Complaint,CodedMonth,DateOccur,FlagCrime,FlagUnfounded,FlagAdministrative,Count,FlagCleanup,"
    "Crime,District,Description,ILEADSAddress,ILEADSStreet,Neighborhood,LocationName,"
    "LocationComment,CADAddress,CADStreet,XCoord,YCoord\r\n"
)


def year_files(year):
    return [
        (p.name, p.read_bytes())
        for p in sorted(shared_data("slmpd", "legacy", str(year)).glob("*.csv"))
    ]


@pytest.mark.realdata
@pytest.mark.django_db
def test_homicides_per_year_equal_the_fbis(django_assert_max_num_queries):
    for year in FBI_HOMICIDES:
        reports = legacy_import(actor=command_actor("t"), files=year_files(year))
        assert all(r.rejected == [] for r in reports), year
    assert {y: n for y, n in homicides_by_year().items() if y in FBI_HOMICIDES} == FBI_HOMICIDES


@pytest.mark.realdata
@pytest.mark.django_db
def test_every_variant_reads_without_a_rejected_row():
    for year, month in ((2008, "january"), (2017, "may"), (2017, "january"), (2016, "march")):
        path = shared_data("slmpd", "legacy", str(year), f"{month}{year}.csv")
        parsed = read_legacy(path.read_bytes())
        assert parsed.rejected == [], (path.name, parsed.rejected[:3])
        assert len(parsed.records) > 3000
    may = read_legacy(shared_data("slmpd", "legacy", "2017", "may2017.csv").read_bytes())
    assert may.variant == "26 columns"
    assert all("  " not in r.description for r in may.records)


@pytest.mark.realdata
@pytest.mark.django_db
def test_importing_again_adds_nothing_and_adjustments_cancel(capsys):
    folder = shared_data("slmpd", "legacy", "2019")
    call_command("crime_import_legacy", str(folder))
    first = CrimeRecord.objects.count()
    call_command("crime_import_legacy", str(folder))
    out = capsys.readouterr().out
    assert f"0 new records imported, 0 changed, {first} unchanged, 0 withdrawn" in out
    assert CrimeRecord.objects.count() == first == 48901
    from django.db.models import Sum

    assert CrimeRecord.objects.aggregate(total=Sum("count"))["total"] == 47751
    assert CrimeRecord.objects.filter(count=-1).count() == 575
    located = CrimeRecord.objects.exclude(lat=None)
    assert 0.97 < located.count() / first < 0.98  # 2.6% have 0,0: not geocoded
    assert CrimeRecord.objects.filter(district_plan="2014", district__gt=6).count() == 0


def test_bad_rows_are_reported_with_their_line_and_reason():
    place = "100,MAIN ST,20, , ,,,890000,1020000"
    text = HEADER_20 + "\r\n".join(
        [
            f"19-1,2019-01,01/05/2019 10:00,Y, , ,1, , 31111,3,ROBBERY,{place}",
            f"19-2,2019-01,yesterday,Y, , ,1, ,31111,3,ROBBERY,{place}",
            f"19-3,2019-01,01/05/2019 10:00,Y, , ,2, ,31111,3,ROBBERY,{place}",
            f"19-4,2019-01,01/05/2019 10:00,Y, , ,1, ,ABC,3,ROBBERY,{place}",
            "19-5,2019-01,01/05/2019 10:00,Y, , ,1",
            "19-6,2019-01,1/5/2019 9:05,Y, , ,-1, ,010000,3,HOMICIDE,100,MAIN ST,20, , ,,,0,0",
        ]
    )
    parsed = read_legacy(text.encode("cp1252"))
    assert [r.complaint for r in parsed.records] == ["19-1", "19-6"]
    assert parsed.records[0].ucr_code == 31111 and parsed.records[0].ucr_class == 3
    assert parsed.records[1].count == -1 and parsed.records[1].x == 0
    reasons = {r.line: r.reason for r in parsed.rejected}
    assert set(reasons) == {3, 4, 5, 6}
    assert "date of occurrence" in reasons[3]
    assert "Count must be 1 or -1" in reasons[4]
    assert "Crime is not a number" in reasons[5]
    assert "7 fields" in reasons[6]


def test_both_date_formats_are_read():
    assert parse_occurred("01/01/2020 00:01") == parse_occurred("1/1/2020 0:01")
    with pytest.raises(ValueError, match="not understood"):
        parse_occurred("2020-13-45")


def test_a_file_without_the_needed_columns_is_refused_whole():
    parsed = read_legacy(b"a,b,c\r\n1,2,3\r\n")
    assert parsed.records == []
    assert parsed.rejected[0].line == 1 and "header lacks" in parsed.rejected[0].reason


@pytest.mark.realdata
@pytest.mark.django_db
def test_a_dry_run_counts_a_year_prints_each_file_and_changes_nothing(capsys):
    folder = shared_data("slmpd", "legacy", "2019")
    call_command("crime_import_legacy", str(folder), "--dry-run")
    out = capsys.readouterr().out
    assert "48901 new records would be imported" in out and "nothing was changed" in out
    assert "[1/12] " in out and "[12/12] " in out, "one line per file when not on a terminal"
    assert not CrimeRecord.objects.exists()
