from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "safercity.staffing"
    label = "staffing"
    verbose_name = "Staffing: call-takers and patrol"

    def ready(self) -> None:
        from safercity.core.navigation import register_tool

        register_tool("Staffing", "Call-taker staffing plan", "staffing:plan", "next week's shifts")
