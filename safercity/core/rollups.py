"""Rollups: the sums public pages show, computed by background tasks into `Snapshot` rows.

An app registers a rollup (a function returning JSON-able data) with `@rollup("name")`.
`rollup_refresh` computes and stores it (tasks call it on a schedule and when inputs change);
pages call `rollup_read`, which returns the stored snapshot. Only when none exists yet (a fresh
deployment) does the first reader compute it. A snapshot is a derived copy of records that are
themselves audited, so writing one is not audited.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from safercity.core.models import Snapshot
from safercity.core.tasks import later

Compute = Callable[[], Any]
ROLLUPS: dict[str, Compute] = {}
# Changes that come in bursts (911 events) refresh a rollup at most this often.
DEBOUNCE_S = 5


def rollup(name: str) -> Callable[[Compute], Compute]:
    def register(compute: Compute) -> Compute:
        ROLLUPS[name] = compute
        return compute

    return register


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def rollup_refresh(name: str) -> Snapshot:
    started = time.perf_counter()
    data = _json(ROLLUPS[name]())
    snapshot, _ = Snapshot.objects.update_or_create(
        key=name,
        defaults={
            "data": data,
            "computed_at": timezone.now(),
            "seconds": time.perf_counter() - started,
        },
    )
    return snapshot


def rollup_read(name: str) -> Snapshot:
    found = Snapshot.objects.filter(key=name).first()
    return found if found is not None else rollup_refresh(name)


@task()
def refresh_rollup(name: str) -> float:
    """Recompute one rollup's snapshot; returns how long it took."""
    return rollup_refresh(name).seconds


def rollups_stale(*names: str) -> None:
    """Inputs of these rollups changed: refresh them once this transaction commits (at most
    once every DEBOUNCE_S seconds each; the periodic refresh catches anything in between)."""

    def enqueue() -> None:
        for name in names:
            # Run a little later, so changes that follow in the burst are in it too.
            if cache.add(f"rollup-queued:{name}", 1, timeout=DEBOUNCE_S):
                later(refresh_rollup, timedelta(seconds=DEBOUNCE_S)).enqueue(name)

    transaction.on_commit(enqueue)
