"""The intelligence system's duties on the clock: records found unreliable are purged by the
end of the next business day, and records whose period ended without validation are purged."""

from __future__ import annotations

from django_tasks import task

from safercity.core.actors import SystemActor
from safercity.intelligence.services import purge_due

PURGE = SystemActor("task:intelligence-purge", skip_permission_checks=True)


@task()
def purge_records() -> dict[str, int]:
    return purge_due(actor=PURGE)
