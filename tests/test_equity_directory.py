"""The service directory (issue 21, first part): services in Open Referral's HSDS 3.0 imported
from another directory's file (all or nothing, every problem listed by its place), exported
and served as HSDS's API profile, and kept current by their own providers and nobody else."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from jsonschema import Draft202012Validator

from safercity.core.inputs import InputRefused
from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.equity import hsds, services
from safercity.equity.models import Capacity, Organization, Service
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ORG = "0fdfb57f-c147-4cfb-864c-44788a335d8c"
SHELTER = "ac148810-d857-441c-9679-408f346de14b"
DETOX = "6f6d9b1e-2d1b-4c55-9a1c-0b7e3c7d2a11"


def _shelter() -> dict:
    """A service as another directory exports it, with HSDS fields this one does not keep
    (program, funding, contacts, metadata), which an import must pass over."""
    return {
        "id": SHELTER,
        "name": "Night shelter for men",
        "status": "active",
        "description": "Beds for men 18 and over, with showers and a meal.",
        "eligibility_description": "Men 18 and over; no ID needed.",
        "minimum_age": 18,
        "email": "intake@example.org",
        "phones": [{"id": "8f1c2b0a-1111-4c55-9a1c-0b7e3c7d2a11", "number": "314-555-0100"}],
        "languages": [
            {"id": "8f1c2b0a-2222-4c55-9a1c-0b7e3c7d2a11", "name": "Spanish", "code": "es"}
        ],
        "organization": {
            "id": ORG,
            "name": "Gateway Housing Partners",
            "description": "Shelter and housing in the City of St. Louis.",
        },
        "schedules": [
            {
                "id": "8f1c2b0a-3333-4c55-9a1c-0b7e3c7d2a11",
                "freq": "WEEKLY",
                "byday": "MO,TU,WE,TH,FR,SA,SU",
                "opens_at": "18:00",
                "closes_at": "23:30",
            }
        ],
        "service_at_locations": [
            {
                "id": "8f1c2b0a-4444-4c55-9a1c-0b7e3c7d2a11",
                "location": {
                    "id": "8f1c2b0a-5555-4c55-9a1c-0b7e3c7d2a11",
                    "location_type": "physical",
                    "name": "Downtown shelter",
                    "latitude": 38.63,
                    "longitude": -90.2,
                    "addresses": [
                        {
                            "address_1": "1 Market St",
                            "city": "St. Louis",
                            "state_province": "MO",
                            "postal_code": "63101",
                        }
                    ],
                },
            }
        ],
        "capacities": [
            {
                "id": "8f1c2b0a-6666-4c55-9a1c-0b7e3c7d2a11",
                "unit": {"id": "8f1c2b0a-7777-4c55-9a1c-0b7e3c7d2a11", "name": "bed"},
                "available": 12,
                "maximum": 80,
                "updated": "2026-12-01T18:00:00-06:00",
            }
        ],
        "attributes": [{"taxonomy_term": {"code": "housing", "name": "housing and shelter"}}],
        "program": {"id": "8f1c2b0a-8888-4c55-9a1c-0b7e3c7d2a11", "name": "Winter plan"},
        "funding": [{"id": "8f1c2b0a-9999-4c55-9a1c-0b7e3c7d2a11", "source": "city"}],
        "contacts": [],
        "metadata": [],
    }


def _detox() -> dict:
    return {
        "id": DETOX,
        "name": "Withdrawal management",
        "status": "active",
        "organization": {
            "id": ORG,
            "name": "Gateway Housing Partners",
            "description": "Shelter and housing in the City of St. Louis.",
        },
        "attributes": [{"taxonomy_term": {"name": "addiction treatment and recovery"}}],
    }


def _file(*records: dict, wrap: str = "") -> bytes:
    body: object = list(records)
    if wrap:
        body = {wrap: list(records)}
    return json.dumps(body).encode()


def _rita():
    return make_user("rita", Role.REFERRAL_COORDINATOR)


def test_an_hsds_file_is_imported_with_what_it_nests_and_a_second_time_changes_nothing():
    report = hsds.hsds_import(actor=_rita(), data=_file(_shelter(), _detox()), name="211.json")
    assert (report.saved, report.created) == (True, 2)
    shelter = Service.objects.get(pk=SHELTER)
    assert (shelter.kind, shelter.minimum_age, shelter.languages) == ("housing", 18, "es")
    assert Service.objects.get(pk=DETOX).kind == "addiction"
    (bed,) = shelter.capacities.all()
    assert (bed.unit, bed.available, bed.maximum) == ("bed", 12, 80)
    (hours,) = shelter.schedules.all()
    assert (hours.opens_at, hours.closes_at) == (time(18), time(23, 30))
    assert shelter.locations.get().address_1 == "1 Market St"
    again = hsds.hsds_import(actor=_rita(), data=_file(_shelter(), _detox(), wrap="services"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(action="equity.hsds.import").count() == 2


def test_an_older_count_of_free_beds_never_replaces_a_newer_one():
    hsds.hsds_import(actor=_rita(), data=_file(_shelter()))
    older = _shelter()
    older["capacities"][0].update(available=70, updated="2026-11-01T18:00:00-06:00")
    hsds.hsds_import(actor=_rita(), data=_file(older))
    assert Capacity.objects.get().available == 12


def test_a_file_with_bad_records_stores_nothing_and_says_where_each_problem_is():
    no_name = _shelter()
    del no_name["name"]
    bad_bed = _detox() | {"id": str(uuid.uuid4())}
    bad_bed["capacities"] = [
        {
            "id": str(uuid.uuid4()),
            "unit": {"id": str(uuid.uuid4()), "name": "bed"},
            "available": 9,
            "maximum": 4,
            "updated": "2026-12-01T10:00:00Z",
        }
    ]
    bad_status = copy.deepcopy(_detox()) | {"status": "open", "id": "not-a-uuid"}
    ages = _detox() | {"id": str(uuid.uuid4()), "minimum_age": 30, "maximum_age": 20}
    report = hsds.hsds_import(actor=_rita(), data=_file(no_name, bad_bed, bad_status, ages))
    assert not report.saved and Service.objects.count() == 0
    said = {(r.where, r.reason.split(":")[0]) for r in report.rejected}
    places = {w for w, _ in said}
    assert "services[0]" in places  # the missing name, on the record
    assert any("'name' is a required property" in r.reason for r in report.rejected)
    assert ("services[1]", "capacities[0]") in said  # more available than the maximum
    assert {"services[2].status", "services[2].id"} <= places
    assert ("services[3]", "minimum_age is above maximum_age") in said


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xff\xfe not json", "not JSON"),
        (b'"a string"', "holds no services"),
        (b"{}", "holds no services"),
    ],
)
def test_a_file_that_is_not_hsds_is_refused_with_the_reason(data, says):
    with pytest.raises(InputRefused, match=says):
        hsds.hsds_import(actor=_rita(), data=data)


def test_every_exported_service_meets_the_published_profile_and_imports_back_the_same():
    hsds.hsds_import(actor=_rita(), data=_file(_shelter(), _detox()))
    validator = Draft202012Validator(hsds.profile_schema())
    exported = [hsds.service_json(s) for s in hsds.with_relations(Service.objects.all())]
    for record in exported:
        assert list(validator.iter_errors(record)) == []
    Service.objects.all().delete()
    Organization.objects.all().delete()
    hsds.hsds_import(actor=_rita(), data=json.dumps(exported).encode())
    again = [hsds.service_json(s) for s in hsds.with_relations(Service.objects.all())]
    strip = lambda r: {k: v for k, v in r.items() if k != "last_modified"}  # noqa: E731
    assert [strip(r) for r in again] == [strip(r) for r in exported]


def test_the_api_pages_filters_and_nests_as_hsds_says(client):
    hsds.hsds_import(actor=_rita(), data=_file(_shelter(), _detox()))
    about = client.get("/api/hsds/").json()
    assert about["version"] == "3.0" and about["openapi_url"].endswith("/api/hsds/openapi.json")
    page = client.get("/api/hsds/services", {"per_page": 1}).json()
    assert (page["total_items"], page["total_pages"], page["size"]) == (2, 2, 1)
    assert page["first_page"] and not page["last_page"] and not page["empty"]
    assert "capacities" not in page["contents"][0]  # one-to-one fields only
    full = client.get("/api/hsds/services", {"full": "true", "search": "shelter"}).json()
    (shelter,) = full["contents"]
    assert shelter["capacities"][0]["available"] == 12
    housing = str(hsds.term_id("housing"))
    typed = client.get("/api/hsds/services", {"taxonomy_term_id": housing}).json()
    assert [s["id"] for s in typed["contents"]] == [SHELTER]
    one = client.get(f"/api/hsds/services/{SHELTER}").json()
    assert one["organization"]["id"] == ORG and one["attributes"][0]["taxonomy_term_id"] == housing
    org = client.get(f"/api/hsds/organizations/{ORG}").json()
    assert {s["id"] for s in org["services"]} == {SHELTER, DETOX}
    terms = client.get("/api/hsds/taxonomy_terms").json()["contents"]
    assert client.get(f"/api/hsds/taxonomy_terms/{terms[0]['id']}").status_code == 200
    at = client.get("/api/hsds/service_at_locations").json()["contents"][0]
    assert client.get(f"/api/hsds/service_at_locations/{at['id']}").json()["service_id"] == SHELTER


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/hsds/services/not-a-uuid", 404),
        (f"/api/hsds/services/{uuid.uuid4()}", 404),
        ("/api/hsds/services?organization_id=x", 400),
        ("/api/hsds/services?page=0", 400),
        ("/api/hsds/services?per_page=100000", 400),
        ("/api/hsds/services?modified_after=yesterday", 400),
        ("/api/hsds/nothing/here", 404),
    ],
)
def test_bad_requests_are_answered_in_the_apis_error_format(client, url, status):
    answer = client.get(url)
    assert answer.status_code == status and answer["Content-Type"].startswith("application/json")
    assert answer.json()["detail"]


def _provider_of(org: Organization, name: str = "paula"):
    paula = make_user(name, Role.SERVICE_PROVIDER)
    services.provider_link(actor=_rita(), username=name, organization=org)
    return paula


def test_a_provider_keeps_its_own_services_and_no_other(client):
    hsds.hsds_import(actor=_rita(), data=_file(_shelter()))
    other_org = Organization.objects.create(name="Elsewhere", description="Another provider")
    other = Service.objects.create(organization=other_org, name="Their clinic")
    paula = _provider_of(Organization.objects.get(pk=ORG))
    shelter = Service.objects.get(pk=SHELTER)
    services.capacity_update(actor=paula, service=shelter, unit="Bed", available=3, maximum=80)
    assert Capacity.objects.get(service=shelter).available == 3
    with pytest.raises(PermissionDenied):
        services.capacity_update(actor=paula, service=other, unit="bed", available=1)
    with pytest.raises(InputRefused, match="more than the maximum"):
        services.capacity_update(actor=paula, service=shelter, unit="bed", available=90, maximum=80)
    client.force_login(paula)
    listed = client.get("/staff/services/").content.decode()
    assert "Night shelter for men" in listed and "Their clinic" not in listed
    assert client.get(f"/staff/services/{other.pk}/").status_code == 404
    sent = client.post(
        f"/staff/services/{SHELTER}/",
        {"what": "hours", "hours-hours": "MO-FR 09:00-17:00\nSA,SU 10:00-14:00"},
    )
    assert sent.status_code == 302
    assert list(shelter.schedules.values_list("byday", flat=True).order_by("byday")) == [
        "MO,TU,WE,TH,FR",
        "SA,SU",
    ]
    bad = client.post(
        f"/staff/services/{SHELTER}/", {"what": "hours", "hours-hours": "Mondays 9 to 5"}
    )
    assert bad.status_code == 400 and "MO-FR 09:00-17:00" in bad.content.decode()
    closes_first = client.post(
        f"/staff/services/{SHELTER}/", {"what": "hours", "hours-hours": "MO 17:00-09:00"}
    )
    assert closes_first.status_code == 400 and "close after opening" in closes_first.text
    status = client.post(
        f"/staff/services/{SHELTER}/",
        {
            "what": "service",
            "service-name": "Night shelter for men",
            "service-kind": "housing",
            "service-status": "temporarily closed",
            "service-languages": "en, es",
        },
    )
    assert status.status_code == 302
    assert Service.objects.get(pk=SHELTER).status == "temporarily closed"
    client.force_login(make_user("cop", Role.POLICE_OFFICER))
    assert client.get("/staff/services/").status_code == 403


def test_the_coordinator_adds_an_organization_and_a_service_and_links_a_provider(client):
    client.force_login(_rita())
    made = client.post(
        "/staff/services/organizations/new/",
        {"name": "Bridge Recovery", "description": "Outpatient addiction treatment."},
    )
    assert made.status_code == 302
    org = Organization.objects.get(name="Bridge Recovery")
    new = client.post(
        "/staff/services/new/",
        {
            "organization": org.pk,
            "name": "Walk-in MAT",
            "kind": "addiction",
            "status": "active",
            "minimum_age": 30,
            "maximum_age": 20,
        },
    )
    assert new.status_code == 400 and "minimum age is above" in new.text
    new = client.post(
        "/staff/services/new/",
        {"organization": org.pk, "name": "Walk-in MAT", "kind": "addiction", "status": "active"},
    )
    assert new.status_code == 302 and Service.objects.filter(name="Walk-in MAT").exists()
    not_provider = make_user("bob", Role.ANALYST)
    refused = client.post(
        "/staff/services/providers/", {"username": not_provider.username, "organization": org.pk}
    )
    assert refused.status_code == 400 and "service-provider role" in refused.text
    make_user("paula", Role.SERVICE_PROVIDER)
    linked = client.post(
        "/staff/services/providers/", {"username": "paula", "organization": org.pk}
    )
    assert linked.status_code == 302


def test_the_import_page_lists_every_problem_and_keeps_nothing(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(_rita())
    bad = _shelter() | {"status": "maybe"}
    sent = client.post(
        "/staff/services/import/", {"file": SimpleUploadedFile("211.json", _file(bad))}
    )
    assert sent.status_code == 400 and "services[0].status" in sent.text
    assert not Service.objects.exists()
    sent = client.post(
        "/staff/services/import/", {"file": SimpleUploadedFile("211.json", _file(_shelter()))}
    )
    assert sent.status_code == 302 and Service.objects.exists()


def test_the_hsds_command_imports_and_exports(tmp_path):
    source = tmp_path / "in.json"
    source.write_bytes(_file(_shelter()))
    call_command("hsds", "import", str(source))
    out = tmp_path / "out.json"
    call_command("hsds", "export", "--out", str(out))
    assert json.loads(out.read_text())[0]["id"] == SHELTER
    bad = tmp_path / "bad.json"
    bad.write_bytes(_file(_shelter() | {"status": "maybe"}))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("hsds", "import", str(bad))


SNAPSHOT = __import__("pathlib").Path(__file__).parent / "snapshots" / "hsds_openapi.json"


def test_the_hsds_api_schema_matches_its_snapshot(client):
    from tests.test_open311_clients import assert_schema_snapshot

    assert_schema_snapshot(client, "/api/hsds/openapi.json", SNAPSHOT, "HSDS API")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_no_server_errors_in_the_hsds_api(live_server, tmp_path):
    from tests.test_open311_clients import _schemathesis

    hsds.hsds_import(actor=_rita(), data=_file(_shelter(), _detox()))
    config = f"""
[parameters]
id = {{ dictionary = "ids", probability = 0.5 }}
organization_id = {{ dictionary = "orgs", probability = 0.5 }}
[dictionaries]
ids = {{ values = ["{SHELTER}", "{DETOX}"] }}
orgs = {{ values = ["{ORG}"] }}
"""
    _schemathesis(
        f"{live_server.url}/api/hsds/openapi.json", config, tmp_path, "--max-examples", "40"
    )


def test_a_changed_file_updates_what_it_nests_and_counts_the_service_updated():
    hsds.hsds_import(actor=_rita(), data=_file(_shelter(), _detox()))
    changed = _shelter()
    changed["capacities"][0].update(available=3, updated="2026-12-02T08:00:00-06:00")
    changed["schedules"] = []
    changed["service_at_locations"][0]["location"]["name"] = "Market Street shelter"
    changed["organization"]["name"] = "Gateway Housing"
    detox = _detox()
    conflict = hsds.hsds_import(actor=_rita(), data=_file(changed, detox))
    assert conflict.rejected[0].where == "services[1].organization"
    detox["organization"] = changed["organization"]
    report = hsds.hsds_import(actor=_rita(), data=_file(changed, detox))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    shelter = Service.objects.get(pk=SHELTER)
    assert shelter.capacities.get().available == 3 and not shelter.schedules.exists()
    assert shelter.locations.get().name == "Market Street shelter"
    assert shelter.organization.name == "Gateway Housing"


def test_text_no_database_column_can_hold_is_refused_not_a_server_error(client):
    bad = _shelter() | {"description": "beds\u0000 and meals"}
    report = hsds.hsds_import(actor=_rita(), data=_file(bad))
    assert [(r.where, r.reason) for r in report.rejected] == [
        ("services[0].description", "control characters or invalid Unicode")
    ]
    answer = client.get("/api/hsds/services", {"search": "bed\x00s"})
    assert answer.status_code == 400 and "control characters" in answer.json()["detail"]
    assert client.get("/api/hsds/organizations", {"search": "x" * 201}).status_code == 400
    client.force_login(_rita())
    assert client.get("/staff/services/", {"q": "a\x00b"}).status_code == 200
