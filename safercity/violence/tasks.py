"""Focused deterrence's background work: new homicides and firearm assaults join the review
queue hourly; what expired beyond its retention is deleted daily."""

from __future__ import annotations

from django_tasks import task

from safercity.core.actors import SystemActor
from safercity.violence.services import assertions_purge, recipients_purge, reviews_queue

PURGE = SystemActor("task:violence-purge", skip_permission_checks=True)
QUEUE = SystemActor("task:violence-reviews", skip_permission_checks=True)


@task()
def purge_expired() -> int:
    """Expired statements about groups past retention, and recipients past their date."""
    return assertions_purge(actor=PURGE) + recipients_purge(actor=PURGE)


@task()
def queue_reviews() -> int:
    return reviews_queue(actor=QUEUE)
