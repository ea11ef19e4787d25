"""The audit log's hash chain: each entry's hash covers its content and the previous hash.

Plain Python; the Django model in `core.models` stores what this computes.
"""

from __future__ import annotations

import hashlib
import hmac
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


# Signed checkpoints. A chain alone cannot show that its tail was cut (and the head row reset)
# or that the whole log was wiped or rewritten with fresh hashes: anyone who can write the
# database can also recompute SHA-256. A checkpoint states "entry N had hash H, and there were
# C entries up to it", signed with a key the database does not hold, and is kept outside the
# database too; verification then holds the log to every checkpoint ever written.


@dataclass(frozen=True)
class Checkpoint:
    at: str  # UTC, ISO 8601
    last_id: int
    last_hash: str
    entries: int
    mac: str = ""

    def _fields(self) -> dict[str, Any]:
        return {
            "at": self.at, "last_id": self.last_id, "last_hash": self.last_hash,
            "entries": self.entries,
        }  # fmt: skip

    def signed_text(self) -> str:
        return json.dumps(self._fields(), sort_keys=True, separators=(",", ":"))

    def signed(self, key: bytes) -> Checkpoint:
        return Checkpoint(self.at, self.last_id, self.last_hash, self.entries, self._mac(key))

    def _mac(self, key: bytes) -> str:
        return hmac.new(key, self.signed_text().encode(), hashlib.sha256).hexdigest()

    def holds_signature(self, key: bytes) -> bool:
        return hmac.compare_digest(self.mac, self._mac(key))

    def line(self) -> str:
        return json.dumps(
            {**self._fields(), "mac": self.mac}, sort_keys=True, separators=(",", ":")
        )

    @classmethod
    def from_line(cls, text: str) -> Checkpoint:
        data = json.loads(text)
        return cls(
            str(data["at"]), int(data["last_id"]), str(data["last_hash"]),
            int(data["entries"]), str(data["mac"]),
        )  # fmt: skip


def verify_checkpoints(
    checkpoints: Iterable[Checkpoint],
    key: bytes,
    hash_of: Mapping[int, str],
    position: Mapping[int, int],
    head_id: int,
) -> str:
    """ "" when the log holds every checkpoint, else why not. `hash_of` and `position` map the
    signed entries' ids to the hash the log now holds there and to how many entries the log
    holds up to and including it."""
    for point in checkpoints:
        if not point.holds_signature(key):
            return (
                f"the checkpoint of {point.at} does not carry a valid signature: "
                "the checkpoint record was altered, or was signed with another key"
            )
        if point.last_id == 0:
            continue
        if hash_of.get(point.last_id) != point.last_hash:
            return (
                f"entry #{point.last_id}, signed at {point.at}, is missing or different: "
                "the log was cut, wiped or rewritten"
            )
        if position.get(point.last_id) != point.entries:
            return (
                f"the log holds a different number of entries up to #{point.last_id} "
                f"than the {point.entries:,} signed at {point.at}"
            )
        if head_id < point.last_id:
            return f"the head row points before entry #{point.last_id}, signed at {point.at}"
    return ""
