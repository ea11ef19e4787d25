from django.apps import AppConfig


class UseOfForceConfig(AppConfig):
    name = "safercity.useofforce"
    label = "useofforce"
    verbose_name = "Use of force: incidents, investigations, published data"

    def ready(self) -> None:
        from safercity.accountability.registry import register, register_page
        from safercity.core.navigation import register_tool
        from safercity.useofforce import measures, publication  # noqa: F401 (its rollups)

        register(9, measures.figures)
        register_page(9, "useofforce_public:dashboard")
        register_tool("Use of force", "Cases on the clock", "useofforce:board", "who holds each")
        register_tool("Use of force", "Report a use of force", "useofforce:report",
                      "the officer's report")  # fmt: skip
        register_tool("Use of force", "Complaints", "useofforce:complaints",
                      "allegations, findings, discipline")  # fmt: skip
        register_tool("Use of force", "Exports", "useofforce:exports",
                      "FBI monthly, Missouri annual")  # fmt: skip
        register_tool("Use of force", "Policy and published data", "useofforce:settings",
                      "policy versions, population")  # fmt: skip

        from datetime import timedelta

        from safercity.core.rollups import refresh_rollup
        from safercity.core.tasks import periodic

        # Stages fall overdue and waits grow with no change to any record: refresh hourly.
        for name in ("useofforce:public", "useofforce:dataset"):
            periodic(f"rollup:{name}", timedelta(hours=1), refresh_rollup, name)
