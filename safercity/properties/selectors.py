"""Reads for the Problem Landlord Unit's pages. Owner names and mailing addresses can be
people's, so every read that shows them takes the actor, checks it and records who looked:
list pages record the page they showed."""

from __future__ import annotations

from typing import TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from safercity.core.actors import Actor
from safercity.core.audit import audit_read
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.properties.engine.cases import State
from safercity.properties.engine.occupancy import Occupancy
from safercity.properties.models import Case, Parcel, Portfolio


def open_cases() -> QuerySet[Case]:
    return Case.objects.exclude(state=State.CLOSED)


def work_queue(ward: int | None = None, with_open_case: bool = False) -> QuerySet[Parcel]:
    """Non-owner-occupied parcels with dwelling units, worst score first: what to inspect."""
    has_open = Exists(open_cases().filter(parcel=OuterRef("pk")))
    found = (
        Parcel.objects.filter(occupancy=Occupancy.NON_OWNER, units__gt=0, score__gt=0)
        .annotate(has_open_case=has_open)
        .select_related("portfolio", "ward", "neighborhood")
        .order_by("-score", "pk")
    )
    if ward is not None:
        found = found.filter(ward__number=ward)
    if not with_open_case:
        found = found.filter(has_open_case=False)
    return found


def landlords() -> QuerySet[Portfolio]:
    """Portfolios that rent homes out, worst score first."""
    return Portfolio.objects.filter(non_owner_parcels__gt=0).exclude(owner_kind="public")


VIEW_ROLES = (Role.INSPECTOR, Role.ANALYST, Role.ADMINISTRATOR)
PAGE_SIZE = 50


M = TypeVar("M", Parcel, Portfolio)


def _page_read(actor: Actor, action: str, rows: QuerySet[M], number: str | None,
               detail: dict[str, object]) -> Page[M]:  # fmt: skip
    page: Page[M] = Paginator(rows, PAGE_SIZE).get_page(number)
    shown = [row.pk for row in page.object_list]
    audit_read(actor=actor, action=action, detail={**detail, "page": page.number, "ids": shown})
    return page


@requires(*VIEW_ROLES)
def work_queue_page(
    *, actor: Actor, ward: int | None, with_open_case: bool, number: str | None
) -> Page[Parcel]:
    return _page_read(
        actor,
        "properties.queue.view",
        work_queue(ward, with_open_case),
        number,
        {"ward": ward, "with_open_case": with_open_case},
    )


@requires(*VIEW_ROLES)
def landlords_page(*, actor: Actor, number: str | None) -> Page[Portfolio]:
    return _page_read(actor, "properties.landlords.view", landlords(), number, {})


@requires(*VIEW_ROLES)
def portfolio_read(*, actor: Actor, pk: int) -> Portfolio:
    portfolio = get_object_or_404(Portfolio, pk=pk)
    audit_read(actor=actor, action="properties.portfolio.view", obj=portfolio)
    return portfolio


@requires(*VIEW_ROLES)
def parcel_read(*, actor: Actor, handle: str) -> Parcel:
    parcel = get_object_or_404(
        Parcel.objects.select_related("portfolio", "ward", "neighborhood"), handle=handle
    )
    audit_read(actor=actor, action="properties.parcel.view", obj=parcel)
    return parcel
