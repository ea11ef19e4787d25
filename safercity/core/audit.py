"""The audit log's one write path. Every service that writes, and every read of a sensitive
record, appends here inside its own transaction."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.auditchain import (
    GENESIS,
    ChainLink,
    ChainVerdict,
    Checkpoint,
    entry_hash,
    verify_chain,
    verify_checkpoints,
)
from safercity.core.models import AuditCheckpoint, AuditEntry, AuditHead


def _json_safe(detail: dict[str, Any] | None) -> dict[str, Any]:
    # Store exactly what was hashed: dates and decimals become strings first.
    safe: dict[str, Any] = json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder))
    return safe


def _append(
    *,
    kind: str,
    actor: Actor,
    action: str,
    obj: models.Model | None,
    detail: dict[str, Any] | None,
) -> AuditEntry:
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        entry = AuditEntry(
            at=timezone.now(),
            kind=kind,
            actor=actor_label(actor),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            detail=_json_safe(detail),
            prev_hash=head.last_hash,
        )
        entry.hash = entry_hash(entry.prev_hash, entry.content())
        entry.save()
        head.last_id, head.last_hash = entry.pk, entry.hash
        head.save(update_fields=["last_id", "last_hash"])
    return entry


def audit_write(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a change. Call it inside the same transaction as the change itself."""
    return _append(kind=AuditEntry.Kind.WRITE, actor=actor, action=action, obj=obj, detail=detail)


def audit_read(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record who looked at a sensitive record (intelligence, participants, personnel...)."""
    return _append(kind=AuditEntry.Kind.READ, actor=actor, action=action, obj=obj, detail=detail)


def _key() -> bytes:
    return str(settings.SAFERCITY_AUDIT_KEY).encode()


def checkpoint_write() -> Checkpoint | None:
    """Sign the log's present extent and keep it in the database and in the checkpoint file
    (outside the database; the operator ships it off the machine). Nothing without a key, or
    when the log has not grown since the last checkpoint."""
    if not settings.SAFERCITY_AUDIT_KEY:
        return None
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        last_id, last_hash = (head.last_id, head.last_hash) if head else (0, GENESIS)
        latest = AuditCheckpoint.objects.order_by("-id").first()
        if latest is not None and latest.last_id == last_id:
            return None
        now = timezone.now().replace(microsecond=0)
        point = Checkpoint(
            at=now.isoformat(timespec="seconds"),
            last_id=last_id,
            last_hash=last_hash,
            entries=_entries_up_to(last_id, latest),
        ).signed(_key())
        AuditCheckpoint.objects.create(
            at=now,
            last_id=point.last_id,
            last_hash=point.last_hash,
            entries=point.entries,
            mac=point.mac,
        )
        _append_line(Path(settings.SAFERCITY_AUDIT_CHECKPOINTS), point.line())
    return point


def _entries_up_to(last_id: int, latest: AuditCheckpoint | None) -> int:
    """How many entries the log holds up to `last_id`, counted on from the last checkpoint
    (not the whole log again every ten minutes)."""
    if latest is None or latest.last_id > last_id:
        return AuditEntry.objects.filter(id__lte=last_id).count()
    since = AuditEntry.objects.filter(id__gt=latest.last_id, id__lte=last_id).count()
    return latest.entries + since


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def checkpoints_read(path: Path) -> list[Checkpoint]:
    """The checkpoints in a file (one JSON object a line); a line that cannot be read counts
    as a checkpoint with no valid signature."""
    if not path.exists():
        return []
    found = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            found.append(Checkpoint.from_line(text))
        except (ValueError, KeyError, TypeError):
            found.append(Checkpoint(f"line {number} of {path.name}", 0, "", 0, "unreadable"))
    return found


def _checkpoints(path: Path | None) -> list[Checkpoint]:
    """Every checkpoint, from the file (the local one, or the copy given) and the database,
    each once: the database's copy is compared by the fields it signed, not its stored time."""
    points = checkpoints_read(path or Path(settings.SAFERCITY_AUDIT_CHECKPOINTS))
    points += [
        Checkpoint(row.at.isoformat(timespec="seconds"), row.last_id, row.last_hash,
                   row.entries, row.mac)
        for row in AuditCheckpoint.objects.all()
    ]  # fmt: skip
    return list({(p.last_id, p.last_hash, p.entries, p.mac): p for p in points}.values())


def audit_verify(batch_size: int = 5000, checkpoints: Path | None = None) -> ChainVerdict:
    """Check the whole chain, oldest first, and name the first entry that does not hold; then
    hold the log to every signed checkpoint (in the database and in the checkpoint file, or
    the file given), which shows a cut tail, a wiped log and a rewritten chain. One pass over
    the log does both: the hash and position of each signed entry are noted on the way."""
    points = _checkpoints(checkpoints) if settings.SAFERCITY_AUDIT_KEY else []
    signed = {p.last_id for p in points}
    hash_of: dict[int, str] = {}
    position: dict[int, int] = {}

    def links() -> Iterator[ChainLink]:
        entries = AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size)
        for number, entry in enumerate(entries, start=1):
            if entry.pk in signed:
                hash_of[entry.pk], position[entry.pk] = entry.hash, number
            yield ChainLink(entry.pk, entry.prev_hash, entry.hash, entry.content())

    head = AuditHead.objects.filter(pk=1).first()
    verdict = verify_chain(links(), head.last_hash if head else None)
    if not verdict.ok or not settings.SAFERCITY_AUDIT_KEY:
        return verdict
    problem = verify_checkpoints(points, _key(), hash_of, position, head.last_id if head else 0)
    if problem:
        return ChainVerdict(False, verdict.checked, None, problem)
    return ChainVerdict(True, verdict.checked, None, f"{len(points)} checkpoints held")
