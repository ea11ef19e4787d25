from django.apps import AppConfig


class Service311Config(AppConfig):
    name = "safercity.service311"
    label = "service311"
    verbose_name = "311: service requests (Open311 GeoReport v2)"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from safercity.service311.triggers import feed_triggers_install

        post_migrate.connect(feed_triggers_install, sender=self)
        from safercity.accountability.registry import register
        from safercity.service311.measures import figures

        register(5, figures)

        from safercity.core.navigation import register_tool

        register_tool("311", "311 requests", "service311_staff:queue", "work the queues")
        register_tool(
            "311", "Service catalog", "service311_staff:catalog", "deadlines and their history"
        )

        from safercity.core.uploads import media_check
        from safercity.service311.selectors import photo_is_public

        media_check("311", photo_is_public)
