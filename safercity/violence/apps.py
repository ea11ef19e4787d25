from django.apps import AppConfig


class ViolenceConfig(AppConfig):
    name = "safercity.violence"
    label = "violence"
    verbose_name = "Focused deterrence: group violence intervention, group level only"

    def ready(self) -> None:
        from safercity.accountability.registry import register, register_page
        from safercity.violence import measures  # registers the quarterly rollup

        register(1, measures.figures)
        register_page(1, "violence_public:quarterly")

        from safercity.core.navigation import register_tool

        group = "Focused deterrence"
        register_tool(group, "Group audit", "violence:groups", "groups, areas, relations")
        register_tool(group, "Audit sessions", "violence:sessions", "confirm what still holds")
        register_tool(group, "Incident review", "violence:reviews", "homicides and shootings")
        register_tool(group, "Shooting review", "violence:shooting_reviews", "weekly, with actions")
        register_tool(group, "Evaluation", "violence:evaluation", "treated against matched groups")
        register_tool(group, "Interventions", "violence:interventions", "call-ins to enforcement")

        from datetime import timedelta

        from safercity.core.tasks import periodic
        from safercity.violence.tasks import purge_expired, queue_reviews

        periodic("violence:purge", timedelta(days=1), purge_expired, at_start=False)
        periodic("violence:reviews", timedelta(hours=1), queue_reviews)

        from safercity.core.rollups import refresh_rollup

        periodic("rollup:violence", timedelta(hours=1), refresh_rollup, "violence:quarterly")
