"""The referrals' duties on the clock: providers reminded of referrals they have not answered
or started, and the person's details purged after the retention period."""

from __future__ import annotations

from django_tasks import task

from safercity.core.actors import SystemActor
from safercity.equity.referrals import referrals_purge, referrals_remind

CLOCK = SystemActor("task:referrals", skip_permission_checks=True)


@task()
def referrals_on_the_clock() -> dict[str, int]:
    return {"reminded": referrals_remind(actor=CLOCK), "purged": referrals_purge(actor=CLOCK)}
