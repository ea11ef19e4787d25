"""The CSB importer on the city's real export (../shared/data/csb311)."""

import csv
import io

import pytest
from django.core.management import call_command

from safercity.core.actors import command_actor
from safercity.core.textfiles import read_text_any
from safercity.service311.importers import department_of, import_csb, moment, read_categories
from safercity.service311.models import Department, Service, ServiceRequest
from tests.conftest import shared_data

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]


@pytest.fixture
def january():
    return read_text_any(shared_data("csb311", "stlcsb_january_2018.csv"))


@pytest.fixture
def categories():
    return read_categories(shared_data("csb311", "problemcode_categories"))


def test_the_catalog_has_every_problem_code_with_its_division_group_and_deadline(
    january, categories
):
    import_csb(actor=command_actor("t"), data=january, categories=categories, with_requests=False)
    assert Service.objects.count() == 156
    assert Department.objects.count() == 26  # 27 spellings of SUBMITTO, two of the same division
    streetlight = Service.objects.get(service_code="Single Light Out")
    assert streetlight.service_name == "Single street light out"
    assert streetlight.department.name == "Traffic Division"
    assert streetlight.group == categories["Single Light Out"]
    assert Service.objects.exclude(group="other").count() > 130
    rows = list(csv.DictReader(io.StringIO(january)))
    opened = [r for r in rows if r["problemcode"] == "WTR-COMING-UP"]
    assert Service.objects.get(service_code="WTR-COMING-UP").sla_days >= 1 and opened


def test_requests_are_imported_with_their_real_times_status_and_place(january, categories):
    report = import_csb(actor=command_actor("t"), data=january, categories=categories)
    assert report.created == 1520
    assert len(report.rejected) == 34
    reasons = [r.reason for r in report.rejected]
    assert sum("repeats line" in r for r in reasons) == 12
    assert sum("has the request id of line" in r for r in reasons) == 10
    assert sum("no location" in r for r in reasons) == 12
    first = ServiceRequest.objects.get(external_id="1049265")
    assert first.requested_datetime.isoformat() == "2018-01-01T06:48:30+00:00"  # 00:48 in St. Louis
    assert first.status == "closed"
    assert first.closed_datetime.isoformat().startswith("2018-01-05T22:22:21")
    assert 38.5 < first.lat < 38.8 and -90.35 < first.long < -90.15
    assert ServiceRequest.objects.filter(status_notes="Cancelled", status="closed").count() > 30
    assert ServiceRequest.objects.filter(
        status="open", status_notes="Dispatched to a crew"
    ).exists()


def test_importing_again_changes_nothing(january):
    import_csb(actor=command_actor("t"), data=january)
    again = import_csb(actor=command_actor("t"), data=january)
    assert (again.created, again.unchanged) == (0, 1520)
    assert ServiceRequest.objects.count() == 1520


def test_csb_neighborhoods_agree_with_ours_on_the_real_boundaries(january):
    path = shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp")
    call_command("geo_import", "neighborhoods", str(path))
    report = import_csb(actor=command_actor("t"), data=january)
    outside = [r for r in report.rejected if "outside the city" in r.reason]
    assert len(outside) < 5
    recorded = {r["requestid"]: r["neighborhood"] for r in csv.DictReader(io.StringIO(january))}
    placed = ServiceRequest.objects.exclude(neighborhood=None).select_related("neighborhood")
    agree = sum(str(r.neighborhood.number) == recorded[r.external_id] for r in placed)
    assert placed.count() > 1400
    # 94% agree, as for SLMPD's crime records: the rest sit on boundary streets.
    assert agree / placed.count() > 0.93


def test_the_upper_case_schema_reads_too():
    text = read_text_any(shared_data("csb311", "testdata_raw_uppercase_schema.csv"))
    report = import_csb(actor=command_actor("t"), data=text)
    assert report.created >= 2
    assert report.rejected == []


def test_the_command_reports_rejected_rows(capsys):
    path = shared_data("csb311", "stlcsb_january_2018.csv")
    call_command("csb_import", str(path))
    out, err = capsys.readouterr()
    assert "1520 imported" in out
    assert err.count("rejected line") == 34


def test_divisions_and_times_are_cleaned():
    assert department_of("TRAFFIC DIVISION, 511") == ("traffic-division", "Traffic Division")
    assert department_of("Sunshine Law Coordinator,") == (
        "sunshine-law-coordinator",
        "Sunshine Law Coordinator",
    )
    from zoneinfo import ZoneInfo

    parsed = moment("2018-01-05 16:22:21.287", ZoneInfo("America/Chicago"))
    assert parsed.microsecond == 287000 and parsed.utcoffset().total_seconds() == -6 * 3600
    with pytest.raises(ValueError, match="not a date"):
        moment("soon", ZoneInfo("America/Chicago"))


def test_a_second_import_says_unchanged_for_the_catalog_too(january, categories):
    import_csb(actor=command_actor("t"), data=january, categories=categories)
    again = import_csb(actor=command_actor("t"), data=january, categories=categories)
    assert again.catalog["services_created"] == again.catalog["services_updated"] == 0
    assert again.catalog["services_unchanged"] == 156


def test_without_categories_services_keep_their_groups(january, categories):
    import_csb(actor=command_actor("t"), data=january, categories=categories, with_requests=False)
    grouped = dict(Service.objects.values_list("service_code", "group"))
    import_csb(actor=command_actor("t"), data=january, with_requests=False)
    assert dict(Service.objects.values_list("service_code", "group")) == grouped


def test_the_file_is_one_audit_entry_not_one_per_row(january):
    from safercity.core.models import AuditEntry

    import_csb(actor=command_actor("t"), data=january)
    assert AuditEntry.objects.filter(action="service311.requests.import").count() == 1
    assert AuditEntry.objects.filter(action="service311.request.create").count() == 0


def test_a_dry_run_counts_everything_and_changes_nothing(january, capsys):
    from safercity.core.models import AuditEntry

    path = shared_data("csb311", "stlcsb_january_2018.csv")
    call_command("csb_import", str(path), "--dry-run")
    out, _ = capsys.readouterr()
    assert "1520 would be imported" in out and "nothing was changed" in out
    assert not Service.objects.exists() and not ServiceRequest.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_newer_export_closes_what_was_open(january):
    import_csb(actor=command_actor("t"), data=january)
    open_one = ServiceRequest.objects.filter(status="open").first()
    rows = list(csv.DictReader(io.StringIO(january)))
    fields = list(rows[0])
    for row in rows:
        if row["requestid"] == open_one.external_id:
            row["status"], row["datetimeclosed"] = "CLOSED", "2018-02-01 10:00:00.000"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    report = import_csb(actor=command_actor("t"), data=out.getvalue())
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1519)
    open_one.refresh_from_db()
    assert open_one.status == "closed" and open_one.closed_datetime.month == 2


def test_after_the_real_export_the_residents_start_page_and_every_service_answer(
    client, january, categories
):
    """Real codes hold "/" ("Injured/Sick Animal"): /311/ and each service's page work."""
    import html
    import re
    from urllib.parse import quote

    import_csb(actor=command_actor("t"), data=january, categories=categories)
    start = client.get("/311/")
    assert start.status_code == 200
    links = re.findall(r'href="(/311/report/[^"]+)"', start.content.decode())
    assert any("/" in s.service_code for s in Service.objects.all()) and links
    for code in Service.objects.values_list("service_code", flat=True):
        assert client.get(f"/open311/v2/services/{quote(code, safe='')}.json").status_code == 200
    for link in links[:40]:
        assert client.get(html.unescape(link)).status_code == 200, link
