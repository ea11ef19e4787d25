"""Keeping the service directory: the coordinator adds organizations and services and links a
provider's staff to their organization; a provider keeps its own services current (status,
eligibility, hours, free beds or slots), and nobody else's. Every change is audited."""

from __future__ import annotations

import uuid
from datetime import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role, has_role
from safercity.equity.models import Capacity, Organization, ProviderAccount, Schedule, Service

DIRECTORY = (Role.REFERRAL_COORDINATOR, Role.SERVICE_PROVIDER)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SERVICE_FIELDS = (
    "name",
    "description",
    "kind",
    "status",
    "url",
    "email",
    "phone",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "application_process",
    "fees_description",
    "languages",
)


def provider_organization(actor: Actor) -> uuid.UUID | None:
    """The organization a provider's staff member speaks for (None for anyone else)."""
    if not has_role(actor, Role.SERVICE_PROVIDER):
        return None
    account = ProviderAccount.objects.filter(user=actor).first()  # type: ignore[misc]
    return account.organization_id if account else None


def _require_keeper(actor: Actor, service: Service) -> None:
    """The coordinator keeps every service; a provider, its own organization's."""
    keeps = has_role(actor, Role.REFERRAL_COORDINATOR) or (
        provider_organization(actor) == service.organization_id
    )
    if not keeps:
        raise PermissionDenied("Only the service's own provider or the coordinator may change it.")


@requires(Role.REFERRAL_COORDINATOR)
def organization_save(
    *, actor: Actor, organization: Organization | None = None, **values: Any
) -> Organization:
    org = organization or Organization()
    for key, value in values.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    if not org.name or not org.description:
        raise InputRefused("An organization needs a name and a description.")
    with transaction.atomic():
        org.save()
        audit_write(actor=actor, action="equity.organization.save", obj=org)
    return org


def _check_service(values: dict[str, Any]) -> None:
    if not (values.get("name") or "").strip():
        raise InputRefused("A service needs a name.")
    low, high = values.get("minimum_age"), values.get("maximum_age")
    if low is not None and high is not None and low > high:
        raise InputRefused("The minimum age is above the maximum age.")
    codes = [c.strip() for c in (values.get("languages") or "").split(",") if c.strip()]
    if any(not (c.isascii() and c.isalpha() and 2 <= len(c) <= 3) for c in codes):
        raise InputRefused("Languages are two- or three-letter codes, comma-separated (en,es).")


@requires(*DIRECTORY)
def service_save(
    *, actor: Actor, service: Service | None = None, organization: Organization | None = None,
    **values: Any,
) -> Service:  # fmt: skip
    """A new service (the coordinator, naming its organization), or changes to one (its
    provider or the coordinator)."""
    if service is None:
        if not has_role(actor, Role.REFERRAL_COORDINATOR) or organization is None:
            raise PermissionDenied("Only the coordinator adds services, to an organization.")
        service = Service(organization=organization)
    else:
        _require_keeper(actor, service)
    unknown = set(values) - set(SERVICE_FIELDS)
    if unknown:
        raise InputRefused(f"Unknown fields: {', '.join(sorted(unknown))}.")
    merged = {f: getattr(service, f) for f in SERVICE_FIELDS} | values
    _check_service(merged)
    for key, value in values.items():
        setattr(service, key, value.strip() if isinstance(value, str) else value)
    service.languages = ",".join(
        c.strip().lower() for c in service.languages.split(",") if c.strip()
    )
    service.assured_date = timezone.localdate()
    with transaction.atomic():
        service.save()
        audit_write(actor=actor, action="equity.service.save", obj=service,
                    detail={"fields": sorted(values)})  # fmt: skip
    return service


@requires(*DIRECTORY)
def capacity_update(
    *, actor: Actor, service: Service, unit: str, available: int, maximum: int | None = None,
    description: str = "",
) -> Capacity:  # fmt: skip
    """How many beds, slots or appointments are free now."""
    _require_keeper(actor, service)
    unit = unit.strip().lower()
    if not unit or len(unit) > 40:
        raise InputRefused("Name the unit (bed, slot, appointment), in at most 40 characters.")
    if available < 0 or (maximum is not None and maximum < 0):
        raise InputRefused("Counts cannot be negative.")
    if maximum is not None and available > maximum:
        raise InputRefused(f"{available} available is more than the maximum of {maximum}.")
    with transaction.atomic():
        capacity, _ = Capacity.objects.update_or_create(
            service=service,
            unit=unit,
            defaults={
                "available": available,
                "maximum": maximum,
                "description": description.strip()[:300],
                "updated": timezone.now(),
            },
        )
        Service.objects.filter(pk=service.pk).update(
            assured_date=timezone.localdate(), modified_at=timezone.now()
        )
        audit_write(actor=actor, action="equity.capacity.update", obj=service,
                    detail={"unit": unit, "available": available})  # fmt: skip
    return capacity


@requires(*DIRECTORY)
def hours_set(
    *, actor: Actor, service: Service, hours: list[tuple[list[str], time, time]]
) -> list[Schedule]:
    """The service's weekly hours: each entry is some days and one opening time; the rest
    replaced."""
    _require_keeper(actor, service)
    for days, opens, closes in hours:
        if not days or any(d not in DAYS for d in days):
            raise InputRefused("Each opening names days of the week.")
        if opens >= closes:
            raise InputRefused(f"Opening at {opens:%H:%M} and closing at {closes:%H:%M}: "
                               "close after opening (split a night across two days).")  # fmt: skip
    with transaction.atomic():
        service.schedules.all().delete()
        made = [
            Schedule.objects.create(
                service=service,
                byday=",".join(d for d in DAYS if d in days),
                opens_at=opens,
                closes_at=closes,
            )
            for days, opens, closes in hours
        ]
        Service.objects.filter(pk=service.pk).update(modified_at=timezone.now())
        audit_write(actor=actor, action="equity.hours.set", obj=service,
                    detail={"openings": len(made)})  # fmt: skip
    return made


@requires(Role.REFERRAL_COORDINATOR)
def provider_link(*, actor: Actor, username: str, organization: Organization) -> ProviderAccount:
    """A provider's staff member speaks for this organization."""
    user = get_user_model().objects.filter(username=username.strip()).first()
    if user is None:
        raise InputRefused(f"There is no account {username!r}.")
    if not has_role(user, Role.SERVICE_PROVIDER):
        raise InputRefused(f"{username} does not hold the service-provider role.")
    with transaction.atomic():
        account, _ = ProviderAccount.objects.update_or_create(
            user=user, defaults={"organization": organization}
        )
        audit_write(actor=actor, action="equity.provider.link", obj=organization,
                    detail={"user": user.get_username()})  # fmt: skip
    return account
