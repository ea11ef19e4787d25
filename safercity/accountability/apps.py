from datetime import timedelta

from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "safercity.accountability"
    label = "accountability"
    verbose_name = "Accountability: the ten commitments"

    def ready(self) -> None:
        from safercity.accountability import selectors  # registers the scorecard rollup
        from safercity.core.rollups import refresh_rollup
        from safercity.core.tasks import periodic

        # Figures that count "the last hour" change with the clock as well as with records.
        periodic("rollup:scorecard", timedelta(minutes=1), refresh_rollup, "scorecard")
        del selectors
