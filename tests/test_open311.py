"""Open311 GeoReport v2 conformance, written from the specification
(http://wiki.open311.org/GeoReport_v2): formats, documents, errors and parameters."""

import re
import threading
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.models import Address, Neighborhood
from safercity.demo.services import demo_load
from safercity.service311.models import ServiceRequest
from safercity.service311.services import api_key_create, request_review_media
from tests.images import png

pytestmark = pytest.mark.django_db
BASE = "/open311/v2"
W3C = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def city(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(actor=command_actor("tests"), scale=0.002, with_staff=False)


@pytest.fixture
def key(city):
    return api_key_create(actor=command_actor("tests"), name="test client")


@pytest.fixture
def inside(city):
    """A point inside a residential neighborhood of the demo city."""
    address = Address.objects.exclude(neighborhood=None).first()
    return {"lat": address.lat, "long": address.lon}


def post(client, key, fmt="json", **fields):
    return client.post(f"{BASE}/requests.{fmt}", {"api_key": key, **fields})


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def test_discovery_lists_this_endpoint_in_both_formats(client, city):
    data = client.get(f"{BASE}/discovery.json").json()
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]


def test_the_service_list_has_the_spec_fields(client, city):
    services = client.get(f"{BASE}/services.json").json()
    assert len(services) == 12
    for service in services:
        assert set(service) == {
            "service_code",
            "service_name",
            "description",
            "metadata",
            "type",
            "keywords",
            "group",
        }
    pothole = next(s for s in services if s["service_code"] == "POTHOLE")
    assert pothole["metadata"] is True and pothole["type"] == "realtime"
    assert next(s for s in services if s["service_code"] == "STREETLIGHT")["metadata"] is False
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    assert len(root.findall("service")) == 12
    assert root.find("service/metadata").text in {"true", "false"}


def test_service_definitions_carry_every_datatype(client, city):
    datatypes = set()
    for code in ("POTHOLE", "MISSED-TRASH", "DUMPING", "VACANT-OPEN"):
        definition = client.get(f"{BASE}/services/{code}.json").json()
        assert definition["service_code"] == code
        for attribute in definition["attributes"]:
            assert set(attribute) == {
                "variable",
                "code",
                "datatype",
                "required",
                "datatype_description",
                "order",
                "description",
                "values",
            }
            datatypes.add(attribute["datatype"])
    assert datatypes == {
        "string",
        "number",
        "datetime",
        "text",
        "singlevaluelist",
        "multivaluelist",
    }
    root = xml(client.get(f"{BASE}/services/POTHOLE.xml"))
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert first.find("code").text == "SIZE"
    assert [v.find("key").text for v in first.findall("values/value")] == [
        "small",
        "medium",
        "large",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_404_in_the_spec_error_format(client, city, fmt):
    response = client.get(f"{BASE}/services/NOPE.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json() == [{"code": 404, "description": "service_code NOPE not found"}]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert root.find("error/code").text == "404"


def test_a_request_is_created_and_acknowledged_with_its_id_and_notice(client, key, inside):
    response = post(
        client,
        key,
        service_code="POTHOLE",
        description="Deep hole by the curb",
        email="resident@example.org",
        **{"attribute[SIZE]": "large"},
        **inside,
    )
    assert response.status_code == 201
    [created] = response.json()
    stored = ServiceRequest.objects.get(pk=created["service_request_id"])
    assert created["service_notice"].startswith("Crews fill")
    assert created["account_id"] is None
    assert stored.attributes == {"SIZE": "large"}
    assert stored.neighborhood is not None
    assert stored.expected_datetime - stored.requested_datetime == timedelta(days=5)
    root = xml(post(client, key, "xml", service_code="STREETLIGHT", **inside))
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text.isdigit()


def test_a_multivaluelist_takes_several_values(client, key, inside):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": key,
            "service_code": "MISSED-TRASH",
            "attribute[CART][]": ["trash", "yard"],
            **inside,
        },
    )
    assert response.status_code == 201
    assert ServiceRequest.objects.get().attributes == {"CART": ["trash", "yard"]}


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"service_code": "POTHOLE", "attribute[SIZE]": "small"}, 400, "location is required"),
        ({"service_code": "NOPE"}, 404, "NOPE not found"),
        ({}, 400, "service_code is required"),
        ({"service_code": "POTHOLE", "lat": "38.6"}, 400, "lat and long go together"),
        ({"service_code": "POTHOLE", "lat": "95", "long": "-90.2"}, 400, "from -90 to 90"),
        ({"service_code": "POTHOLE", "lat": "nan", "long": "-90.2"}, 400, "lat"),
        (
            {
                "service_code": "POTHOLE",
                "lat": "41.88",
                "long": "-87.63",
                "attribute[SIZE]": "small",
            },
            400,
            "outside the city",
        ),
        ({"service_code": "POTHOLE", "address_id": "999999999"}, 400, "not a known address"),
        (
            {"service_code": "POTHOLE", "address_string": "1 Main St"},
            400,
            "attribute[SIZE] is required",
        ),
        (
            {"service_code": "POTHOLE", "address_string": "1 Main St", "attribute[SIZE]": "huge"},
            400,
            "no value huge",
        ),
        (
            {"service_code": "DUMPING", "address_string": "1 Main St", "attribute[ITEMS]": "many"},
            400,
            "must be a number",
        ),
        (
            {
                "service_code": "DUMPING",
                "address_string": "1 Main St",
                "attribute[SEEN]": "yesterday",
            },
            400,
            "ISO 8601",
        ),
        (
            {
                "service_code": "STREETLIGHT",
                "address_string": "1 Main St",
                "attribute[COLOR]": "red",
            },
            400,
            "no attribute COLOR",
        ),
        (
            {
                "service_code": "STREETLIGHT",
                "address_string": "1 Main St",
                "description": "x" * 4001,
            },
            400,
            "longer than 4000",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_reason(client, key, fields, status, words):
    response = post(client, key, **fields)
    assert response.status_code == status
    [error] = response.json()
    assert error["code"] == status
    assert words in error["description"]
    assert not ServiceRequest.objects.exists()


def test_a_bad_api_key_is_403(client, city, inside):
    response = post(client, "not-a-key", service_code="STREETLIGHT", **inside)
    assert response.status_code == 403
    assert "api_key" in response.json()[0]["description"]


def test_an_address_string_alone_is_accepted_and_matched_to_a_known_address(client, key, city):
    address = Address.objects.first()
    response = post(
        client,
        key,
        service_code="STREETLIGHT",
        address_string=f"{address.house_number} {address.street.upper()}",
    )
    assert response.status_code == 201
    stored = ServiceRequest.objects.get()
    assert stored.address == address and stored.lat == address.lat
    post(client, key, service_code="STREETLIGHT", address_string="Behind the old mill")
    assert ServiceRequest.objects.filter(lat=None).count() == 1


def test_a_token_finds_its_request(client, key, inside):
    post(client, key, service_code="STREETLIGHT", **inside)
    stored = ServiceRequest.objects.get()
    [found] = client.get(f"{BASE}/tokens/{stored.token}.json").json()
    assert found == {"service_request_id": str(stored.pk), "token": str(stored.token)}
    assert client.get(f"{BASE}/tokens/unknown.json").status_code == 404


def _make(client, key, inside, n=3, **fields):
    for _ in range(n):
        assert (
            post(
                client,
                key,
                service_code=fields.pop("service_code", "STREETLIGHT"),
                **inside,
                **fields,
            ).status_code
            == 201
        )
    return list(ServiceRequest.objects.order_by("id"))


def test_requests_are_listed_with_the_spec_fields_and_w3c_times(client, key, inside):
    _make(
        client,
        key,
        inside,
        n=2,
        email="someone@example.org",
        phone="314-555-0100",
        first_name="Ann",
    )
    listed = client.get(f"{BASE}/requests.json").json()
    assert len(listed) == 2
    for entry in listed:
        assert {
            "service_request_id",
            "status",
            "service_name",
            "service_code",
            "agency_responsible",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
            "lat",
            "long",
        } <= set(entry)
        assert W3C.match(entry["requested_datetime"]) and W3C.match(entry["expected_datetime"])
        assert not {"email", "phone", "first_name", "last_name", "device_id"} & set(entry)
    body = client.get(f"{BASE}/requests.xml").content.decode()
    assert "someone@example.org" not in body and "555-0100" not in body
    root = ET.fromstring(body)
    assert root.tag == "service_requests" and len(root.findall("request")) == 2


def test_the_list_filters_by_ids_codes_status_and_dates(client, key, inside):
    first, second, third = _make(client, key, inside)
    post(client, key, service_code="RATS", **inside)
    ids = client.get(
        f"{BASE}/requests.json",
        {"service_request_id": f"{first.pk},{third.pk}", "service_code": "RATS"},
    ).json()
    assert {r["service_request_id"] for r in ids} == {str(first.pk), str(third.pk)}, (
        "ids override other filters"
    )
    rats = client.get(f"{BASE}/requests.json", {"service_code": "RATS,NOISE"}).json()
    assert [r["service_code"] for r in rats] == ["RATS"]
    ServiceRequest.objects.filter(pk=second.pk).update(status="closed")
    closed = client.get(f"{BASE}/requests.json", {"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [str(second.pk)]
    both = client.get(f"{BASE}/requests.json", {"status": "open,closed"}).json()
    assert len(both) == 4
    old = timezone.now() - timedelta(days=200)
    ServiceRequest.objects.filter(pk=first.pk).update(requested_datetime=old)
    assert len(client.get(f"{BASE}/requests.json").json()) == 3, "default: the last 90 days"
    window = {
        "start_date": (old - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end_date": (old + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S-06:00"),
    }
    assert [
        r["service_request_id"] for r in client.get(f"{BASE}/requests.json", window).json()
    ] == [str(first.pk)]


@pytest.mark.parametrize(
    ("params", "words"),
    [
        (
            {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
            "more than 90 days",
        ),
        (
            {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
            "before start_date",
        ),
        ({"start_date": "yesterday"}, "W3C datetime"),
        ({"start_date": "2026-01-01T00:00:00"}, "time zone"),
        ({"status": "pending"}, "open or closed"),
        ({"page_size": "5000"}, "page_size"),
        ({"page": "0"}, "page is 1 to 1,000,000"),
        ({"page": "many"}, "page"),
        ({"jurisdiction_id": "chicago.gov"}, "not found"),
    ],
)
def test_bad_list_parameters_get_a_reason(client, city, params, words):
    response = client.get(f"{BASE}/requests.json", params)
    assert response.status_code in (400, 404)
    assert words in response.json()[0]["description"]


def test_pages_and_updated_after_page_through_changes(client, key, inside):
    requests = _make(client, key, inside, n=5)
    page_one = client.get(f"{BASE}/requests.json", {"page_size": 2}).json()
    page_three = client.get(f"{BASE}/requests.json", {"page_size": 2, "page": 3}).json()
    assert [r["service_request_id"] for r in page_one] == [str(r.pk) for r in requests[::-1][:2]]
    assert [r["service_request_id"] for r in page_three] == [str(requests[0].pk)]
    later = timezone.now() + timedelta(hours=1)
    ServiceRequest.objects.filter(pk=requests[1].pk).update(updated_datetime=later)
    changed = client.get(
        f"{BASE}/requests.json", {"updated_after": (later - timedelta(minutes=1)).isoformat()}
    ).json()
    assert [r["service_request_id"] for r in changed] == [str(requests[1].pk)]


def test_extensions_add_the_public_history(client, key, inside):
    from safercity.service311.services import request_add_note, request_set_status

    [stored] = _make(client, key, inside, n=1)
    staff = command_actor("tests")
    request_add_note(actor=staff, request=stored, text="crew's private remark", public=False)
    request_set_status(actor=staff, request=stored, status="closed", note="Light repaired.")
    [plain] = client.get(f"{BASE}/requests/{stored.pk}.json").json()
    assert "extended_attributes" not in plain or plain["extended_attributes"] is None
    assert plain["status"] == "closed" and plain["status_notes"] == "Light repaired."
    [extended] = client.get(f"{BASE}/requests/{stored.pk}.json", {"extensions": "true"}).json()
    notes = extended["extended_attributes"]["notes"]
    assert [n["kind"] for n in notes] == ["opened", "status"]
    assert "private" not in str(extended)
    root = xml(client.get(f"{BASE}/requests.xml", {"extensions": "true"}))
    assert root.find("request/extended_attributes/notes/note/kind").text == "opened"


def test_a_single_request_and_a_missing_one(client, key, inside):
    [stored] = _make(client, key, inside, n=1)
    [one] = client.get(f"{BASE}/requests/{stored.pk}.json").json()
    assert one["service_request_id"] == str(stored.pk)
    assert client.get(f"{BASE}/requests/999999.json").status_code == 404
    root = xml(client.get(f"{BASE}/requests/999999.xml"))
    assert root.find("error/code").text == "404"


@pytest.mark.parametrize(
    "path", ["/open311/v2/nope.json", "/open311/v2/services.csv", "/open311/v2/requests/1.yaml"]
)
def test_unknown_resources_answer_in_the_error_format(client, city, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert response.json()[0]["code"] == response.status_code


def test_posting_too_fast_is_limited(client, key, inside, settings):
    settings.OPEN311_POSTS_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    codes = [post(client, key, service_code="STREETLIGHT", **inside).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    assert ServiceRequest.objects.count() == 3


def test_a_photo_can_be_uploaded_but_not_other_files(client, key, inside):
    photo = SimpleUploadedFile("hole.png", png(), content_type="image/png")
    response = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "STREETLIGHT", "media": photo, **inside},
    )
    assert response.status_code == 201
    [listed] = client.get(f"{BASE}/requests.json").json()
    assert listed["media_url"] is None, "published only once an agent approves it"
    request_review_media(
        actor=command_actor("tests"), request=ServiceRequest.objects.get(), approve=True
    )
    [listed] = client.get(f"{BASE}/requests.json").json()
    assert listed["media_url"].startswith("http://testserver/media/311/")
    assert listed["media_url"].endswith(".jpg"), "stored as the JPEG it was written again as"
    script = SimpleUploadedFile("x.png", b"#!/bin/sh\necho hi", content_type="image/png")
    refused = client.post(
        f"{BASE}/requests.json",
        {"api_key": key, "service_code": "STREETLIGHT", "media": script, **inside},
    )
    assert refused.status_code == 400 and "image" in refused.json()[0]["description"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_acknowledged_request_is_already_committed(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)
    key = api_key_create(actor=command_actor("tests"), name="durability")
    address = Address.objects.exclude(neighborhood=None).first()
    response = post(client, key, service_code="STREETLIGHT", lat=address.lat, long=address.lon)
    request_id = response.json()[0]["service_request_id"]
    seen = []

    def other_connection():
        seen.append(ServiceRequest.objects.filter(pk=request_id).exists())
        connection.close()

    reader = threading.Thread(target=other_connection)
    reader.start()
    reader.join()
    assert seen == [True]
    assert Neighborhood.objects.exists()


def test_behind_a_trusted_proxy_the_limit_counts_each_real_client(client, key, inside, settings):
    """One proxy in front: its X-Forwarded-For names the client. Two residents behind it have
    their own counts, and a client cannot escape its count by writing the header itself."""
    from django.core.cache import cache

    settings.OPEN311_POSTS_PER_MINUTE = 2
    settings.SAFERCITY_TRUSTED_PROXIES = 1
    cache.clear()

    def from_client(forwarded):
        return client.post(
            f"{BASE}/requests.json",
            {"api_key": key, "service_code": "STREETLIGHT", **inside},
            REMOTE_ADDR="10.0.0.1",  # the proxy, for every request
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert [from_client("198.51.100.1") for _ in range(3)] == [201, 201, 429]
    assert from_client("198.51.100.2") == 201, "another resident behind the same proxy"
    spoofed = [from_client(f"1.2.3.{n}, 198.51.100.1") for n in range(2)]
    assert spoofed == [429, 429], "the proxy appended the real address; the rest is the client's"
