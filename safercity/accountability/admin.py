from django.contrib import admin

from safercity.accountability.models import Parameter
from safercity.core.admin import ReadOnlyAdmin


@admin.register(Parameter)
class ParameterAdmin(ReadOnlyAdmin):
    list_display = ["key", "label", "value", "unit", "as_of", "source"]
