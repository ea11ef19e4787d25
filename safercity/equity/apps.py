from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "safercity.equity"
    label = "equity"
    verbose_name = "Root causes: the service directory (HSDS) and referrals"

    def ready(self) -> None:
        from datetime import timedelta

        from safercity.accountability.registry import register, register_page
        from safercity.core.navigation import register_tool
        from safercity.core.rollups import refresh_rollup
        from safercity.core.tasks import periodic
        from safercity.equity import indicators, measures  # noqa: F401 (its rollup)
        from safercity.equity.tasks import indicators_recompute, referrals_on_the_clock

        register(7, measures.figures)
        register_page(7, "equity_indicators:report")
        periodic("rollup:equity-indicators", timedelta(hours=6), refresh_rollup,
                 "equity:indicators")  # fmt: skip
        register_tool(
            "Services and referrals",
            "Equity Indicators: import",
            "equity_indicators_staff:import",
            "the framework, each year's values, the ratio-to-score table",
        )
        periodic("equity:referrals", timedelta(hours=1), referrals_on_the_clock)
        periodic("equity:computed-indicators", timedelta(days=1), indicators_recompute)
        register_tool(
            "Services and referrals",
            "Referrals",
            "equity:referrals",
            "sent, accepted, started, completed; the providers' answers",
        )

        register_tool(
            "Services and referrals",
            "Service directory",
            "equity:directory",
            "addiction, mental-health and housing services; beds and slots free",
        )
        register_tool(
            "Services and referrals",
            "Import HSDS",
            "equity:import",
            "services from another directory (Open Referral HSDS 3.0)",
        )
