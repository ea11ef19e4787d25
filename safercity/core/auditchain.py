"""The audit log's hash chain: each entry's hash covers its content and the previous hash.

Plain Python; the Django model in `core.models` stores what this computes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _canonical(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("audit timestamps must be timezone-aware")
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def entry_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's content in canonical JSON."""
    body = json.dumps(
        {key: _canonical(value) for key, value in content.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainLink:
    id: int
    prev_hash: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""


def verify_chain(links: Iterable[ChainLink], head_hash: str | None = None) -> ChainVerdict:
    """Walk the chain in order; name the first entry whose hash or link does not hold."""
    expected_prev = GENESIS
    checked = 0
    for link in links:
        if link.prev_hash != expected_prev:
            return ChainVerdict(
                False, checked, link.id, "its previous-hash does not match the entry before it"
            )
        if entry_hash(link.prev_hash, link.content) != link.hash:
            return ChainVerdict(False, checked, link.id, "its content does not match its hash")
        expected_prev = link.hash
        checked += 1
    if head_hash is not None and head_hash != expected_prev:
        return ChainVerdict(
            False, checked, None, "the chain ends before the recorded head: entries were removed"
        )
    return ChainVerdict(True, checked)
