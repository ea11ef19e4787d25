"""Commitment 9's measure on the scorecard: of the investigations of the last twelve months
that are decided (closed, or open past 90 days), the share closed within 90 days of the
report. Counts only; a share over ten or fewer is not shown (it would show the few)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.publication import is_small
from safercity.useofforce.engine import closed_within
from safercity.useofforce.models import ForceIncident

TARGET = 0.90
DAYS = 90


def figures() -> list[Figure]:
    now = timezone.now()
    since = now - timedelta(days=365)
    clocks = list(ForceIncident.objects.filter(reported_at__gte=since).values_list(
        "reported_at", "closed_at"))  # fmt: skip
    decided, met = closed_within(clocks, DAYS, now)
    shown = decided > 0 and not is_small(decided)
    return [
        Figure(
            gettext_noop("Use-of-force investigations closed within 90 days"),
            f"{met / decided:.0%}" if shown else "—",
            met / decided >= TARGET if shown else None,
            gettext_noop("the last twelve months"),
        )
    ]
