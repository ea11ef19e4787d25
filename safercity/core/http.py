from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.middleware import HtmxDetails

from safercity.core.inputs import InputRefused


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


def refused(request: HttpRequest, error: str, back: str, status: int = 400) -> HttpResponse:
    """A staff form sent without htmx (no script) and refused: the site's layout, the reason,
    and a link back to the page it came from (htmx forms show the error in place instead)."""
    return render(request, "core/refused.html", {"error": error, "back": back}, status=status)


def form_done(
    request: HttpRequest, form: forms.Form, do: Callable[[dict[str, Any]], Model | None],
    route: str, pk: int | None = None,
) -> HttpResponse | None:  # fmt: skip
    """A form sent: its data given to a service, then the page `route` names (for the record
    the service returned, or `pk`); or None, with the service's refusal on the form, for the
    view to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        made = do(form.cleaned_data)
    except InputRefused as refused:
        form.add_error(None, str(refused))
        return None
    target = pk if pk is not None else getattr(made, "pk", None)
    return redirect(route, pk=target) if target is not None else redirect(route)


def form_status(request: HttpRequest) -> int:
    """A form page shown again after a POST was refused: 400, so clients and tests see the
    refusal; a form page shown to be filled in: 200."""
    return 400 if request.method == "POST" else 200


def client_address(request: HttpRequest) -> str:
    """The caller's address. Behind N trusted proxies (SAFERCITY_TRUSTED_PROXIES) it is the
    N-th address from the right of X-Forwarded-For: the ones further left the client could
    have written itself."""
    from django.conf import settings

    hops = settings.SAFERCITY_TRUSTED_PROXIES
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-hops] if len(forwarded) >= hops else remote
