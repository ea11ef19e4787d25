from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "safercity.demo"
    label = "demo"
    verbose_name = "Demo city"
