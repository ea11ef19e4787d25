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
