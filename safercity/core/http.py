from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for type checking)."""

    htmx: HtmxDetails


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
