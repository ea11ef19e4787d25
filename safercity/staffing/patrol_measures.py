"""Commitment 2's measure on the scorecard: last month's share of patrol hours (district by
hour, where a roster says who was on duty) in which those on duty met the workload model's
need. Counts of hours only: no officer, no call."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.months import month_before
from safercity.staffing.scenarios import month_coverage

TARGET = 0.95


def figures() -> list[Figure]:
    month = month_before(timezone.localdate().replace(day=1))
    coverage = month_coverage(month)
    share = coverage.share
    return [
        Figure(
            gettext_noop("Patrol hours staffed to the workload model"),
            "—" if share is None else f"{share:.0%}",
            None if share is None else share >= TARGET,
            gettext_noop("last month"),
        )
    ]
