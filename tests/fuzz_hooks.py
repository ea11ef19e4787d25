"""schemathesis hooks (SCHEMATHESIS_HOOKS=tests.fuzz_hooks): most generated Open311 POST bodies
get the real key, a real service code with answers from its own questions and a point in the
city, and most 911 events a time of
now and a real kind, so the fuzzer reaches past validation into storing them; the rest stay
as generated, to probe the refusals."""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime
from typing import Any

import schemathesis


@schemathesis.hook
def map_body(context: Any, body: Any) -> Any:
    real = json.loads(os.environ.get("SAFERCITY_FUZZ_REAL", "{}"))
    if not real or not isinstance(body, dict):
        return body
    chance = random.Random(repr(sorted(body.items(), key=str)))
    if chance.random() < 0.25:
        return body
    if real.get("api") == "911":
        return {
            **body,
            "at": datetime.now(UTC).isoformat(),
            "kind": chance.choice(["offered", "abandoned", "released"]),
            "line": "911",
            "lat": None,
            "lon": None,
        }
    code = chance.choice(real["codes"])
    answers = {
        f"attribute[{attribute}]": value
        for attribute, value in real.get("attributes", {}).get(code, {}).items()
    }
    return {
        **body,
        **answers,
        "api_key": real["api_key"],
        "service_code": code,
        "lat": real["lat"],
        "long": real["long"],
        "address_id": "",
        "jurisdiction_id": "",
        "media_url": "",
    }


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    """For the intelligence exchange (SAFERCITY_FUZZ_SIGN holds a key id and a PEM private
    key): most calls are signed as a partner's installation would sign them, so the fuzzer
    reaches the handlers; the rest go unsigned, to probe the refusal."""
    sign = json.loads(os.environ.get("SAFERCITY_FUZZ_SIGN", "{}"))
    if not sign or random.Random(repr(kwargs.get("url"))).random() < 0.1:
        return
    import requests
    from cryptography.hazmat.primitives import serialization
    from http_message_signatures import HTTPMessageSigner, algorithms
    from http_message_signatures.resolvers import MappingKeyResolver

    sent = case.as_transport_kwargs()  # what the transport will send, serialized the same way
    body = sent.get("data")
    if body is None and sent.get("json") is not None:
        body = json.dumps(sent["json"]).encode()
    body = body.encode() if isinstance(body, str) else (body or b"")
    key = serialization.load_pem_private_key(sign["pem"].encode(), password=None)
    resolver = MappingKeyResolver(public_keys={}, private_keys={sign["key_id"]: key})
    prepared = requests.Request(
        sent["method"], sent["url"], params=sent.get("params"), data=body,
        headers=sent.get("headers") or {},
    ).prepare()  # fmt: skip
    HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=resolver).sign(
        prepared, key_id=sign["key_id"], body=body,
        covered_component_ids=("@method", "@authority", "@target-uri"),
    )  # fmt: skip
    names = ("Signature", "Signature-Input", "Content-Digest")
    case.headers = {**(case.headers or {}), **{n: prepared.headers[n] for n in names}}
