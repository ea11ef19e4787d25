"""The Open311 server as outside programs see it: the third-party `georeport` client, the
OpenAPI schema (snapshot) and schemathesis fuzzing it, all against a live server on 127.0.0.1."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from georeport import GeoReport

from safercity.core.actors import command_actor
from safercity.core.models import Address
from safercity.demo.services import demo_load
from safercity.service311.models import Service, ServiceAttribute, ServiceRequest
from safercity.service311.services import NewRequest, api_key_create, request_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SNAPSHOT = Path(__file__).parent / "snapshots" / "open311_openapi.json"


@pytest.fixture
def city_with_requests(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)
    address = Address.objects.exclude(neighborhood=None).first()
    system = command_actor("tests")
    created = [
        request_create(
            actor=system,
            new=NewRequest(
                service_code=code,
                lat=address.lat,
                long=address.lon,
                description=text,
                attributes=attributes,
            ),
        )
        for code, text, attributes in (
            ("STREETLIGHT", "Dark corner", {}),
            ("POTHOLE", "Hole by the bus stop", {"SIZE": "medium"}),
            ("RATS", "Rats by the alley cans", {}),
        )
    ]
    return created, api_key_create(actor=system, name="schemathesis")


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_everything(live_server, city_with_requests, output_format):
    created, _ = city_with_requests
    client = GeoReport(
        f"{live_server.url}/open311/v2/", jurisdiction="stlouis-mo.gov", output_format=output_format
    )
    services = client.get_service_list()
    assert {s["service_code"] for s in services} >= {"POTHOLE", "STREETLIGHT", "RATS"}
    definition = client.get_service_definition("POTHOLE")
    attributes = definition["attributes"]
    if output_format == "xml":
        attributes = attributes["attribute"]  # xmltodict: a list when there are several
    assert [a["code"] for a in attributes] == ["SIZE", "LANE"]
    listed = client.get_service_requests(service_code="POTHOLE,RATS")
    assert {r["service_code"] for r in listed} == {"POTHOLE", "RATS"}
    one = client.get_service_request(str(created[1].pk))
    assert one["service_request_id"] == str(created[1].pk)
    assert one["description"] == "Hole by the bus stop"
    by_ids = client.get_service_requests(service_request_id=f"{created[0].pk},{created[2].pk}")
    assert {r["service_request_id"] for r in by_ids} == {str(created[0].pk), str(created[2].pk)}


def assert_schema_snapshot(client, url: str, snapshot: Path, api: str) -> None:
    """The API's OpenAPI schema is the one kept in `snapshot` (UPDATE_SNAPSHOTS=1 rewrites it)."""
    rendered = json.dumps(client.get(url).json(), indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(rendered)
    assert rendered == snapshot.read_text(), (
        f"The {api}'s schema changed. If on purpose: UPDATE_SNAPSHOTS=1 pytest -k snapshot"
    )


def test_the_openapi_schema_matches_its_snapshot(client):
    assert_schema_snapshot(client, "/open311/v2/openapi.json", SNAPSHOT, "Open311 API")
    # No object carries a key twice (Swagger UI's YAML parser refuses the whole document).
    repeated = []

    def pairs(items):
        keys = [k for k, _ in items]
        repeated.extend(k for k in set(keys) if keys.count(k) > 1)
        return dict(items)

    json.loads(client.get("/open311/v2/openapi.json").content, object_pairs_hook=pairs)
    assert repeated == []


def _schemathesis(
    url: str, config: str, tmp_path: Path, *extra: str, env: dict[str, str] | None = None
) -> None:
    (tmp_path / "schemathesis.toml").write_text(config)
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            url,
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance",
            "--seed",
            "311",
            "--workers",
            "1",
            "--suppress-health-check",
            "all",
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,  # reads schemathesis.toml there, and writes its cache there
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def test_schemathesis_finds_no_server_errors(live_server, city_with_requests, tmp_path, settings):
    """Random and malformed input everywhere, and then the real key, the catalog's real
    service codes and points in the city, so that POST gets past validation and stores
    requests, in JSON and in XML."""
    created, key = city_with_requests
    address = Address.objects.exclude(neighborhood=None).first()
    codes = sorted(Service.objects.values_list("service_code", flat=True))
    config = f"""
[parameters]
api_key = {{ dictionary = "keys", probability = 0.9 }}
service_code = {{ dictionary = "codes", probability = 0.8 }}
format = {{ dictionary = "formats", probability = 0.9 }}
lat = {{ dictionary = "lats", probability = 0.8 }}
long = {{ dictionary = "longs", probability = 0.8 }}
service_request_id = {{ dictionary = "ids", probability = 0.5 }}
jurisdiction_id = {{ dictionary = "jurisdictions", probability = 0.9 }}
address_id = {{ dictionary = "blank", probability = 0.9 }}
media_url = {{ dictionary = "links", probability = 0.9 }}

[dictionaries]
keys = {{ values = [{json.dumps(key)}] }}
codes = {{ values = {json.dumps(codes)} }}
formats = {{ values = ["json", "xml"] }}
lats = {{ values = [{address.lat}] }}
longs = {{ values = [{address.lon}] }}
ids = {{ values = {json.dumps([str(r.pk) for r in created])} }}
jurisdictions = {{ values = ["stlouis-mo.gov"] }}
blank = {{ values = [""] }}
links = {{ values = ["", "https://example.org/photo.jpg"] }}
"""
    settings.OPEN311_POSTS_PER_MINUTE = 100_000  # the fuzzer is one client posting fast
    before = ServiceRequest.objects.count()
    # Each service's questions answered with a value from its own list (or a number / text).
    attributes: dict[str, dict[str, str]] = {}
    for attribute in ServiceAttribute.objects.select_related("service"):
        keys = [str(v["key"]) for v in attribute.values]
        answer = keys[0] if keys else ("3" if attribute.datatype == "number" else "fuzz")
        attributes.setdefault(attribute.service.service_code, {})[attribute.code] = answer
    real = {
        "api_key": key,
        "codes": codes,
        "attributes": attributes,
        "lat": address.lat,
        "long": address.lon,
    }
    _schemathesis(
        f"{live_server.url}/open311/v2/openapi.json",
        config,
        tmp_path,
        "--max-examples",
        "60",
        env={
            "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks",
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "SAFERCITY_FUZZ_REAL": json.dumps(real),
        },
    )
    stored = ServiceRequest.objects.filter(source=ServiceRequest.Source.API)
    assert ServiceRequest.objects.count() > before and stored.exists(), "POST got past validation"
    answered = [r.attributes for r in stored if r.attributes]
    assert answered, "requests with answers to their service's questions were stored"
