from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


def refused(request: HttpRequest, error: str, back: str, status: int = 400) -> HttpResponse:
    """A staff form sent without htmx (no script) and refused: the site's layout, the reason,
    and a link back to the page it came from (htmx forms show the error in place instead)."""
    return render(request, "core/refused.html", {"error": error, "back": back}, status=status)


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
