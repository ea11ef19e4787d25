"""The chief equity officer's pages: each cycle's steps by group (rates, impact ratios, the
four-fifths flag, the tests, the shortfall), the reviews of flagged steps, the drill-down to a
step's records (audited), and the import of HR exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from safercity.core.inputs import InputRefused
from safercity.core.roles import Role, has_role, role_required
from safercity.workforce import services
from safercity.workforce.employment import TRAINING_STEPS
from safercity.workforce.forms import AnalysisForm, ExplainForm, ImportForm
from safercity.workforce.models import DIMENSIONS, Review
from safercity.workforce.services import PERSONNEL


@role_required(*PERSONNEL)
def home_page(request: HttpRequest) -> HttpResponse:
    cycles = services.cycles()
    names = [c for c, _, _ in cycles]
    form = AnalysisForm(
        request.GET or None, cycles=names, initial={"cycle": names[0] if names else ""}
    )
    cycle, dimension = (names[0] if names else ""), "race_ethnicity"
    if form.is_bound and form.is_valid():
        cycle, dimension = form.cleaned_data["cycle"], form.cleaned_data["dimension"]
    stages = services.analysis(cycle, dimension) if cycle else []
    reviews = {
        (r.stage, r.group): r for r in Review.objects.filter(cycle=cycle, dimension=dimension)
    }
    return render(
        request,
        "workforce/home.html",
        {
            "form": form,
            "cycles": cycles,
            "cycle": cycle,
            "dimension": DIMENSIONS[dimension][0],
            "stages": stages,
            "reviews": reviews,
            "open_reviews": Review.objects.filter(status=Review.Status.OPEN),
        },
    )


@role_required(*PERSONNEL)
def review_page(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(Review, pk=pk)
    form = ExplainForm(initial={"explanation": review.explanation, "actions": review.actions})
    if request.method == "POST":
        form = ExplainForm(request.POST)
        if form.is_valid():
            try:
                services.review_explain(
                    actor=request.user,
                    review=review,
                    explanation=form.cleaned_data["explanation"],
                    actions=form.cleaned_data["actions"],
                )
            except InputRefused as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(
                    request, f"Explanation recorded for {review.group} at the {review.stage}."
                )
                return redirect("workforce:review", pk=review.pk)
    return render(
        request,
        "workforce/review.html",
        {
            "review": review,
            "form": form,
            "dimension": DIMENSIONS[review.dimension][0],
            "may_explain": has_role(request.user, Role.EQUITY_OFFICER),
            "training_year": services.cycle_year(review.cycle)
            if review.stage in TRAINING_STEPS
            else None,
        },
    )


@role_required(*PERSONNEL)
def stage_page(request: HttpRequest) -> HttpResponse:
    cycle, stage = request.GET.get("cycle", ""), request.GET.get("stage", "")
    steps = services.stage_people(actor=request.user, cycle=cycle, stage=stage)
    return render(request, "workforce/stage.html", {"cycle": cycle, "stage": stage, "steps": steps})


@role_required(*PERSONNEL)
def import_page(request: HttpRequest) -> HttpResponse:
    form, report = ImportForm(), None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = services.import_steps(
                    actor=request.user,
                    data=upload.read(),
                    mapping=form.mapping(),
                    name=upload.name,
                    cycle=form.cleaned_data["cycle"],
                    process=form.cleaned_data["process"],
                )
            except InputRefused as problem:
                form.add_error(None, str(problem))
            else:
                if report.saved:
                    messages.success(
                        request,
                        f"Imported {report.steps} steps of "
                        f"{report.people} people; {report.reviews_opened} "
                        "flagged step(s) opened for review.",
                    )
                    return redirect("workforce:home")
    return render(request, "workforce/import.html", {"form": form, "report": report})
