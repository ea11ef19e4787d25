"""The request list is written from plain rows: every field a client reads, in every form."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from safercity.service311.models import Department, RequestNote, Service, ServiceRequest
from tests.factories import ServiceFactory, ServiceRequestFactory

pytestmark = pytest.mark.django_db


def test_a_listed_request_has_the_specs_fields_in_the_city_s_time(client):
    service = ServiceFactory(service_code="Injured Animal", service_name="Injured animal")
    when = timezone.now().replace(microsecond=0) - timedelta(hours=5)
    ServiceRequestFactory(service=service, requested_datetime=when, address_string="1200 Market")
    [item] = client.get("/open311/v2/requests.json").json()
    assert list(item) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code",
        "description", "agency_responsible", "service_notice", "requested_datetime",
        "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat",
        "long", "media_url", "extended_attributes",
    ]  # fmt: skip
    assert item["service_code"] == "Injured Animal" and item["address"] == "1200 Market"
    assert item["agency_responsible"] == service.department.name
    local = timezone.localtime(when).isoformat(timespec="seconds")
    assert item["requested_datetime"] == local and item["requested_datetime"][-6:] in {
        "-05:00",
        "-06:00",
    }
    assert item["extended_attributes"] is None


def test_extensions_show_duplicates_parent_and_only_public_notes(client):
    parent = ServiceRequestFactory()
    child = ServiceRequestFactory(service=parent.service, parent=parent)
    RequestNote.objects.create(request=parent, at=timezone.now(), author="omar", text="On it")
    RequestNote.objects.create(
        request=parent, at=timezone.now(), author="omar", text="caller is rude", public=False
    )
    found = client.get("/open311/v2/requests.json", {"extensions": "true"}).json()
    by_id = {item["service_request_id"]: item for item in found}
    extra = by_id[str(parent.pk)]["extended_attributes"]
    assert extra["duplicates"] == [str(child.pk)]
    assert [note["text"] for note in extra["notes"]] == ["On it"]
    assert by_id[str(child.pk)]["extended_attributes"]["parent_service_request_id"] == str(
        parent.pk
    )


def test_the_xml_list_carries_the_same_rows(client):
    ServiceRequestFactory(description="Pothole & <big>")
    body = client.get("/open311/v2/requests.xml").content.decode()
    assert "<service_requests><request><service_request_id>" in body
    assert "Pothole &amp; &lt;big&gt;" in body


def _listed(client, **params):
    return {
        item["service_request_id"]: item
        for item in client.get("/open311/v2/requests.json", params).json()
    }


def test_a_repeated_list_is_answered_again_only_while_nothing_it_shows_has_changed(client):
    """The list is kept between identical requests; any write to what it shows, by any path
    (here plain ORM updates that no service function sees), is in the very next answer."""
    first = ServiceRequestFactory(description="first")
    assert _listed(client) == _listed(client)
    ServiceRequest.objects.filter(pk=first.pk).update(description="changed")
    assert _listed(client)[str(first.pk)]["description"] == "changed"
    Service.objects.filter(pk=first.service_id).update(service_name="Renamed")
    assert _listed(client)[str(first.pk)]["service_name"] == "Renamed"
    Department.objects.filter(pk=first.service.department_id).update(name="New agency")
    assert _listed(client)[str(first.pk)]["agency_responsible"] == "New agency"
    RequestNote.objects.create(request=first, at=timezone.now(), author="omar", text="Fixed")
    notes = _listed(client, extensions="true")[str(first.pk)]["extended_attributes"]["notes"]
    assert [note["text"] for note in notes] == ["Fixed"]
    second = ServiceRequestFactory(service=first.service)
    assert set(_listed(client)) == {str(first.pk), str(second.pk)}
    ServiceRequest.objects.filter(pk=second.pk).delete()
    assert set(_listed(client)) == {str(first.pk)}


def test_a_list_read_inside_a_write_that_was_rolled_back_is_never_served(client):
    kept = ServiceRequestFactory(description="kept")
    try:
        with transaction.atomic():
            ServiceRequestFactory(service=kept.service, description="rolled back")
            assert len(_listed(client)) == 2
            raise RuntimeError("undo")
    except RuntimeError:
        pass
    assert set(_listed(client)) == {str(kept.pk)}
    # Another write now: the feed changes again and must not meet the undone answer.
    again = ServiceRequestFactory(service=kept.service, description="again")
    assert [item["description"] for item in _listed(client).values()].count("rolled back") == 0
    assert set(_listed(client)) == {str(kept.pk), str(again.pk)}


def test_the_kept_answer_depends_on_the_host_the_format_and_every_parameter(client):
    ServiceRequestFactory(media_url="")
    json_body = client.get("/open311/v2/requests.json").content
    xml_body = client.get("/open311/v2/requests.xml").content
    assert json_body.startswith(b"[") and xml_body.startswith(b"<?xml")
    assert client.get("/open311/v2/requests.json", {"status": "closed"}).json() == []
    assert len(client.get("/open311/v2/requests.json", {"status": "open"}).json()) == 1


ODD_CODES = ["Injured/Sick Animal", "Trash.Missed", "Who? #1 & 50%", "Ñandú/Ave", "a//b"]


@pytest.mark.parametrize("code", ODD_CODES)
def test_a_service_code_of_any_spelling_works_in_the_api_and_on_the_residents_pages(client, code):
    from urllib.parse import quote

    service = ServiceFactory(service_code=code, service_name=f"Service {code}")
    for encoded in (quote(code, safe="/"), quote(code, safe="")):
        answer = client.get(f"/open311/v2/services/{encoded}.json")
        assert answer.status_code == 200, encoded
        assert answer.json()["service_code"] == code
        assert client.get(f"/open311/v2/services/{encoded}.xml").status_code == 200
    assert client.get(f"/open311/v2/services/{quote(code)}x.json").status_code == 404
    start = client.get("/311/")
    assert start.status_code == 200
    [link] = re.findall(r'href="(/311/report/[^"]+)"', start.content.decode())
    page = client.get(html.unescape(link))
    assert page.status_code == 200 and html.escape(service.service_name) in page.content.decode()
