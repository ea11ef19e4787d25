from django.http import HttpResponse
from django.shortcuts import render

from safercity.core.http import HtmxHttpRequest
from safercity.core.roles import Role, role_required
from safercity.staffing.forms import PlanForm
from safercity.staffing.planning import SAMPLE_HISTORIES, plan_from_csv
from safercity.staffing.report import context, shifts_csv

PLANNERS = (Role.SUPERVISOR_911, Role.ANALYST, Role.ADMINISTRATOR)


@role_required(*PLANNERS)
def plan_page(request: HtmxHttpRequest) -> HttpResponse:
    posted = request.method == "POST"
    form = PlanForm(request.POST if posted else None, request.FILES if posted else None)
    result: dict[str, object] = {}
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["calls"]:
                outcome = plan_from_csv(
                    data["calls"].read(),
                    aht_s=data["aht_s"],
                    patience_s=data["patience_s"],
                    shrinkage=data["shrinkage"],
                    week_start=data["week_start"],
                )
                source = data["calls"].name
            elif SAMPLE_HISTORIES:
                source, sample = next(iter(SAMPLE_HISTORIES.values()))
                outcome = sample(data["shrinkage"])
            else:
                raise ValueError("No sample history is installed: choose a call history file.")
        except ValueError as problem:
            error = str(problem)
        else:
            result = context(
                outcome.plan,
                source=source,
                rejected=outcome.history.rejected,
                patience_note=outcome.patience_note,
            )
            result["shifts_csv"] = shifts_csv(outcome.plan)
    template = "staffing/_result.html" if request.htmx else "staffing/plan.html"
    status = 400 if request.method == "POST" and (error or form.errors) else 200
    return render(request, template, {"form": form, "error": error, **result}, status=status)
