from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "safercity.core"
    label = "core"
    verbose_name = "Core: geography, roles, audit"

    def ready(self) -> None:
        from datetime import timedelta

        from safercity.core.tasks import periodic, results_prune

        periodic("tasks:prune", timedelta(days=1), results_prune, at_start=False)


class SaferCityAdminConfig(admin_apps.AdminConfig):
    """Django's admin, opened by the administrator role (see `core.admin_site`)."""

    default = False
    default_site = "safercity.core.admin_site.SaferCityAdminSite"
