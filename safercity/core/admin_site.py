"""The admin is for administrators by role (not Django's separate `is_staff` flag)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from safercity.core.roles import Role, has_role


class SaferCityAdminSite(admin.AdminSite):
    site_header = "SaferCity administration"
    site_title = "SaferCity"

    def has_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.ADMINISTRATOR)
