"""The 911 events API as the phone system's programmer sees it: its OpenAPI schema (a
snapshot, so a change to the CTI contract is a decision) and schemathesis fuzzing it with the
real key, against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from safercity.emergency.models import CallEvent
from tests.test_open311_clients import _schemathesis, assert_schema_snapshot

SNAPSHOT = Path(__file__).parent / "snapshots" / "emergency_openapi.json"
KEY = "fuzz-" + "k" * 32


def test_the_events_api_schema_matches_its_snapshot(client):
    assert_schema_snapshot(client, "/api/911/openapi.json", SNAPSHOT, "911 events API")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_no_server_errors_in_the_events_api(live_server, settings, tmp_path):
    settings.SAFERCITY_CTI_KEY = KEY
    config = """
[parameters]
kind = { dictionary = "kinds", probability = 0.8 }
line = { dictionary = "lines", probability = 0.8 }
[dictionaries]
kinds = { values = ["offered", "answered", "abandoned", "released", "transferred"] }
lines = { values = ["911", "admin"] }
"""
    _schemathesis(
        f"{live_server.url}/api/911/openapi.json",
        config,
        tmp_path,
        "--max-examples",
        "80",
        "--header",
        f"X-CTI-Key: {KEY}",
        env={
            "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks",
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "SAFERCITY_FUZZ_REAL": json.dumps({"api": "911"}),
        },
    )
    assert CallEvent.objects.exists(), "events got past validation and were stored"
