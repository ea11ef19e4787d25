"""Commitment 5's live figures for the public scorecard, through the publication rules."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.publication import is_small
from safercity.service311.models import ServiceRequest

TARGET_ON_TIME = 0.85
WINDOW_DAYS = 90


def on_time_share() -> list[Figure]:
    now = timezone.now()
    due = ServiceRequest.objects.filter(
        expected_datetime__range=(now - timedelta(days=WINDOW_DAYS), now), parent__isnull=True
    )
    total = due.count()
    period = gettext_noop("requests due in the last 90 days")  # WINDOW_DAYS
    if total == 0:
        return [
            Figure(
                gettext_noop("Closed on time"), gettext_noop("no requests were due"), None, period
            )
        ]
    if is_small(total):
        return [
            Figure(
                gettext_noop("Closed on time"),
                gettext_noop("too few requests to publish"),
                None,
                period,
            )
        ]
    on_time = due.filter(
        Q(status=ServiceRequest.Status.CLOSED) & Q(closed_datetime__lte=F("expected_datetime"))
    ).count()
    share = on_time / total
    return [Figure(gettext_noop("Closed on time"), f"{share:.1%}", share >= TARGET_ON_TIME, period)]


def moved_from_911() -> list[Figure]:
    now = timezone.now()
    count = ServiceRequest.objects.filter(
        source=ServiceRequest.Source.TRANSFER_911,
        requested_datetime__range=(now - timedelta(days=WINDOW_DAYS), now),
    ).count()
    shown = gettext_noop("fewer than 11") if is_small(count) else f"{count:,}"
    label = gettext_noop("Routine calls moved from 911 to 311")
    return [Figure(label, shown, None, gettext_noop("last 90 days"))]  # WINDOW_DAYS


def figures() -> list[Figure]:
    return on_time_share() + moved_from_911()
