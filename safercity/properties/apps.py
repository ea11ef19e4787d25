from django.apps import AppConfig


class PropertiesConfig(AppConfig):
    name = "safercity.properties"
    label = "properties"
    verbose_name = "Problem Landlord Unit: parcels, owners, portfolios, code enforcement"

    def ready(self) -> None:
        from safercity.accountability.registry import register, register_page
        from safercity.properties.measures import figures

        register(6, figures)
        register_page(6, "properties_public:violations")

        from safercity.core.navigation import register_tool

        group = "Problem Landlord Unit"
        register_tool(group, "Work queue", "properties:queue", "worst rented homes first")
        register_tool(group, "Landlords", "properties:landlords", "portfolios and why")
        register_tool(group, "Code-enforcement cases", "properties:cases", "today's inspections")
        register_tool(group, "Scoring weights", "properties:policy", "analysts set the weights")

        from datetime import timedelta

        from safercity.core.rollups import refresh_rollup
        from safercity.core.tasks import periodic
        from safercity.properties import public  # registers the monthly rollup
        from safercity.properties.tasks import intake_311, nightly_refresh

        periodic("properties:intake", timedelta(minutes=1), intake_311)
        periodic("rollup:properties", timedelta(hours=1), refresh_rollup, "properties:monthly")
        del public
        periodic("properties:refresh", timedelta(days=1), nightly_refresh, at_start=False)
