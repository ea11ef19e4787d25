"""Long lists on staff pages, a page at a time: `paged(request, items, "parcels")` reads the
page number from `?parcels=N` (a bad or out-of-range number gives the nearest page) and keeps
the rest of the query, so a page with several long lists pages each on its own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Paged:
    page: Page[Any]
    param: str
    previous_query: str  # "" when there is no previous page
    next_query: str


def paged(
    request: HttpRequest, items: QuerySet[Any] | Sequence[Any], param: str, per_page: int = 50
) -> Paged:
    page = Paginator(items, per_page).get_page(request.GET.get(param))

    def query(number: int) -> str:
        asked = request.GET.copy()
        asked[param] = str(number)
        return "?" + asked.urlencode()

    return Paged(
        page=page,
        param=param,
        previous_query=query(page.previous_page_number()) if page.has_previous() else "",
        next_query=query(page.next_page_number()) if page.has_next() else "",
    )
