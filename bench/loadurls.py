from django.http import HttpRequest, HttpResponse
from django.urls import path

from safercity.urls import urlpatterns as product_urls


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product_urls]
