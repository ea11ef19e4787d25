from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "safercity.core"
    label = "core"
    verbose_name = "Core: geography, roles, audit"
