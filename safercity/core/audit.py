"""The audit log's one write path. Every service that writes, and every read of a sensitive
record, appends here inside its own transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.auditchain import GENESIS, ChainLink, ChainVerdict, entry_hash, verify_chain
from safercity.core.models import AuditEntry, AuditHead


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


def audit_verify(batch_size: int = 5000) -> ChainVerdict:
    """Check the whole chain, oldest first, and name the first entry that does not hold."""
    links = (
        ChainLink(entry.pk, entry.prev_hash, entry.hash, entry.content())
        for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size)
    )
    head = AuditHead.objects.filter(pk=1).first()
    return verify_chain(links, head.last_hash if head else None)
