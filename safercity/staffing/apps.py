from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "safercity.staffing"
    label = "staffing"
    verbose_name = "Staffing: call-takers and patrol"

    def ready(self) -> None:
        from datetime import timedelta

        from safercity.accountability.registry import register
        from safercity.core.navigation import register_tool
        from safercity.core.tasks import periodic
        from safercity.staffing import patrol_measures
        from safercity.staffing.services import plans_prune

        periodic("staffing:prune", timedelta(days=1), plans_prune, at_start=False)
        register(2, patrol_measures.figures)

        register_tool("Staffing", "Call-taker staffing plan", "staffing:plan", "next week's shifts")
        register_tool("Patrol", "Patrol workload", "staffing:patrol", "need, saturation by hour")
        register_tool("Patrol", "Reorganization what-if", "staffing:scenarios", "scenarios")
        register_tool("Patrol", "Rosters", "staffing:rosters", "who was on duty")
