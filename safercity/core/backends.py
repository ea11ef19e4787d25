"""Django's admin asks `user.has_perm`; here the answer comes from the person's role, so the
administrator role can manage users and roles and read every record without anyone editing
Django's permission tables. Every other change goes through the services, never the admin."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from safercity.core.roles import Role, has_role

# What the administrator role may change in the admin; it may view everything registered.
# Deleting a failed-sign-in record (django-axes) lifts that lockout.
ADMIN_CHANGES = {"auth.add_user", "auth.change_user", "axes.delete_accessattempt"}


class RoleBackend(BaseBackend):
    def has_perm(self, user_obj: Any, perm: str, obj: object = None) -> bool:
        if not has_role(user_obj, Role.ADMINISTRATOR):
            return False
        codename = perm.partition(".")[2]
        return codename.startswith("view_") or perm in ADMIN_CHANGES

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return has_role(user_obj, Role.ADMINISTRATOR)
