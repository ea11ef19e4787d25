"""Staff roles. Each role is a Django group of the same name; public pages need no role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from safercity.core.actors import Actor, ApiClient, PublicActor, SystemActor


class Role(models.TextChoices):
    CALL_TAKER = "call_taker", "911 call-taker"
    DISPATCHER = "dispatcher", "Dispatcher"
    SUPERVISOR_911 = "supervisor_911", "911 supervisor"
    AGENT_311 = "agent_311", "311 agent"
    INSPECTOR = "inspector", "Building inspector"
    ANALYST = "analyst", "Analyst"
    PROGRAM_STAFF = "program_staff", "Violence-reduction program staff"
    # Focused deterrence's partners, kept apart (GVI role separation): outreach and community
    # partners see services, not enforcement plans; police see enforcement, not services.
    OUTREACH_PARTNER = "outreach_partner", "Outreach or community partner"
    POLICE_PARTNER = "police_partner", "Police partner in focused deterrence"
    CLINICIAN = "clinician", "Crisis clinician or counselor"
    # Intelligence under 28 CFR Part 23: analysts submit, search and disseminate; supervisors
    # review submissions, validate or purge records and watch deadlines; partner liaisons keep
    # the partners' agreements and the requests exchanged with them.
    INTEL_ANALYST = "intel_analyst", "Intelligence analyst"
    INTEL_SUPERVISOR = "intel_supervisor", "Intelligence supervisor"
    PARTNER_LIAISON = "partner_liaison", "Intelligence partner liaison"
    # Patrol staffing's what-if: the command staff weigh reorganizations with the analysts.
    COMMAND_STAFF = "command_staff", "Police command staff"
    # Use of force: officers report it, supervisors review it, the Force Investigation Unit and
    # Internal Affairs investigate, the oversight liaison keeps the hand-offs to outside bodies.
    POLICE_OFFICER = "police_officer", "Police officer"
    POLICE_SUPERVISOR = "police_supervisor", "Police supervisor"
    FORCE_INVESTIGATOR = "force_investigator", "Force investigator"
    INTERNAL_AFFAIRS = "internal_affairs", "Internal Affairs investigator"
    OVERSIGHT_LIAISON = "oversight_liaison", "Oversight liaison"
    # The Office of Equity and Inclusion: the chief equity officer analyses and explains;
    # personnel staff import the HR records. Both read personnel records, every read audited.
    EQUITY_OFFICER = "equity_officer", "Chief equity officer"
    PERSONNEL_STAFF = "personnel_staff", "Personnel records staff"
    # Root causes (commitment 7): the coordinator keeps the directory of addiction,
    # mental-health and housing services; each provider keeps its own services current.
    REFERRAL_COORDINATOR = "referral_coordinator", "Referral and service-directory coordinator"
    SERVICE_PROVIDER = "service_provider", "Service provider (partner)"
    ADMINISTRATOR = "administrator", "Administrator"


def roles_of(actor: Actor) -> frozenset[Role]:
    if isinstance(actor, SystemActor | PublicActor | ApiClient):
        return frozenset()
    if not actor.is_authenticated or not actor.is_active:
        return frozenset()
    names = actor.groups.values_list("name", flat=True)  # type: ignore[attr-defined]
    roles = {Role(name) for name in names if name in Role.values}
    if getattr(actor, "is_superuser", False):
        roles.add(Role.ADMINISTRATOR)  # `createsuperuser` makes the first administrator
    return frozenset(roles)


def has_role(actor: Actor, *roles: Role) -> bool:
    """Does a signed-in user hold one of `roles`? (Services check with `permissions.requires`.)"""
    return bool(roles_of(actor) & set(roles))


def require_role(actor: Actor, *roles: Role) -> None:
    if not has_role(actor, *roles):
        wanted = ", ".join(role.label for role in roles)
        raise PermissionDenied(f"This needs one of these roles: {wanted}.")


ViewFunc = Callable[..., HttpResponseBase]


def role_required(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """A view for signed-in staff holding one of `roles` (others get 403)."""

    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            require_role(request.user, *roles)
            return view(request, *args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return login_required(wrapped)

    return decorate
