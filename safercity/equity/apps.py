from django.apps import AppConfig


class EquityConfig(AppConfig):
    name = "safercity.equity"
    label = "equity"
    verbose_name = "Root causes: the service directory (HSDS) and referrals"

    def ready(self) -> None:
        from safercity.core.navigation import register_tool

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
