"""What every part of the intelligence app shares: its refusal, and the deadlines of
requests for information and of the feedback on their answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from safercity.core.geo import distance_m
from safercity.core.inputs import InputRefused
from safercity.intelligence.models import Conflict, Operation


class IntelligenceRefused(InputRefused):
    """Something 28 CFR Part 23 or this system's rules do not allow; the message says why."""


def deadline_hours() -> dict[str, int]:
    """The city's answer deadlines, by priority, in hours."""
    return dict(settings.SAFERCITY_INTEL_DEADLINE_HOURS)


def due_after(priority: str, start: datetime) -> datetime:
    hours = settings.SAFERCITY_INTEL_DEADLINE_HOURS.get(priority)
    if hours is None:
        raise IntelligenceRefused("choose the priority: urgent, priority or routine")
    return start + timedelta(hours=hours)


def feedback_due(start: datetime) -> datetime:
    return start + timedelta(days=settings.SAFERCITY_INTEL_FEEDBACK_DAYS)


def conflicts_with(operation: Operation, now: datetime) -> list[Conflict]:
    """Every registered operation, not cancelled, that overlaps `operation` in time with
    their circles touching: a Conflict for each (the newer operation second, its owner told
    now by whoever registered it)."""
    found = []
    overlapping = Operation.objects.filter(
        cancelled_at=None, starts_at__lt=operation.ends_at, ends_at__gt=operation.starts_at
    ).exclude(pk=operation.pk)
    for other in overlapping.select_related("partner"):
        apart = distance_m(operation.latitude, operation.longitude, other.latitude, other.longitude)
        if apart <= operation.radius_m + other.radius_m:
            conflict, _ = Conflict.objects.get_or_create(
                first=other, second=operation,
                defaults={"found_at": now, "distance_m": round(apart), "second_told_at": now},
            )  # fmt: skip
            found.append(conflict)
    return found
