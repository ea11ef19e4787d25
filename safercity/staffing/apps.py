from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "safercity.staffing"
    label = "staffing"
    verbose_name = "Staffing: call-takers and patrol"

    def ready(self) -> None:
        from datetime import timedelta

        from safercity.core.navigation import register_tool
        from safercity.core.tasks import periodic
        from safercity.staffing.services import plans_prune

        periodic("staffing:prune", timedelta(days=1), plans_prune, at_start=False)

        register_tool("Staffing", "Call-taker staffing plan", "staffing:plan", "next week's shifts")
