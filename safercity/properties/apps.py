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

        from django.db.models.signals import post_save

        from safercity.properties.services import case_on_new_request
        from safercity.service311.models import ServiceRequest

        post_save.connect(case_on_new_request, sender=ServiceRequest, dispatch_uid="plu-intake")
