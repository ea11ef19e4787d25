"""Staffing plans asked for on the page: queued for the worker, made there, kept for the page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.staffing.models import PlanJob
from safercity.staffing.planning import SAMPLE_HISTORIES, PlanOutcome, plan_from_csv
from safercity.staffing.report import context, shifts_csv

PLANNERS = (Role.SUPERVISOR_911, Role.ANALYST, Role.ADMINISTRATOR)


@requires(*PLANNERS)
def plan_request(
    *,
    actor: Actor,
    calls: bytes | None,
    source: str,
    shrinkage: float,
    aht_s: float | None = None,
    patience_s: float | None = None,
    week_start: date | None = None,
) -> PlanJob:
    """Queue a plan from an uploaded history (or, with no file, the installed sample)."""
    params = {
        "shrinkage": shrinkage,
        "aht_s": aht_s,
        "patience_s": patience_s,
        "week_start": week_start.isoformat() if week_start else None,
    }
    with transaction.atomic():
        job = PlanJob.objects.create(
            requested_by=actor if isinstance(actor, User) else None,
            calls=calls or b"",
            source=source[:200],
            params=params,
        )
        audit_write(actor=actor, action="staffing.plan.request", obj=job, detail=params)
        # The task row commits with the job (database backend), so the worker never sees a job
        # that is not there yet.
        plan_make.enqueue(str(job.pk))
    return job


def _outcome(job: PlanJob) -> PlanOutcome:
    params: dict[str, Any] = job.params
    if job.calls:
        start = params.get("week_start")
        return plan_from_csv(
            bytes(job.calls),
            aht_s=params.get("aht_s"),
            patience_s=params.get("patience_s"),
            shrinkage=params["shrinkage"],
            week_start=date.fromisoformat(start) if start else None,
        )
    if not SAMPLE_HISTORIES:
        raise ValueError("No sample history is installed: choose a call history file.")
    _, sample = next(iter(SAMPLE_HISTORIES.values()))
    return sample(params["shrinkage"])


@task()
def plan_make(job_id: str) -> str:
    """The worker's half: make the plan and keep its report (or the reason it cannot)."""
    job = PlanJob.objects.get(pk=job_id)
    if job.status != PlanJob.Status.QUEUED:
        return job.status
    try:
        outcome = _outcome(job)
    except ValueError as problem:
        job.status, job.error = PlanJob.Status.FAILED, str(problem)
    else:
        report = context(
            outcome.plan,
            source=job.source,
            rejected=outcome.history.rejected,
            patience_note=outcome.patience_note,
        )
        report["shifts_csv"] = shifts_csv(outcome.plan)
        job.report_html = render_to_string("staffing/_report_with_download.html", report)
        job.status = PlanJob.Status.DONE
    job.calls, job.finished_at = b"", timezone.now()
    job.save(update_fields=["status", "error", "report_html", "calls", "finished_at"])
    return job.status


PLANS_KEPT = timedelta(days=30)


@task()
def plans_prune() -> int:
    """Delete plans finished more than PLANS_KEPT ago (their reports were downloaded or are
    made again from the history); returns how many."""
    cutoff = timezone.now() - PLANS_KEPT
    deleted, _ = PlanJob.objects.filter(finished_at__lte=cutoff).delete()
    return deleted
