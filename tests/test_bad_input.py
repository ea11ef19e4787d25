"""Inputs an attacker or a careless client sends: each gets a clear error in the API's own
format (or a 404 page), never a 500, on both databases; nothing is stored from them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safercity.core.actors import command_actor
from safercity.emergency.models import Call, CallEvent
from safercity.service311.models import ServiceRequest
from safercity.service311.services import api_key_create
from tests.factories import ServiceFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db
LIST = "/open311/v2/requests.json"


@pytest.mark.parametrize(
    "params",
    [
        {"page": "10000000000000000000"},
        {"page": "0"},
        {"page_size": "99999999999999999999"},
        {"start_date": "9999-12-31"},
        {"end_date": "0001-01-01"},
        {"start_date": "0001-01-01T00:00:00Z"},
        {"updated_after": "9999-12-31T23:59:59-12:00"},
        {"updated_before": "0001-01-01T00:00:00+14:00"},
        {"start_date": "2026-13-45"},
    ],
)
def test_out_of_range_list_parameters_are_a_400_in_open311s_error_format(client, params):
    answer = client.get(LIST, params)
    assert answer.status_code == 400, answer.content
    [error] = answer.json()
    assert error["code"] == 400 and error["description"]


@pytest.mark.parametrize("ident", ["²", "٣", "1²", "9" * 40, "-1", "1e3"])
def test_ids_that_are_not_plain_digits_are_simply_not_found(client, ident):
    ServiceRequestFactory()
    assert client.get(LIST, {"service_request_id": ident}).json() == []
    single = client.get(f"/open311/v2/requests/{ident}.json")
    assert single.status_code == 404 and single.json()[0]["code"] == 404
    assert client.get("/311/find/", {"reference": ident}).status_code == 404


@pytest.fixture
def key():
    ServiceFactory(service_code="STREETLIGHT")
    return api_key_create(actor=command_actor("tests"), name="client")


def _post(client, key, **fields):
    base = {"api_key": key, "service_code": "STREETLIGHT", "lat": "38.6", "long": "-90.2"}
    return client.post("/open311/v2/requests.json", {**base, **fields})


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"lat": "NaN"}, "lat"),
        ({"long": "inf"}, "long"),
        ({"lat": "1e400"}, "lat"),
        ({"description": "bad \x00 byte"}, "control characters"),
        ({"description": "bell \x07"}, "control characters"),
        ({"description": "x" * 4001}, "longer than 4000"),
        ({"first_name": "n" * 101}, "longer than 100"),
        ({"email": "a@b.c\r\nBcc: x@y.z"}, "one line"),
        ({"phone": "\ufffe"}, "control characters"),
        ({"address_id": "²"}, "address_id"),
    ],
)
def test_bad_request_fields_are_refused_with_the_field_named_and_nothing_stored(
    client, key, fields, words
):
    answer = _post(client, key, **fields)
    assert answer.status_code == 400, answer.content
    assert words in answer.json()[0]["description"]
    assert not ServiceRequest.objects.exists()


def test_text_xml_cannot_hold_is_refused_and_old_rows_are_written_without_it(client, key):
    assert _post(client, key, description="line one\nline two\ttabbed").status_code == 201
    ServiceRequestFactory(description="stored before the check \x0b\x1b[31m")
    body = client.get("/open311/v2/requests.xml").content
    found = ET.fromstring(body)  # parses: the feed stays readable for every client
    texts = [e.text for e in found.iter("description")]
    assert "line one\nline two\ttabbed" in texts
    assert "stored before the check [31m" in texts


CTI = {"HTTP_X_CTI_KEY": "k" * 32, "content_type": "application/json"}


@pytest.fixture
def cti(settings):
    settings.SAFERCITY_CTI_KEY = "k" * 32


def _event(**changes):
    event = {
        "event_id": "e1",
        "call_id": "c1",
        "kind": "offered",
        "at": timezone.now().isoformat(),
        "ani": "3145550100",
    }
    return {**event, **changes}


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"ani": "3" * 33}, "ani is longer than 32"),
        ({"event_id": "e" * 65}, "event_id is longer than 64"),
        ({"call_id": "c" * 65}, "call_id is longer than 64"),
        ({"lat": float("nan")}, "lat"),
        ({"at": (timezone.now() + timedelta(hours=2)).isoformat()}, "in the future"),
        ({"at": "9999-12-31T23:59:59-12:00"}, "at"),
        ({"at": "2026-07-10T18:00:00"}, "time zone"),
        ({"ali": "nul\x00"}, "control characters"),
    ],
)
def test_unusable_phone_system_events_are_a_400_with_the_reason(client, cti, changes, words):
    body = json.dumps(_event(**changes), allow_nan=True)
    answer = client.post("/api/911/events", body, **CTI)
    assert answer.status_code == 400, answer.content
    assert words in answer.json()["detail"]
    assert not CallEvent.objects.exists() and not Call.objects.exists()


def test_a_lone_surrogate_in_an_event_is_a_400_not_a_500(client, cti):
    body = json.dumps(_event()).replace('"3145550100"', '"\\ud800"')
    answer = client.post("/api/911/events", body, **CTI)
    assert answer.status_code == 400 and "ani" in answer.json()["detail"]
    broken = client.post("/api/911/events", b'{"event_id": "\xff', **CTI)
    assert broken.status_code == 400 and "detail" in broken.json()


def test_a_call_dated_in_the_future_does_not_take_the_scorecard_down(client):
    from safercity.emergency.measures import figures

    now = timezone.now()
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0)
    for n in range(12):  # enough calls this month to publish
        arrived = month_start + (now - month_start) * (n + 1) / 13
        Call.objects.create(call_id=f"c{n}", arrived_at=arrived, answered_at=arrived)
    future = now + timedelta(days=40)
    Call.objects.create(call_id="wrong-clock", arrived_at=future, answered_at=future)
    [within_15, _] = figures()
    assert within_15.value == "100.0%", "this month's calls only"
    page = client.get("/")
    assert page.status_code == 200 and "911 calls answered within 15 s" in page.content.decode()


def test_an_oversized_event_is_answered_in_the_events_apis_format(client, cti):
    body = json.dumps(_event(ali="x" * 3_000_000))
    answer = client.post("/api/911/events", body, **CTI)
    assert answer.status_code == 413 and "detail" in answer.json()


def test_an_oversized_report_is_answered_in_open311s_format(client, key):
    answer = _post(client, key, description="x" * 3_000_000)
    assert answer.status_code == 413
    [error] = answer.json()
    assert error["code"] == 413 and "too large" in error["description"]


# Anything a database column holds: every character but NUL (which PostgreSQL cannot store)
# and lone surrogates (which no UTF-8 database can).
STORABLE = st.characters(exclude_characters="\x00", exclude_categories=("Cs",))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(STORABLE, max_size=200), notes=st.text(STORABLE, max_size=50))
def test_the_xml_feed_parses_whatever_text_was_stored(client, text, notes):
    from safercity.core.inputs import xml_safe

    ServiceRequest.objects.all().delete()
    stored = ServiceRequestFactory(description=text, status_notes=notes)
    body = client.get("/open311/v2/requests.xml", {"extensions": "true"}).content
    [item] = ET.fromstring(body).iter("request")
    assert item.findtext("service_request_id") == str(stored.pk)
    written = item.findtext("description") or ""
    # What XML can hold is all there, line ends as every XML parser reads them.
    assert written == xml_safe(text).replace("\r\n", "\n").replace("\r", "\n")
