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
