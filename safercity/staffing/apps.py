from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "safercity.staffing"
    label = "staffing"
    verbose_name = "Staffing: call-takers and patrol"
