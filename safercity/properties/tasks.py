"""The Problem Landlord Unit's background work: complaints become cases within a minute, and
the derived data (occupancy, portfolios, scores) is rebuilt nightly."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from safercity.core.actors import SystemActor
from safercity.properties.services import cases_from_311, properties_refresh

INTAKE = SystemActor("task:properties-intake", skip_permission_checks=True)
NIGHTLY = SystemActor("task:properties-refresh", skip_permission_checks=True)
# The intake looks back this far, so a worker that was down a while catches up; the nightly
# refresh sweeps every complaint.
INTAKE_LOOKBACK = timedelta(days=2)


@task()
def intake_311() -> int:
    """Open a case for each new 311 property complaint at a parcel."""
    opened, _ = cases_from_311(actor=INTAKE, since=timezone.now() - INTAKE_LOOKBACK)
    return opened


@task()
def nightly_refresh() -> list[str]:
    return properties_refresh(actor=NIGHTLY)
