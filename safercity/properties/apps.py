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
