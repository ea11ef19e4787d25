"""The exchange API as a partner's programmer sees it: its OpenAPI schema (a snapshot, so a
change to the contract between departments is a decision) and schemathesis fuzzing it with
signed calls, against a live server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from safercity.intelligence.models import InboundMessage, Partner
from tests.test_open311_clients import _schemathesis, assert_schema_snapshot

SNAPSHOT = Path(__file__).parent / "snapshots" / "exchange_openapi.json"


def test_the_exchange_api_schema_matches_its_snapshot(client):
    assert_schema_snapshot(client, "/api/exchange/v1/openapi.json", SNAPSHOT, "exchange API")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_no_server_errors_in_the_exchange_api(live_server, tmp_path):
    key = Ed25519PrivateKey.generate()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()  # fmt: skip
    Partner.objects.create(
        name="Fuzzing County PD", exchange_url="http://127.0.0.1:9", exchange_key_id="fuzz",
        exchange_public_key=public,
    )  # fmt: skip
    config = """
[parameters]
priority = { dictionary = "priorities", probability = 0.8 }
[dictionaries]
priorities = { values = ["urgent", "priority", "routine"] }
"""
    _schemathesis(
        f"{live_server.url}/api/exchange/v1/openapi.json",
        config,
        tmp_path,
        "--max-examples",
        "40",
        env={
            "SCHEMATHESIS_HOOKS": "tests.fuzz_hooks",
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
            "SAFERCITY_FUZZ_SIGN": json.dumps({"key_id": "fuzz", "pem": private}),
        },
    )
    assert InboundMessage.objects.filter(kind="request").exists(), "signed requests got in"
