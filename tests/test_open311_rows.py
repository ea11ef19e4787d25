"""The request list is written from plain rows: every field a client reads, in every form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from safercity.service311.models import RequestNote
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
