"""What every part of the intelligence app shares: its refusal, and the deadlines of
requests for information and of the feedback on their answers."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from safercity.core.inputs import InputRefused


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
