"""CSB data quality (issue 14): impossible timelines refused, statuses that contradict the
dates corrected and said, coordinates outside the city not turned into a point somewhere else,
and a repeated request id that differs names the columns."""

from __future__ import annotations

import pytest

from safercity.core.actors import command_actor
from safercity.service311.importers import import_csb
from safercity.service311.models import ServiceRequest

pytestmark = pytest.mark.django_db
HEADER = (
    "requestid,datetimeinit,probaddress,problemcode,description,submitto,status,"
    "datetimeclosed,srx,sry,prjcompletedate,datecancelled"
)


def row(rid, opened="2018-01-01 08:00:00", address="1200 MARKET ST", status="CLOSED",
        closed="2018-01-05 16:22:21", srx="896220", sry="1017880"):  # fmt: skip
    return (
        f'{rid},{opened},{address},Single Light Out,Dark,"TRAFFIC DIVISION, 511",{status},'
        f"{closed},{srx},{sry},,"
    )


def run(*rows):
    data = "\n".join([HEADER, *rows]) + "\n"
    return import_csb(actor=command_actor("t"), data=data.encode())


def test_a_request_closed_before_it_was_opened_is_refused_with_how_far():
    report = run(row(1), row(2, opened="2018-03-01 08:00:00", closed="2017-02-01 08:00:00"))
    [refused] = report.rejected
    assert refused.line == 3 and "before it was opened" in refused.reason
    assert "393.0 days earlier" in refused.reason
    assert ServiceRequest.objects.count() == 1


def test_an_open_status_with_a_close_date_is_imported_closed_and_said():
    report = run(row(3, status="DISPATCHED"))
    stored = ServiceRequest.objects.get(external_id="3")
    assert stored.status == ServiceRequest.Status.CLOSED
    assert (
        "status DISPATCHED but closed on 2018-01-05: imported as closed" in report.noted[0].reason
    )


def test_a_zip_code_in_the_coordinates_is_not_a_point_in_another_state():
    report = run(row(4, srx="63110", sry="63110"), row(5, srx="63110", sry="63104", address=""))
    stored = ServiceRequest.objects.get(external_id="4")
    assert stored.lat is None and stored.address_string == "1200 MARKET ST"
    assert "fall outside the city: kept with its address only" in report.noted[0].reason
    assert "outside the city, and there is no address" in report.rejected[0].reason


def test_a_repeated_request_id_names_the_columns_that_differ():
    report = run(row(6), row(6, status="DISPATCHED", closed=""))
    assert "has the request id of line 2 but other DATETIMECLOSED, STATUS" in (
        report.rejected[0].reason
    )


def export(year, target_days, division):
    def line(rid, month):
        opened = f"{year}-{month:02}-01 08:00:00"
        target = f"{year}-{month:02}-{1 + target_days:02} 08:00:00"
        return (
            f'{rid},{opened},1200 MARKET ST,Single Light Out,Dark,"{division}, 511",OPEN,,'
            f"896220,1017880,{target},"
        )

    rows = [line(f"{year}{m}", m) for m in (3, 4, 5)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@pytest.mark.parametrize("order", ["newer first", "older first"])
def test_an_older_export_keeps_its_own_terms_and_does_not_change_todays(order):
    from datetime import date, timedelta

    from django.utils.timezone import localtime

    from safercity.service311.models import Service

    old, new = export(2018, 3, "STREET DIVISION"), export(2024, 10, "TRAFFIC DIVISION")
    files = [new, old] if order == "newer first" else [old, new]
    reports = [import_csb(actor=command_actor("t"), data=data) for data in files]
    service = Service.objects.get(service_code="Single Light Out")
    assert (service.sla_days, service.department.name) == (10, "Traffic Division")
    terms = list(service.terms.values_list("effective_from", "sla_days", "department__name"))
    assert terms == [
        (date(2018, 3, 1), 3, "Street Division"),
        (date(2024, 3, 1), 10, "Traffic Division"),
    ]
    if order == "newer first":
        assert reports[1].catalog["older_terms"] == 1
        assert reports[1].catalog["services_updated"] == 0
    for request in ServiceRequest.objects.all():
        expected = 3 if request.requested_datetime.year == 2018 else 10
        due = localtime(request.expected_datetime).date()
        assert due - localtime(request.requested_datetime).date() == timedelta(days=expected)


def test_importing_the_same_export_again_records_no_new_terms():
    data = export(2024, 10, "TRAFFIC DIVISION")
    import_csb(actor=command_actor("t"), data=data)
    again = import_csb(actor=command_actor("t"), data=data)
    assert again.catalog["terms_recorded"] == 0 and again.catalog["services_unchanged"] == 1


def test_staff_see_todays_terms_and_the_history_on_the_catalog_page(client):
    from safercity.core.roles import Role
    from tests.conftest import make_user

    import_csb(actor=command_actor("t"), data=export(2024, 10, "TRAFFIC DIVISION"))
    import_csb(actor=command_actor("t"), data=export(2018, 3, "STREET DIVISION"))
    client.force_login(make_user("rhea", Role.AGENT_311))
    assert "Service catalog" in client.get("/staff/").content.decode()
    page = client.get("/staff/311/catalog/").content.decode()
    row = page[page.index("Single Light Out") :]
    row = row[: row.index("</tr>")]
    assert "<td>Traffic Division</td><td>10 days</td>" in row
    assert "from 2024-03-01: 10 days, Traffic Division" in row
    assert "from 2018-03-01: 3 days, Street Division" in row
    client.force_login(make_user("ivan", Role.INSPECTOR))
    assert client.get("/staff/311/catalog/").status_code == 403
