"""Read-only views of the property records for administrators. Every change goes through the
services (pages, importers, commands), which check roles and write the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from safercity.properties.models import (
    Case,
    LraHolding,
    Parcel,
    Portfolio,
    PropertyEvent,
    ScoringPolicy,
    VacancyEstimate,
    Violation,
)


class ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Parcel)
class ParcelAdmin(ReadOnly):
    list_display = ("handle", "site_address", "owner_name", "occupancy", "units", "score")
    list_filter = ("occupancy",)
    search_fields = ("handle", "site_address", "owner_name")


@admin.register(Portfolio)
class PortfolioAdmin(ReadOnly):
    list_display = ("name", "owner_kind", "parcels_count", "non_owner_parcels", "score")
    search_fields = ("name",)


@admin.register(Case)
class CaseAdmin(ReadOnly):
    list_display = ("pk", "parcel", "source", "state", "opened_at", "closed_at")
    list_filter = ("state", "source")


@admin.register(Violation)
class ViolationAdmin(ReadOnly):
    list_display = ("code", "description", "issued_on", "comply_by", "non_owner_occupied")


admin.site.register(LraHolding, ReadOnly)
admin.site.register(VacancyEstimate, ReadOnly)
admin.site.register(PropertyEvent, ReadOnly)
admin.site.register(ScoringPolicy, ReadOnly)
