"""Commitment 10's measure on the scorecard: flagged steps (a group's selection rate below
four-fifths of the highest at a step of hiring or promotion, or in a year's training) still
awaiting the chief equity officer's explanation.
A count of steps, not of people."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from safercity.accountability.registry import Figure
from safercity.workforce.models import Review, Step


def figures() -> list[Figure]:
    if not Step.objects.exists() and not Review.objects.exists():
        return []
    waiting = Review.objects.filter(status=Review.Status.OPEN).count()
    flagged = Review.objects.count()
    return [
        Figure(
            gettext_noop("Flagged steps left unexplained"),
            f"{waiting} / {flagged}",
            waiting == 0,
            gettext_noop("every hiring, promotion and training year on file"),
        )
    ]
