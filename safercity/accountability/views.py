from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safercity.accountability.selectors import scorecard_view


def home(request: HttpRequest) -> HttpResponse:
    view = scorecard_view()
    return render(
        request,
        "accountability/home.html",
        {"rows": view.rows, "goal": view.goal, "as_of": view.as_of},
    )


def commitment_detail(request: HttpRequest, slug: str) -> HttpResponse:
    view = scorecard_view()
    row = next((r for r in view.rows if r.commitment.slug == slug), None)
    if row is None:
        raise Http404("No such commitment")
    return render(request, "accountability/commitment.html", {"row": row, "as_of": view.as_of})
