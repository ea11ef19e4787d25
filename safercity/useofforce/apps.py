from django.apps import AppConfig


class UseOfForceConfig(AppConfig):
    name = "safercity.useofforce"
    label = "useofforce"
    verbose_name = "Use of force: incidents, investigations, published data"

    def ready(self) -> None:
        from safercity.accountability.registry import register
        from safercity.core.navigation import register_tool
        from safercity.useofforce import measures

        register(9, measures.figures)
        register_tool("Use of force", "Cases on the clock", "useofforce:board", "who holds each")
        register_tool("Use of force", "Report a use of force", "useofforce:report",
                      "the officer's report")  # fmt: skip
        register_tool("Use of force", "Complaints", "useofforce:complaints",
                      "allegations, findings, discipline")  # fmt: skip
