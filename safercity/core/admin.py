from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from safercity.core.audit import audit_write
from safercity.core.models import Address, AuditEntry, City, Neighborhood, PoliceDistrict, Ward


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Geography changes go through the import commands (the one write path), never here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(City)
class CityAdmin(ReadOnlyAdmin):
    list_display = ["name", "state", "population", "ward_plan", "district_plan", "is_demo"]
    exclude = ["geometry"]


@admin.register(Neighborhood)
class NeighborhoodAdmin(ReadOnlyAdmin):
    list_display = ["number", "name", "is_park", "population"]
    search_fields = ["name"]
    exclude = ["geometry"]


@admin.register(Ward, PoliceDistrict)
class PlanBoundaryAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "name", "population"]
    list_filter = ["plan"]
    exclude = ["geometry"]


@admin.register(Address)
class AddressAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "zip_code", "neighborhood", "ward", "district"]
    search_fields = ["street"]
    list_select_related = ["neighborhood", "ward", "district"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The log can be searched here but never changed."""

    list_display = ["id", "at", "kind", "actor", "action", "object_type", "object_id"]
    list_filter = ["kind", "action"]
    search_fields = ["actor", "action", "object_id"]


class AuditedUserAdmin(UserAdmin[User]):
    """Users and their roles change here; every change is written to the audit log. Only a
    superuser (made with `createsuperuser` on the server) can make another superuser."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fixed = super().get_readonly_fields(request, obj)
        if getattr(request.user, "is_superuser", False):
            return fixed
        return (*fixed, "is_superuser", "is_staff", "user_permissions", "last_login", "date_joined")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = sorted(set(form.changed_data) - {"password", "groups"})
        audit_write(
            actor=request.user,
            action="staff.user.change" if change else "staff.user.create",
            obj=obj,
            detail={"fields": changed},
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        before = set(form.instance.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.groups.values_list("name", flat=True))
        if before != after:
            audit_write(
                actor=request.user,
                action="staff.roles.change",
                obj=form.instance,
                detail={"added": sorted(after - before), "removed": sorted(before - after)},
            )


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
