from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safercity.demo"
    label = "demo"
    verbose_name = "Demo city"

    def ready(self) -> None:
        from safercity.demo.planning import plan_from_demo
        from safercity.staffing.planning import register_sample_history

        register_sample_history("demo", "the demo city's synthetic 911 history", plan_from_demo)
