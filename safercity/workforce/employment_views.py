"""The equity officer's pages on the workforce itself: complaints, discipline and separations per
100 employees by group, training completion and evaluation, the workforce against the city's
population, hiring and promotion year by year, the import of employment records, and the
population figures."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safercity.core.inputs import InputRefused
from safercity.core.roles import Role, has_role, role_required
from safercity.workforce import employment, engine, services
from safercity.workforce.forms import DimensionForm, PopulationForm, RecordsImportForm, YearForm
from safercity.workforce.models import DIMENSIONS, PopulationShare, Review
from safercity.workforce.services import PERSONNEL


@role_required(*PERSONNEL)
def employment_page(request: HttpRequest) -> HttpResponse:
    years = employment.years()
    this_year = timezone.localdate().year
    shown = [y for y in years if y <= this_year] or [this_year]
    form = YearForm(request.GET or None, years=shown, initial={"year": shown[0]})
    year, dimension = shown[0], "race_ethnicity"
    if form.is_bound and form.is_valid():
        year, dimension = form.cleaned_data["year"], form.cleaned_data["dimension"]
    on = min(date(year, 12, 31), timezone.localdate())
    shares, unstated, source = employment.representation(dimension, on)
    by_year = [employment.rates(y, dimension) for y in sorted(shown)]
    rates = next(r for r in by_year if r.year == year)  # the year asked for is one shown
    return render(
        request,
        "workforce/employment.html",
        {
            "form": form,
            "year": year,
            "dimension": DIMENSIONS[dimension][0],
            "has_records": bool(years),
            "rates": rates,
            "rate_rows": [
                (r, [(r.counts[k], r.per_100[k], r.ratio[k]) for k, _ in employment.RATES])
                for r in rates.rows
            ],
            "kinds": [label for _, label in employment.RATES],
            "training": employment.training(year, dimension),
            "reviews": {
                (r.stage, r.group): r
                for r in Review.objects.filter(
                    cycle=employment.training_cycle(year), dimension=dimension
                )
            },
            "shares": shares,
            "share_on": on,
            "unstated": unstated,
            "population_source": source,
            "years": sorted(shown),
            "by_year": _rates_by_year(by_year),
        },
    )


@role_required(*PERSONNEL)
def trends_page(request: HttpRequest) -> HttpResponse:
    form = DimensionForm(request.GET or None)
    dimension = "race_ethnicity"
    if form.is_bound and form.is_valid():
        dimension = form.cleaned_data["dimension"]
    years, trends = services.trends(dimension)
    return render(
        request,
        "workforce/trends.html",
        {
            "form": form,
            "dimension": DIMENSIONS[dimension][0],
            "years": years,
            "trends": [
                (t, [t.by_year.get(y) for y in years], _groups(t.by_year, years)) for t in trends
            ],
        },
    )


def _rates_by_year(
    by_year: list[employment.Rates],
) -> list[tuple[str, list[tuple[str, list[float | None]]]]]:
    """For each kind of record, each group's rate per 100 in each year."""
    tables = []
    for kind, label in employment.RATES:
        groups: dict[str, list[float | None]] = {}
        for n, rates in enumerate(by_year):
            for row in rates.rows:
                groups.setdefault(row.group, [None] * len(by_year))[n] = row.per_100[kind]
        tables.append((label, list(groups.items())))
    return tables


def _groups(
    by_year: dict[int, list[engine.GroupResult]], years: list[int]
) -> list[tuple[str, list[object]]]:
    """Each group of a stage with its result in each year (None where it had no one)."""
    names: list[str] = []
    for y in years:
        for r in by_year.get(y, []):
            if r.group not in names:
                names.append(r.group)
    return [
        (g, [next((r for r in by_year.get(y, []) if r.group == g), None) for y in years])
        for g in names
    ]


@role_required(*PERSONNEL)
def records_import_page(request: HttpRequest) -> HttpResponse:
    form, report = RecordsImportForm(), None
    if request.method == "POST":
        form = RecordsImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = employment.import_records(
                    actor=request.user, data=upload.read(), mapping=form.mapping(), name=upload.name
                )
            except InputRefused as problem:
                form.add_error(None, str(problem))
            else:
                if report.saved:
                    messages.success(
                        request,
                        f"Imported {report.rows} rows: {report.events} records of "
                        f"{report.people} people.",
                    )
                    return redirect("workforce:employment")
    return render(request, "workforce/records_import.html", {"form": form, "report": report})


@role_required(*PERSONNEL)
def population_page(request: HttpRequest) -> HttpResponse:
    chosen = DimensionForm(request.GET or None)
    dimension = "race_ethnicity"
    if chosen.is_bound and chosen.is_valid():
        dimension = chosen.cleaned_data["dimension"]
    saved = {p.group: p for p in PopulationShare.objects.filter(dimension=dimension)}
    groups = DIMENSIONS[dimension][1]
    initial: dict[str, object] = {
        f"share_{n}": round(saved[g].share * 100, 2) for n, g in enumerate(groups) if g in saved
    }
    if saved:
        initial["source"] = next(iter(saved.values())).source
    form = PopulationForm(dimension=dimension, initial=initial)
    may_edit = has_role(request.user, Role.EQUITY_OFFICER)
    if request.method == "POST" and may_edit:
        form = PopulationForm(request.POST, dimension=dimension)
        if form.is_valid():
            try:
                employment.population_set(
                    actor=request.user,
                    dimension=dimension,
                    shares=form.shares(),
                    source=form.cleaned_data["source"],
                )
            except InputRefused as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(
                    request, f"The city's population by {DIMENSIONS[dimension][0]} is saved."
                )
                return redirect(f"{request.path}?dimension={dimension}")
    return render(
        request,
        "workforce/population.html",
        {
            "chosen": chosen,
            "form": form,
            "dimension": dimension,
            "label": DIMENSIONS[dimension][0],
            "may_edit": may_edit,
        },
    )
