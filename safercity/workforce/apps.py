from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "safercity.workforce"
    label = "workforce"
    verbose_name = "Office of Equity and Inclusion: hiring, promotion, discipline"

    def ready(self) -> None:
        from safercity.accountability.registry import register, register_page
        from safercity.core.navigation import register_tool
        from safercity.workforce import measures, publication  # noqa: F401 (its rollup)

        register(10, measures.figures)
        register_page(10, "workforce_public:report")
        register_tool(
            "Equity and inclusion",
            "Selection rates by step",
            "workforce:home",
            "the four-fifths rule, reviews",
        )
        register_tool(
            "Equity and inclusion",
            "Import HR records",
            "workforce:import",
            "pipeline steps from an HR export",
        )
