from django.apps import AppConfig


class CrimeConfig(AppConfig):
    name = "safercity.crime"
    label = "crime"
    verbose_name = "Crime: SLMPD records and the homicide goal"
