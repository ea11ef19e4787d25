"""Background work: Django tasks (the django-tasks backport) run by the database worker
(`safercity worker`, which `make run` starts beside the server), and a small schedule.

Apps declare periodic jobs with `periodic(...)` in their `ready()`; the worker's scheduler
enqueues each when it is due. Several workers can share one schedule: the job's row is locked
while it is checked, so a job is enqueued once per period whoever looks first."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks.base import Task

from safercity.core.models import ScheduledRun

log = logging.getLogger(__name__)

EMAIL_ATTEMPTS = 5
# How long the worker's own records of finished tasks are kept (failures longer, to read).
RESULTS_KEPT = timedelta(days=14)
FAILED_RESULTS_KEPT = timedelta(days=60)


def later(job: Task[Any, Any], delay: timedelta) -> Task[Any, Any]:
    """The same task, to run after `delay` where the backend can wait (now where it can't)."""
    if default_task_backend.supports_defer:
        return job.using(run_after=timezone.now() + delay)
    return job


@task()
def email_send(
    subject: str, body: str, to: list[str], attempt: int = 1, from_email: str | None = None
) -> int:
    """Send one e-mail. If the mail server fails, this attempt is recorded as failed and the
    next is queued (after 1, 2, 4, 8 minutes); after the fifth, the error is logged."""
    try:
        return send_mail(subject, body, from_email, to, fail_silently=False)
    except Exception as error:  # any failure of the mail server: try again, then give up
        if attempt >= EMAIL_ATTEMPTS:
            log.error("giving up on e-mail %r to %s: %s", subject, to, error)
        else:
            retry = later(email_send, timedelta(minutes=2 ** (attempt - 1)))
            retry.enqueue(subject, body, to, attempt + 1, from_email)
        raise


@task()
def results_prune() -> int:
    """Delete the worker's records of tasks that finished long ago; returns how many."""
    from django.db.models import Q
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    old = DBTaskResult.objects.finished().filter(
        Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - RESULTS_KEPT)
        | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - FAILED_RESULTS_KEPT)
    )
    deleted, _ = old.delete()
    return deleted


@task()
def audit_checkpoint() -> int | None:
    """Sign the audit log's extent (every ten minutes); returns the last entry signed."""
    from safercity.core.audit import checkpoint_write

    point = checkpoint_write()
    return point.last_id if point else None


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    job: Task[Any, Any]
    args: tuple[Any, ...] = ()
    # A job like the nightly refresh waits one period after the schedule first sees it;
    # rollups run at once so a fresh deployment has figures.
    at_start: bool = True


SCHEDULE: dict[str, Periodic] = {}


def periodic(
    name: str, every: timedelta, job: Task[Any, Any], *args: Any, at_start: bool = True
) -> None:
    SCHEDULE[name] = Periodic(name, every, job, args, at_start)


def schedule_due() -> list[str]:
    """Enqueue every periodic job whose period has passed; returns their names."""
    now = timezone.now()
    enqueued = []
    for item in SCHEDULE.values():
        with transaction.atomic():
            run, _ = ScheduledRun.objects.select_for_update().get_or_create(
                name=item.name,
                defaults={"last_at": now if not item.at_start else now - item.every},
            )
            if now - run.last_at < item.every:
                continue
            run.last_at = now
            run.save(update_fields=["last_at"])
            item.job.enqueue(*item.args)
            enqueued.append(item.name)
    return enqueued


@dataclass(frozen=True)
class Tick:
    name: str
    every_s: float
    job: Callable[[], object]


TICKS: dict[str, Tick] = {}


def every_few_seconds(name: str, every_s: float, job: Callable[[], object]) -> None:
    """A job the worker runs itself every few seconds, without queueing it (a queued task
    that often would leave a result row each time): work that must follow the clock closely,
    such as the 911 queue's rollover and alerts. It must be quick and safe to run in several
    workers at once."""
    TICKS[name] = Tick(name, every_s, job)
