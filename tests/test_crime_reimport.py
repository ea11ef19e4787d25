"""Re-importing a month SLMPD republished: records matched by complaint and offence, not line;
what changed kept with the file that changed it; new, changed, unchanged, withdrawn counted."""

import pytest
from django.core.management import call_command
from django.db.models import Sum

from safercity.core.actors import command_actor
from safercity.crime.legacy import read_legacy
from safercity.crime.models import CrimeImport, CrimeRecord, CrimeRecordChange
from safercity.crime.services import BY_CONTENT, legacy_import
from tests.conftest import shared_data

HEADER_20 = (
    "Complaint,CodedMonth,DateOccur,FlagCrime,FlagUnfounded,FlagAdministrative,Count,FlagCleanup,"
    "Crime,District,Description,ILEADSAddress,ILEADSStreet,Neighborhood,LocationName,"
    "LocationComment,CADAddress,CADStreet,XCoord,YCoord\r\n"
)
HEADER_18 = (
    "MonthReportedtoMSHP,DateOccured,NewCrimeIndicator,UnfoundedCrimeIndicator,"
    "AdministrativeAdjustmentIndicator,Count,Crime,District,Description,ILEADSAddress,"
    "ILEADSStreet,Neighborhood,LocationName,LocationComment,CADAddress,CADStreet,XCoord,YCoord\r\n"
)


def row(complaint, crime=31111, *, unfounded=" ", count=1, day=5, address="100", place=20):
    what = {31111: "ROBBERY-HIGHWAY", 10000: "HOMICIDE", 61111: "LARCENY"}[crime]
    return (
        f"{complaint},2019-01,01/{day:02}/2019 10:00,Y,{unfounded}, ,{count}, ,{crime},3,{what},"
        f"{address},MAIN ST,{place}, , ,,,890000,1020000"
    )


def month(*rows):
    return (HEADER_20 + "\r\n".join(rows) + "\r\n").encode()


def imported(data, name="january2019.csv"):
    [report] = legacy_import(actor=command_actor("t"), files=[(name, data)])
    return report


JANUARY = [
    row("19-1"),
    row("19-2", 10000),
    row("19-3", 61111),
    row("19-3", 61111, address="102"),  # two larcenies on one complaint
    row("19-4"),
]


@pytest.mark.django_db
def test_a_republished_month_updates_changed_records_and_counts_each_kind():
    first = imported(month(*JANUARY))
    assert first.created == 5 and CrimeRecord.objects.count() == 5
    republished = month(
        row("19-3", 61111, address="102"),  # the same two larcenies, in the other order
        row("19-3", 61111),
        row("19-1", unfounded="Y"),  # unfounded since
        row("19-2", 31111),  # reclassified: homicide to robbery
        row("19-5", day=30),  # reported late
    )  # and 19-4 is gone
    again = imported(republished, "january2019-corrected.csv")
    assert (again.created, again.changed, again.unchanged, again.withdrawn) == (2, 1, 2, 2)
    assert "2 new, 1 changed, 2 unchanged, 2 withdrawn" in again.summary()
    assert CrimeRecord.objects.count() == 5
    assert sorted(CrimeRecord.objects.values_list("complaint", "ucr_code")) == [
        ("19-1", 31111),
        ("19-2", 31111),
        ("19-3", 61111),
        ("19-3", 61111),
        ("19-5", 31111),
    ]
    assert CrimeRecord.objects.get(complaint="19-1").unfounded is True
    assert not CrimeRecord.objects.filter(ucr_class=1).exists(), "the homicide is withdrawn"

    batch = CrimeImport.objects.get(file_name="january2019-corrected.csv")
    assert (batch.created, batch.changed, batch.unchanged, batch.withdrawn) == (2, 1, 2, 2)
    changes = {(c.kind, c.complaint, c.ucr_code): c.fields for c in batch.changes.all()}
    assert changes[("changed", "19-1", 31111)] == {"unfounded": ["", "Y"]}
    assert changes[("withdrawn", "19-2", 10000)]["description"] == ["HOMICIDE", ""]
    assert ("withdrawn", "19-4", 31111) in changes
    assert ("new", "19-2", 31111) in changes and ("new", "19-5", 31111) in changes
    assert len(changes) == 5, "unchanged records leave no history"

    third = imported(republished, "january2019-corrected.csv")
    assert (third.created, third.changed, third.unchanged, third.withdrawn) == (0, 0, 5, 0)


@pytest.mark.django_db
def test_a_file_with_rejected_lines_withdraws_nothing():
    imported(month(*JANUARY))
    cut = month(row("19-1"), row("19-2", 10000), "19-3,2019-01,01/05/2019 10:00,Y")
    report = imported(cut)
    assert len(report.rejected) == 1
    assert (report.unchanged, report.withdrawn, report.kept) == (2, 0, 3)
    assert "3 stored records missing from the file kept" in report.summary()
    assert CrimeRecord.objects.count() == 5


@pytest.mark.django_db
def test_files_without_complaint_numbers_are_matched_by_content():
    def old(unfounded=" ", address="100"):
        return (
            f"2008-01,01/05/2008 10:00,Y,{unfounded}, ,1,31111,3,ROBBERY,{address},MAIN ST,20,"
            " , ,,,890000,1020000"
        )

    data = (HEADER_18 + "\r\n".join([old(), old(), old(address="7")]) + "\r\n").encode()
    assert imported(data, "january2008.csv").created == 3
    again = (HEADER_18 + "\r\n".join([old(address="7"), old(), old("Y")]) + "\r\n").encode()
    report = imported(again, "january2008.csv")
    assert report.matched_by == BY_CONTENT
    assert (report.created, report.changed, report.unchanged, report.withdrawn) == (1, 0, 2, 1)
    assert CrimeRecord.objects.filter(unfounded=True).count() == 1
    assert CrimeRecord.objects.count() == 3


@pytest.mark.django_db
def test_the_command_reports_a_republished_file_and_a_dry_run_keeps_the_old_one(tmp_path, capsys):
    path = tmp_path / "january2019.csv"
    path.write_bytes(month(*JANUARY))
    call_command("crime_import_legacy", str(path))
    path.write_bytes(month(*JANUARY[:4], row("19-4", unfounded="Y")))
    capsys.readouterr()
    call_command("crime_import_legacy", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "0 new records would be imported, 1 would be changed, 4 unchanged" in out
    assert not CrimeRecord.objects.filter(unfounded=True).exists()
    assert not CrimeRecordChange.objects.exists()
    call_command("crime_import_legacy", str(path))
    assert "january2019.csv: 0 new, 1 changed, 4 unchanged, 0 withdrawn" in capsys.readouterr().out
    assert CrimeRecord.objects.filter(unfounded=True).count() == 1


@pytest.mark.realdata
@pytest.mark.django_db
def test_a_real_month_republished_with_corrections_is_revised_not_skipped():
    path = shared_data("slmpd", "legacy", "2019", "january2019.csv")
    data = path.read_bytes()
    first = imported(data)
    total = CrimeRecord.objects.aggregate(total=Sum("count"))["total"]
    lines = data.decode("utf-8", errors="replace").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    columns = header.lower().split(",")
    unfounded = columns.index("flagunfounded")
    # As SLMPD would republish it: every tenth record unfounded since, the last 40 gone.
    revised = []
    for number, line in enumerate(body[:-40]):
        cells = line.split(",")
        if number % 10 == 0 and cells[unfounded].strip() != "Y" and '"' not in line:
            cells[unfounded] = "Y"
        revised.append(",".join(cells))
    report = imported((header + "".join(revised)).encode(), "january2019-republished.csv")
    assert report.rejected == []
    expected_changes = sum(
        1
        for a, b in zip(body[:-40], revised, strict=True)
        if a.split(",")[unfounded] != b.split(",")[unfounded]
    )
    assert report.changed == expected_changes > 300
    assert report.withdrawn == 40 and report.created == 0
    assert report.unchanged == len(first_records(data)) - 40 - expected_changes
    assert CrimeRecord.objects.count() == first.created - 40
    gone = sum(r.count for r in first_records(data)[-40:])
    assert CrimeRecord.objects.aggregate(total=Sum("count"))["total"] == total - gone


def first_records(data):
    return read_legacy(data).records


@pytest.mark.django_db
def test_an_analyst_sees_what_each_file_changed_and_finds_a_complaint(client):
    from safercity.core.roles import Role
    from tests.conftest import make_user

    imported(month(*JANUARY))
    imported(month(row("19-1", unfounded="Y"), *JANUARY[1:4]), "january2019-v2.csv")
    client.force_login(make_user("inspector", Role.INSPECTOR))
    assert client.get("/staff/crime/imports/").status_code == 403
    client.force_login(make_user("ana", Role.ANALYST))
    assert "Crime imports" in client.get("/staff/").content.decode()
    page = client.get("/staff/crime/imports/").content.decode()
    assert "january2019-v2.csv" in page and "january2019.csv" in page
    batch = CrimeImport.objects.get(file_name="january2019-v2.csv")
    detail = client.get(f"/staff/crime/imports/{batch.pk}/").content.decode()
    assert "<strong>0</strong> new, <strong>1</strong> changed" in detail
    assert "<strong>unfounded</strong>: (blank) → Y" in detail
    assert "19-4" in detail and "Withdrawn" in detail
    only = client.get(f"/staff/crime/imports/{batch.pk}/?kind=changed").content.decode()
    assert "19-4" not in only and "19-1" in only
    found = client.get("/staff/crime/imports/?complaint=19-4").content.decode()
    assert "january2019-v2.csv" in found and "Withdrawn" in found
    assert client.get(f"/staff/crime/imports/{batch.pk}/?kind=<x>&page=zz").status_code == 200
    assert client.get("/staff/crime/imports/99999/").status_code == 404


def test_several_files_are_prepared_in_a_second_process_in_order_and_alike():
    from safercity.crime.prepare import prepare, prepared_files

    files = [(f"m{n}.csv", month(*JANUARY[:n])) for n in (1, 2, 3, 4, 5)]
    hoods = {20: 7}
    out = list(prepared_files(iter(files), hoods, "America/Chicago"))
    assert [name for name, _ in out] == [name for name, _ in files]
    for (_, data), (_, prepared) in zip(files, out, strict=True):
        assert prepared.rows == prepare(data, hoods, "America/Chicago").rows
    assert out[0][1].rows[0].derived[4] == 7, "the neighborhood's stored id travels with it"


def test_when_the_second_process_cannot_start_files_are_prepared_here(monkeypatch):
    from concurrent.futures import ProcessPoolExecutor

    from safercity.crime.prepare import prepared_files

    def refuse(*args, **kwargs):
        raise RuntimeError("no processes here")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse)
    files = [("a.csv", month(*JANUARY[:2])), ("b.csv", month(*JANUARY))]
    out = list(prepared_files(files, {}, "America/Chicago"))
    assert [len(p.rows) for _, p in out] == [2, 5]


@pytest.mark.django_db
def test_a_corrected_date_of_occurrence_is_stored_as_the_new_time():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    imported(month(*JANUARY))
    again = imported(month(row("19-1", day=9), *JANUARY[1:]))
    assert (again.changed, again.unchanged) == (1, 4)
    stored = CrimeRecord.objects.get(complaint="19-1")
    assert stored.occurred_at == datetime(2019, 1, 9, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    [change] = CrimeRecordChange.objects.filter(kind="changed")
    assert list(change.fields) == ["occurred_at"]
