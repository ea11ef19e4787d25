from django.apps import AppConfig


class CrimeConfig(AppConfig):
    name = "safercity.crime"
    label = "crime"
    verbose_name = "Crime: SLMPD records and the homicide goal"

    def ready(self) -> None:
        from datetime import timedelta

        from safercity.core.rollups import refresh_rollup
        from safercity.core.tasks import periodic
        from safercity.crime import rollups  # registers the dashboard's rollup

        periodic("rollup:crime", timedelta(minutes=15), refresh_rollup, "crime:dashboard")
        del rollups

        from safercity.accountability.registry import register_homicides_so_far
        from safercity.crime.selectors import so_far_for_the_scorecard

        register_homicides_so_far(so_far_for_the_scorecard)

        from safercity.core.navigation import register_tool

        register_tool("Crime", "Crime imports", "crime_staff:imports", "what each file changed")
