from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import reswap, retarget

from safercity.core.http import HtmxHttpRequest
from safercity.core.roles import role_required
from safercity.staffing.forms import PlanForm
from safercity.staffing.models import PlanJob
from safercity.staffing.planning import SAMPLE_HISTORIES
from safercity.staffing.services import PLANNERS, plan_request


def _template(request: HtmxHttpRequest) -> str:
    return "staffing/_result.html" if request.htmx else "staffing/plan.html"


@role_required(*PLANNERS)
def plan_page(request: HtmxHttpRequest) -> HttpResponse:
    """The form; a plan asked for here is made by the worker while the page polls for it."""
    posted = request.method == "POST"
    form = PlanForm(request.POST if posted else None, request.FILES if posted else None)
    if not posted or not form.is_valid():
        if posted and request.htmx:  # the form again, with its errors in place of the form
            answer = render(request, "staffing/_form.html", {"form": form}, status=400)
            return reswap(retarget(answer, "#plan-form"), "outerHTML")
        status = 400 if posted else 200
        return render(request, _template(request), {"form": form}, status=status)
    data = form.cleaned_data
    upload = data["calls"]
    if upload:
        source = upload.name
    elif SAMPLE_HISTORIES:
        source = next(iter(SAMPLE_HISTORIES.values()))[0]
    else:
        context = {"form": form, "error": "No sample history is installed: choose a file."}
        return render(request, _template(request), context, status=400)
    job = plan_request(
        actor=request.user,
        calls=upload.read() if upload else None,
        source=source,
        shrinkage=data["shrinkage"],
        aht_s=data["aht_s"],
        patience_s=data["patience_s"],
        week_start=data["week_start"],
    )
    job.refresh_from_db()  # a worker that is quick (or the tests' immediate one) is done
    if job.status == PlanJob.Status.QUEUED and not request.htmx:
        return redirect("staffing:job", pk=job.pk)
    failed = job.status == PlanJob.Status.FAILED
    return _job_response(request, job, form, status=400 if failed else None)


@role_required(*PLANNERS)
def job_page(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    """Polled by the page until the plan is made (a failure is answered 200 here, so that
    htmx shows the reason instead of polling on)."""
    job = get_object_or_404(PlanJob, pk=pk)
    return _job_response(request, job, PlanForm())


def _job_response(
    request: HtmxHttpRequest, job: PlanJob, form: PlanForm, status: int | None = None
) -> HttpResponse:
    waiting = job.status == PlanJob.Status.QUEUED
    answer = status or (202 if waiting else 200)
    return render(request, _template(request), {"form": form, "job": job}, status=answer)
