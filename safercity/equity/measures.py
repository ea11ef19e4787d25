"""Commitment 7's measures on the scorecard: the Equity Indicators' city score in its latest
year (higher than the year before is the target), and referrals completed in the last twelve
months for each of addiction, mental-health and housing services, beside all the referrals to
them that closed. Counts of 1 to 10 are hidden, and enough others that none can be worked
out."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.core.publication import suppress_series
from safercity.equity.models import Referral, Service

KINDS = {
    Service.Kind.ADDICTION: gettext_noop("Referrals completed: addiction services"),
    Service.Kind.MENTAL_HEALTH: gettext_noop("Referrals completed: mental-health services"),
    Service.Kind.HOUSING: gettext_noop("Referrals completed: housing services"),
}


def figures() -> list[Figure]:
    return _city_score() + _referrals()


def _city_score() -> list[Figure]:
    """The Equity Indicators' city score in its latest year; a higher score than the year
    before meets the target."""
    from safercity.equity.indicators import indicators_report

    report = indicators_report()
    scored = [(y, report["city"][str(y)]) for y in report["years"]
              if report["city"][str(y)] is not None]  # fmt: skip
    if not scored:
        return []
    (year, score), before = scored[-1], scored[-2][1] if len(scored) > 1 else None
    return [
        Figure(
            gettext_noop("Equity Indicators city score (1 to 100)"),
            f"{score:.1f}",
            None if before is None else score > before,
            str(year),
        )
    ]


def _referrals() -> list[Figure]:
    since = timezone.now() - timedelta(days=365)
    closed = Referral.objects.filter(closed_at__gte=since, service__kind__in=list(KINDS))
    if not closed.exists():
        return []
    done: Counter[str] = Counter()
    ended: Counter[str] = Counter()
    for kind, status in closed.values_list("service__kind", "status"):
        ended[kind] += 1
        done[kind] += status == Referral.Status.COMPLETED
    kinds = list(KINDS)
    completed, _ = suppress_series([done[k] for k in kinds])
    closed_cells, _ = suppress_series([ended[k] for k in kinds])
    return [
        Figure(
            KINDS[kind],
            f"{made.value} / {total.value}"
            if made.value is not None and total.value is not None
            else "—",
            None,
            gettext_noop("the last twelve months: completed of those closed"),
        )
        for kind, made, total in zip(kinds, completed, closed_cells, strict=True)
    ]
