"""The module's duties on the clock: providers reminded of referrals they have not answered
or started, the person's details purged after the retention period, and the Equity Indicators
computed from SaferCity's records kept current."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safercity.core.actors import SystemActor
from safercity.equity.computed import indicators_compute, years_to_compute
from safercity.equity.models import Indicator
from safercity.equity.referrals import referrals_purge, referrals_remind

CLOCK = SystemActor("task:referrals", skip_permission_checks=True)
NIGHTLY = SystemActor("task:equity-indicators", skip_permission_checks=True)


@task()
def referrals_on_the_clock() -> dict[str, int]:
    return {"reminded": referrals_remind(actor=CLOCK), "purged": referrals_purge(actor=CLOCK)}


@task()
def indicators_recompute() -> dict[str, int]:
    """The indicators computed from SaferCity's records, kept current: last year and this
    year so far (values entered by hand are kept)."""
    if not Indicator.objects.exclude(computed_from="").exists():
        return {}
    return {str(year): indicators_compute(actor=NIGHTLY, year=year).saved
            for year in years_to_compute(timezone.localdate())}  # fmt: skip
