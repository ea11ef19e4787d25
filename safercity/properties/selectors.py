"""Reads for the Problem Landlord Unit's pages."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

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
