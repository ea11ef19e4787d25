"""The patrol pages (issue 18): the workload and each district's need, the rosters, the
model's settings, the department's units, and the reorganization scenarios."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.inputs import InputRefused
from safercity.core.months import month_before
from safercity.core.roles import role_required
from safercity.core.tabular import FileRefused
from safercity.staffing.models import DepartmentUnit, RosterShift, Scenario, Workload
from safercity.staffing.patrol import (
    PATROL_ROLES,
    RosterReport,
    call_type_set,
    latest_workload,
    model_settings,
    model_update,
    roster_add,
    roster_import,
    roster_remove,
    workload_request,
)
from safercity.staffing.patrol_forms import (
    CallTypeForm,
    ModelForm,
    RosterShiftForm,
    RosterUploadForm,
    ScenarioForm,
    StepForm,
    UnitForm,
    WorkloadForm,
)
from safercity.staffing.scenarios import (
    MEASURES,
    STEP_KINDS,
    Picture,
    Result,
    describe_step,
    heat_rows,
    month_coverage,
    picture,
    result,
    results_csv,
    scenario_create,
    scenario_delete,
    scenario_step_add,
    scenario_step_remove,
    show,
    unit_delete,
    unit_save,
)

MONTHS_SHOWN = 12


def _band(share: float) -> str:
    """The heat map's class for a saturation (the legend says what each means)."""
    if share != share:  # NaN: work came in with nobody rostered
        return "heat-none"
    if share < 0.4:
        return "heat-low"
    if share <= 0.6:
        return "heat-ok"
    if share <= 0.8:
        return "heat-high"
    return "heat-over"


@role_required(*PATROL_ROLES)
def patrol_page(request: HttpRequest) -> HttpResponse:
    pic = picture()
    building = Workload.objects.filter(status=Workload.Status.QUEUED).first()
    failed = Workload.objects.filter(status=Workload.Status.FAILED).first()
    context: dict[str, Any] = {"pic": pic, "building": building, "failed": failed,
                               "form": WorkloadForm(), "settings": model_settings()}  # fmt: skip
    if pic is not None:
        names = [d.district for d in pic.districts]
        chosen = request.GET.get("district") or (names[0] if names else "")
        plan = pic.district(chosen) if chosen in names else None
        context |= {"names": names, "chosen": chosen, "plan": plan,
                    "coverage": _coverage(pic)}  # fmt: skip
        if plan is not None:
            context["need_rows"] = heat_rows(plan.need.officers)
            sat = plan.saturation_by_hour
            if sat is not None:
                context["heat"] = [(day, [(v, _band(v)) for v in row])
                                   for day, row in heat_rows(sat)]  # fmt: skip
    return render(request, "staffing/patrol/home.html", context)


def _coverage(pic: Picture) -> list[Any]:
    first = timezone.localdate().replace(day=1)
    months = []
    for _ in range(MONTHS_SHOWN):
        first = month_before(first)
        months.append(month_coverage(first, pic))
    return [m for m in months if m.hours]


@require_POST
@role_required(*PATROL_ROLES)
def workload_build_page(request: HttpRequest) -> HttpResponse:
    form = WorkloadForm(request.POST)
    if form.is_valid():
        try:
            workload_request(actor=request.user, start=form.cleaned_data["start"],
                             end=form.cleaned_data["end"])  # fmt: skip
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "The workload is being built from the CAD.")
            return redirect("staffing:patrol")
    context = {"pic": picture(), "form": form, "settings": model_settings()}
    return render(request, "staffing/patrol/home.html", context, status=400)


@role_required(*PATROL_ROLES)
def defects_csv(request: HttpRequest) -> HttpResponse:
    """The latest workload's unusable unit times, one per line (the first DEFECTS_KEPT)."""
    workload = latest_workload()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["incident", "unit on the incident", "reason"])
    for row in workload.defects if workload else []:
        writer.writerow(row)
    answer = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = 'attachment; filename="patrol-workload-defects.csv"'
    return answer


@role_required(*PATROL_ROLES)
def model_page(request: HttpRequest) -> HttpResponse:
    """The model's settings, and each call type's report and booking time."""
    settings = model_settings()
    form = ModelForm(instance=settings)
    type_form = CallTypeForm(initial={"call_type": request.GET.get("call_type", "")})
    status = 200
    if request.method == "POST":
        try:
            if "call_type" in request.POST:
                type_form = CallTypeForm(request.POST)
                if type_form.is_valid():
                    call_type_set(actor=request.user, **type_form.cleaned_data)
                    messages.success(request, f"Saved {type_form.cleaned_data['call_type']}.")
                    return redirect("staffing:patrol_model")
            else:
                form = ModelForm(request.POST, instance=model_settings())
                if form.is_valid():
                    model_update(actor=request.user, values=form.cleaned_data)
                    messages.success(request, "The model's settings are saved.")
                    return redirect("staffing:patrol_model")
        except InputRefused as refused:
            (type_form if "call_type" in request.POST else form).add_error(None, str(refused))
        status = 400
    pic = picture()
    context = {"form": form, "type_form": type_form, "pic": pic, "settings": settings}
    return render(request, "staffing/patrol/model.html", context, status=status)


@role_required(*PATROL_ROLES)
def rosters_page(request: HttpRequest) -> HttpResponse:
    upload, entry = RosterUploadForm(), RosterShiftForm()
    report: RosterReport | None = None
    status = 200
    if request.method == "POST" and "roster" in request.FILES:
        upload = RosterUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            file = upload.cleaned_data["roster"]
            try:
                report = roster_import(actor=request.user, data=file.read(), source=file.name)
            except FileRefused as refused:
                upload.add_error("roster", str(refused))
            else:
                if report.imported:
                    messages.success(
                        request,
                        f"{file.name}: {report.created} shifts added, "
                        f"{report.updated} changed, {report.unchanged} unchanged.",
                    )
                    return redirect("staffing:rosters")
        status = 400
    elif request.method == "POST" and "remove" in request.POST:
        shift = get_object_or_404(RosterShift, pk=request.POST.get("remove", "0"))
        roster_remove(actor=request.user, shift=shift)
        messages.success(request, "The shift is removed.")
        return redirect("staffing:rosters")
    elif request.method == "POST":
        entry = RosterShiftForm(request.POST)
        if entry.is_valid():
            try:
                roster_add(actor=request.user, **entry.cleaned_data)
            except InputRefused as refused:
                entry.add_error(None, str(refused))
            else:
                messages.success(request, "The shift is saved.")
                return redirect("staffing:rosters")
        status = 400
    shifts = RosterShift.objects.all()[:50]
    context = {"upload": upload, "entry": entry, "report": report, "shifts": shifts,
               "count": RosterShift.objects.count()}  # fmt: skip
    return render(request, "staffing/patrol/rosters.html", context, status=status)


@role_required(*PATROL_ROLES)
def units_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The department's units; `pk` edits one."""
    unit = get_object_or_404(DepartmentUnit, pk=pk) if pk else None
    initial = ({"name": unit.name, "kind": unit.kind, "sworn": unit.sworn,
                "functions": unit.functions, "source": unit.source} if unit else None)  # fmt: skip
    form = UnitForm(initial=initial)
    status = 200
    if request.method == "POST" and unit is not None and "delete" in request.POST:
        unit_delete(actor=request.user, unit=unit)
        messages.success(request, f"{unit.name} is removed.")
        return redirect("staffing:units")
    if request.method == "POST":
        form = UnitForm(request.POST)
        if form.is_valid():
            try:
                unit_save(actor=request.user, unit=unit, **form.cleaned_data)
            except InputRefused as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, f"{form.cleaned_data['name']} is saved.")
                return redirect("staffing:units")
        status = 400
    units = list(DepartmentUnit.objects.all())
    totals = {kind: sum(u.sworn for u in units if u.kind == kind)
              for kind in DepartmentUnit.Kind.values}  # fmt: skip
    context = {"form": form, "unit": unit, "units": units, "totals": totals,
               "sworn": sum(totals.values())}  # fmt: skip
    return render(request, "staffing/patrol/units.html", context, status=status)


@role_required(*PATROL_ROLES)
def scenarios_page(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm()
    status = 200
    if request.method == "POST":
        form = ScenarioForm(request.POST)
        if form.is_valid():
            try:
                made = scenario_create(actor=request.user, **form.cleaned_data)
            except InputRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("staffing:scenario", pk=made.pk)
        status = 400
    context = {"form": form, "scenarios": Scenario.objects.all(), "pic": picture()}
    return render(request, "staffing/patrol/scenarios.html", context, status=status)


def _step_form(pic: Picture | None, data: Any = None) -> StepForm:
    units = list(DepartmentUnit.objects.values_list("name", flat=True))
    types = []
    for row in pic.call_types if pic else []:
        mark = " (civilian-suitable)" if row.civilian_suitable else ""
        types.append((row.call_type, f"{row.call_type}: {row.hours_week:,.0f} h a week{mark}"))
    return StepForm(data, units=units, call_types=types)


def _rows(results: list[Result]) -> list[dict[str, Any]]:
    """District by measure, today and each scenario, formatted for the tables."""
    if not results:
        return []
    rows = []
    for n, today in enumerate(results[0].today):
        for attr, label, form in MEASURES:
            rows.append({
                "district": today.district, "label": label, "first": attr == MEASURES[0][0],
                "today": show(getattr(today, attr), form),
                "after": [show(getattr(r.after[n], attr), form) for r in results],
            })  # fmt: skip
    return rows


@role_required(*PATROL_ROLES)
def scenario_page(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    pic = picture()
    form = _step_form(pic)
    status, error = 200, ""
    if request.method == "POST":
        try:
            if "delete" in request.POST:
                scenario_delete(actor=request.user, scenario=scenario)
                messages.success(request, f"Scenario {scenario.name} is deleted.")
                return redirect("staffing:scenarios")
            if "remove" in request.POST:
                index = int(request.POST["remove"]) if request.POST["remove"].isdigit() else -1
                scenario_step_remove(actor=request.user, scenario=scenario, index=index)
                return redirect("staffing:scenario", pk=pk)
            form = _step_form(pic, request.POST)
            if form.is_valid():
                scenario_step_add(actor=request.user, scenario=scenario, step=form.step())
                return redirect("staffing:scenario", pk=pk)
        except InputRefused as refused:
            if form.is_bound:
                form.add_error(None, str(refused))
            else:
                error = str(refused)
        status = 400
    outcome = result(scenario, pic) if pic else None
    context = {"scenario": scenario, "form": form, "pic": pic, "result": outcome,
               "rows": _rows([outcome]) if outcome else [],
               "steps": [describe_step(s) for s in scenario.steps],
               "names": [scenario.name], "kinds": STEP_KINDS, "error": error}  # fmt: skip
    return render(request, "staffing/patrol/scenario.html", context, status=status)


@role_required(*PATROL_ROLES)
def scenario_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario beside today on one printable page."""
    scenario = get_object_or_404(Scenario, pk=pk)
    pic = picture()
    outcome = result(scenario, pic) if pic else None
    context = {"scenario": scenario, "pic": pic, "result": outcome,
               "rows": _rows([outcome]) if outcome else [],
               "steps": [describe_step(s) for s in scenario.steps], "names": [scenario.name],
               "printed_at": timezone.localtime()}  # fmt: skip
    return render(request, "staffing/patrol/report.html", context)


def _chosen(request: HttpRequest) -> list[Scenario]:
    keys = [k for k in request.GET.getlist("s") if k.isdigit()][:6]
    found = {s.pk: s for s in Scenario.objects.filter(pk__in=keys)}
    return [found[int(k)] for k in dict.fromkeys(keys) if int(k) in found]


def _csv(text: str, name: str) -> HttpResponse:
    answer = HttpResponse(text, content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="{name}"'
    return answer


@role_required(*PATROL_ROLES)
def scenario_csv(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = get_object_or_404(Scenario, pk=pk)
    pic = picture()
    return _csv(results_csv([result(scenario, pic)] if pic else []), f"scenario-{pk}.csv")


@role_required(*PATROL_ROLES)
def compare_page(request: HttpRequest) -> HttpResponse:
    """Today beside each chosen scenario (up to six), district by district."""
    chosen = _chosen(request)
    pic = picture()
    results = [result(s, pic) for s in chosen] if pic else []
    if request.GET.get("format") == "csv":
        return _csv(results_csv(results), "scenarios-compared.csv")
    context = {"chosen": chosen, "pic": pic, "results": results, "rows": _rows(results),
               "names": [s.name for s in chosen],
               "scenarios": Scenario.objects.all(), "query": request.GET.urlencode()}  # fmt: skip
    return render(request, "staffing/patrol/compare.html", context)
