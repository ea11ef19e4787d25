from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    name = "safercity.emergency"
    label = "emergency"
    verbose_name = "911: calls, queue, callbacks"

    def ready(self) -> None:
        from safercity.accountability.registry import register
        from safercity.emergency.measures import clinician_figures, figures

        register(4, figures)
        register(8, clinician_figures)
