from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "safercity.accountability"
    label = "accountability"
    verbose_name = "Accountability: the ten commitments"
