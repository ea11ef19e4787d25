from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "safercity.core"
    label = "core"
    verbose_name = "Core: geography, roles, audit"

    def ready(self) -> None:
        from datetime import timedelta

        from django.core import checks
        from django.db.models.signals import post_migrate

        from safercity.core import deploychecks
        from safercity.core.tasks import audit_checkpoint, periodic, results_prune

        periodic("tasks:prune", timedelta(days=1), results_prune, at_start=False)
        periodic("audit:checkpoint", timedelta(minutes=10), audit_checkpoint)
        post_migrate.connect(_guard_audit, sender=self)
        from axes.signals import user_locked_out

        user_locked_out.connect(_audit_lockout, dispatch_uid="safercity-audit-lockout")
        checks.register(deploychecks.audit_key, checks.Tags.security, deploy=True)


def _guard_audit(using: str = "default", **_: object) -> None:
    """(Re)install the audit log's append-only triggers after every migrate."""
    from django.db import connections

    from safercity.core.guards import install_audit_guard

    install_audit_guard(connections[using])


class SaferCityAdminConfig(admin_apps.AdminConfig):
    """Django's admin, opened by the administrator role (see `core.admin_site`)."""

    default = False
    default_site = "safercity.core.admin_site.SaferCityAdminSite"


def _audit_lockout(
    sender: object, request: object = None, username: str = "", ip_address: str = "", **_: object
) -> None:
    """A sign-in lockout goes into the audit log once when it begins (axes signals again at
    each refused try; the attempts themselves stay in axes's table, shown in the admin: an
    attacker trying names must not flood the log)."""
    from django.conf import settings
    from django.utils import timezone

    from safercity.core.actors import SystemActor
    from safercity.core.audit import audit_write
    from safercity.core.models import AuditEntry

    already = AuditEntry.objects.filter(
        action="core.login.locked_out",
        at__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        detail__username=username or "",
        detail__address=ip_address or "",
    )
    if already.exists():
        return
    audit_write(
        actor=SystemActor("login-throttle"),
        action="core.login.locked_out",
        detail={"username": username or "", "address": ip_address or ""},
    )
