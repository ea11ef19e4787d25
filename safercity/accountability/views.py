from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.accountability.registry import scorecard
from safercity.accountability.selectors import homicide_goal


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accountability/home.html",
        {"rows": scorecard(), "goal": homicide_goal()},
    )


def commitment_detail(request: HttpRequest, slug: str) -> HttpResponse:
    row = next((r for r in scorecard() if r.commitment.slug == slug), None)
    if row is None:
        raise Http404("No such commitment")
    return render(request, "accountability/commitment.html", {"row": row})
