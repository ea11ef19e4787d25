"""The group audit's staff pages: the groups, one group with its aliases, areas and
relations, and the audit sessions that confirm them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest, form_done, refused
from safercity.core.inputs import InputRefused, plain_id
from safercity.core.paging import paged
from safercity.core.roles import has_role, role_required
from safercity.core.tabular import FileRefused
from safercity.crime.peers import PeerImport, compare_with_peers, import_peer_file, peer_years
from safercity.violence import selectors, services
from safercity.violence.forms import (
    ActionForm,
    AliasForm,
    AreaForm,
    BasisForm,
    GroupForm,
    InterventionForm,
    PeerFileForm,
    RelationForm,
    ReviewForm,
    SessionForm,
    ShootingReviewForm,
)
from safercity.violence.models import (
    AuditSession,
    Group,
    IncidentReview,
    Intervention,
    ReferralCount,
    ShootingReview,
)


def _refused(form: forms.Form, refused: InputRefused) -> None:
    form.add_error(None, str(refused))


@role_required(*selectors.VIEW_ROLES)
def groups_page(request: HtmxHttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    made = form_done(
        request, form, lambda data: services.group_create(actor=request.user, **data),
        "violence:group",
    )  # fmt: skip
    if made:
        return made
    status = 400 if form.errors else 200
    context = {"groups": selectors.groups_list(actor=request.user), "form": form}
    return render(request, "violence/groups.html", context, status=status)


def _group_context(request: HtmxHttpRequest, pk: int, **forms_given: Any) -> dict[str, Any]:
    view = selectors.group_read(actor=request.user, pk=pk)
    relation = forms_given.get("relation") or RelationForm(group=view.group)
    return {
        "view": view,
        "area_shapes": {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": a.geometry, "properties": {"label": a.label}}
                for a in view.areas
            ],
        },
        "alias_form": forms_given.get("alias") or AliasForm(),
        "area_form": forms_given.get("area") or AreaForm(),
        "relation_form": relation,
        "statuses": Group.Status.choices,
        "sessions": selectors.sessions()[:20],
    }


@role_required(*selectors.VIEW_ROLES)
def group_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return render(request, "violence/group.html", _group_context(request, pk))


def _session(request: HtmxHttpRequest) -> AuditSession | None:
    number = plain_id(request.POST.get("session", ""))
    return AuditSession.objects.filter(pk=number).first() if number is not None else None


@require_POST
@role_required(*services.AUDIT_ROLES)
def group_add(request: HtmxHttpRequest, pk: int, what: str) -> HttpResponse:
    """Add an alias, an area or a relation; the form comes back with its errors in place."""
    group = get_object_or_404(Group, pk=pk)
    form: BasisForm
    if what == "alias":
        form = AliasForm(request.POST)
    elif what == "area":
        form = AreaForm(request.POST)
    elif what == "relation":
        form = RelationForm(request.POST, group=group)
    else:
        raise Http404("nothing of that kind is added to a group")
    if form.is_valid():
        data, session = form.cleaned_data, _session(request)
        basis = form.basis()
        try:
            if what == "alias":
                services.alias_add(
                    actor=request.user, group=group, alias=data["alias"], basis=basis,
                    session=session,
                )  # fmt: skip
            elif what == "area":
                services.area_add(
                    actor=request.user, group=group, label=data["label"],
                    geometry=data["geometry"], basis=basis, session=session,
                )  # fmt: skip
            else:
                services.relation_add(
                    actor=request.user, one=group, other=data["other"], kind=data["kind"],
                    relation_basis=data["relation_basis"], basis=basis, since=data["since"],
                    until=data["until"], session=session,
                )  # fmt: skip
        except InputRefused as refused:
            _refused(form, refused)
        else:
            return redirect("violence:group", pk=pk)
    context = _group_context(request, pk, **{what: form})
    return render(request, "violence/group.html", context, status=400)


@require_POST
@role_required(*services.AUDIT_ROLES)
def group_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(Group, pk=pk)
    try:
        services.group_status_set(
            actor=request.user, group=group, status=request.POST.get("status", "")
        )
    except InputRefused as error:
        return refused(request, str(error), reverse("violence:group", args=[pk]))
    return redirect("violence:group", pk=pk)


@role_required(*selectors.VIEW_ROLES)
def sessions_page(request: HtmxHttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    made = form_done(
        request, form, lambda data: services.audit_session_create(actor=request.user, **data),
        "violence:session",
    )  # fmt: skip
    if made:
        return made
    status = 400 if form.errors else 200
    context = {"sessions": selectors.sessions(), "form": form}
    return render(request, "violence/sessions.html", context, status=status)


def _ids(request: HtmxHttpRequest, name: str) -> list[int]:
    return [n for n in (plain_id(v) for v in request.POST.getlist(name)) if n is not None]


@role_required(*selectors.VIEW_ROLES)
def session_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The session's agenda: what expires soon, to confirm (or let lapse)."""
    session = get_object_or_404(AuditSession, pk=pk)
    confirmed = None
    if request.method == "POST":
        confirmed = services.assertions_confirm(
            actor=request.user,
            session=session,
            aliases=_ids(request, "alias"),
            areas=_ids(request, "area"),
            relations=_ids(request, "relation"),
        )
    context = {
        "session": session,
        "due": selectors.due_for_confirmation(),
        "confirmed": confirmed,
    }
    return render(request, "violence/session.html", context)


@role_required(*services.REVIEW_ROLES)
def reviews_page(request: HtmxHttpRequest) -> HttpResponse:
    queued = None
    if request.method == "POST":
        queued = services.reviews_queue(actor=request.user)
    page = paged(request, selectors.review_queue(), "page")
    pending = selectors.review_queue().filter(involvement="pending").count()
    context = {"reviews": page, "pending": pending, "queued": queued}
    return render(request, "violence/reviews.html", context)


@role_required(*services.REVIEW_ROLES)
def review_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(IncidentReview.objects.select_related("record"), pk=pk)
    initial = {
        "shooting": None if review.shooting is None else ("yes" if review.shooting else "no"),
        "involvement": review.involvement if review.involvement != "pending" else None,
        "groups": list(review.groups.all()),
        "motive": review.motive or None,
        "confidence": review.confidence or None,
    }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entered = services.ReviewIn(
            data["shooting"], data["involvement"], list(data["groups"]), data["motive"],
            data["confidence"],
        )  # fmt: skip
        try:
            services.incident_review_record(actor=request.user, review=review, entered=entered)
        except InputRefused as error:
            _refused(form, error)
        else:
            following = selectors.review_queue().filter(involvement="pending").first()
            if following is not None:
                return redirect("violence:review", pk=following.pk)
            return redirect("violence:reviews")
    status = 400 if form.errors else 200
    return render(request, "violence/review.html", {"review": review, "form": form}, status=status)


@role_required(*selectors.VIEW_ROLES)
def interventions_page(request: HtmxHttpRequest) -> HttpResponse:
    found, side = selectors.interventions_for(actor=request.user)
    records = services.kinds_recorded_by(request.user)
    form = InterventionForm(
        request.POST or None, kinds=records, services=side.services, enforcement=side.enforcement
    )
    if request.method == "POST" and not records:
        raise PermissionDenied("your role reads the interventions and records none")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entered = services.InterventionIn(
            kind=data["kind"], on=data["on"], groups=list(data["groups"]),
            outcome=data["outcome"], by_roles=data["by_roles"], attended=data["attended"],
            services_offered=data.get("services_offered", ""),
            referrals=data.get("referrals") or 0, notice=data.get("notice"),
            trigger=data.get("trigger"), legal_basis=data.get("legal_basis", ""),
            notes=data["notes"],
        )  # fmt: skip
        try:
            services.intervention_record(actor=request.user, entered=entered)
        except InputRefused as error:
            _refused(form, error)
        else:
            return redirect("violence:interventions")
    status = 400 if form.errors else 200
    context = {"form": form if records else None, "done": paged(request, found, "page"),
               "side": side}  # fmt: skip
    return render(request, "violence/interventions.html", context, status=status)


@role_required(*selectors.VIEW_ROLES)
def shooting_reviews_page(request: HtmxHttpRequest) -> HttpResponse:
    form = ShootingReviewForm(request.POST or None)
    made = form_done(
        request, form, lambda data: services.shooting_review_create(actor=request.user, **data),
        "violence:shooting_review",
    )  # fmt: skip
    if made:
        return made
    context = {
        "meetings": ShootingReview.objects.all()[:52],
        "overdue": selectors.overdue_actions(),
        "form": form,
    }
    return render(
        request, "violence/shooting_reviews.html", context, status=400 if form.errors else 200
    )


@role_required(*selectors.VIEW_ROLES)
def shooting_review_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(ShootingReview, pk=pk)
    agenda = services.shooting_review_agenda(meeting)
    action_form = ActionForm(
        request.POST if request.POST.get("form") == "action" else None, agenda=agenda
    )
    error = ""
    if request.method == "POST":
        try:
            error = _meeting_post(request, meeting, agenda, action_form)
        except InputRefused as refused_input:
            error = str(refused_input)
        if not error:
            return redirect("violence:shooting_review", pk=pk)
    decisions = {d.incident_id: d for d in meeting.decisions.all()}
    context = {
        "meeting": meeting,
        "agenda": [(incident, decisions.get(incident.pk)) for incident in agenda],
        "actions": meeting.actions.select_related("incident"),
        "action_form": action_form,
        "error": error,
        "today": timezone.localdate(),
    }
    status = 400 if error or action_form.errors else 200
    return render(request, "violence/shooting_review.html", context, status=status)


def _meeting_post(
    request: HtmxHttpRequest, meeting: ShootingReview, agenda: list[IncidentReview],
    action_form: ActionForm,
) -> str:  # fmt: skip
    """One of the review page's forms: a decision, an action item, or an action done. Returns
    what went wrong ("" when it was recorded)."""
    which = request.POST.get("form")
    if which == "decision":
        incident = next((i for i in agenda if str(i.pk) == request.POST.get("incident")), None)
        if incident is None:
            return "that incident is not on this review's agenda"
        services.decision_record(
            actor=request.user, meeting=meeting, incident=incident,
            decision=request.POST.get("decision", ""),
        )  # fmt: skip
        return ""
    if which == "action":
        if not action_form.is_valid():
            return "the action item is not complete: see the form"
        services.action_add(actor=request.user, meeting=meeting, **action_form.cleaned_data)
        return ""
    if which == "done":
        number = plain_id(request.POST.get("action", ""))
        item = meeting.actions.filter(pk=number).first() if number is not None else None
        if item is None:
            return "no such action item on this review"
        services.action_done(actor=request.user, item=item, note=request.POST.get("note", ""))
        return ""
    return "nothing was sent"


@role_required(*selectors.VIEW_ROLES)
def intervention_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One intervention as this partner's side sees it; a notification's recipients for the
    program and the outreach partners who deliver it, never for the police partner."""
    found, side = selectors.interventions_for(actor=request.user)
    item = get_object_or_404(found, pk=pk)
    error = ""
    if request.method == "POST":
        try:
            _intervention_post(request, item)
        except InputRefused as refused_input:
            error = str(refused_input)
        else:
            return redirect("violence:intervention", pk=pk)
    readers = selectors.RECIPIENT_READERS
    recipients = (
        selectors.recipients_read(actor=request.user, notification=item)
        if item.kind == "notification" and has_role(request.user, *readers)
        else None
    )
    context = {
        "item": item,
        "side": side,
        "referral_services": ReferralCount.Service.choices,
        "may_refer": has_role(request.user, *services.REFERRAL_ROLES),
        "recipients": recipients,
        "may_add": has_role(request.user, *services.RECIPIENT_ROLES),
        "error": error,
    }
    return render(request, "violence/intervention.html", context, status=400 if error else 200)


def _count(request: HtmxHttpRequest, name: str) -> int:
    number = plain_id(request.POST.get(name, "") or "0")
    if number is None:
        raise InputRefused(f"{name} must be a whole number")
    return number


def _intervention_post(request: HtmxHttpRequest, item: Intervention) -> None:
    """One of the intervention page's forms: referral counts, or a recipient added or kept."""
    if request.POST.get("form") == "referral":
        services.referral_counts_set(
            actor=request.user, intervention=item, service=request.POST.get("service", ""),
            provider=request.POST.get("provider", ""), referred=_count(request, "referred"),
            accepted=_count(request, "accepted"), started=_count(request, "started"),
            completed=_count(request, "completed"),
        )  # fmt: skip
        return
    if request.POST.get("form") == "extend":
        number = plain_id(request.POST.get("recipient", ""))
        recipient = item.recipients.filter(pk=number).first() if number is not None else None
        if recipient is None:
            raise InputRefused("no such recipient on this notification")
        services.recipient_extend(
            actor=request.user, recipient=recipient, reason=request.POST.get("reason", "")
        )
        return
    services.recipient_add(
        actor=request.user, notification=item, name=request.POST.get("name", ""),
        basis=request.POST.get("basis", ""),
    )  # fmt: skip


def _peer_years(request: HtmxHttpRequest, start: date, years: list[int]) -> tuple[int, int]:
    """The years asked for, or the year before the program and the latest since it, or else
    the last two years the table has."""
    try:
        asked = int(request.GET.get("peer_from", "")), int(request.GET.get("peer_to", ""))
        return asked
    except ValueError:
        pass
    since = [y for y in years if y >= start.year]
    if start.year - 1 in years and since:
        return start.year - 1, since[-1]
    return (years[-2], years[-1]) if len(years) >= 2 else (start.year - 1, start.year)


@role_required(*services.REVIEW_ROLES)
def evaluation_page(request: HtmxHttpRequest) -> HttpResponse:
    return _evaluation(request)


def _evaluation(
    request: HtmxHttpRequest, peer_form: PeerFileForm | None = None,
    peer_import: PeerImport | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    """Did it work? Treated groups against matched groups, citywide homicides since the
    program began (the interrupted time series the crime app uses for the goal), and the
    city's change in homicides against peer cities' change over the same years."""
    from safercity.crime.engine.its import interrupted_time_series
    from safercity.crime.selectors import homicides_by_month, homicides_by_year
    from safercity.violence.engine.evaluation import matched_comparison

    asked = request.GET.get("start", "")
    start = selectors.program_start()
    problem = ""
    if asked:
        try:
            start = date.fromisoformat(asked)
        except ValueError:
            problem = "start must be a date like 2026-01-31"
    groups, comparison, citywide, why_not = [], None, None, {}
    peers, years, peer_span = None, peer_years(), (0, 0)
    if start and not problem:
        groups = selectors.evaluation_groups(start)
        try:
            comparison = matched_comparison(groups)
        except ValueError as error:
            why_not["groups"] = str(error)
        series = homicides_by_month()
        months = sorted(series)
        try:
            citywide = interrupted_time_series(
                months, [series[m] for m in months], start.replace(day=1)
            )
        except ValueError as error:
            why_not["citywide"] = str(error)
        peer_span = _peer_years(request, start, years)
        peers = compare_with_peers(*peer_span, own_counts=_whole_years(homicides_by_year()))
    names = dict(Group.objects.values_list("pk", "name"))
    context = {
        "start": start, "problem": problem, "comparison": comparison, "citywide": citywide,
        "why_not": why_not, "names": names,
        "pairs": [(names[t], names[m]) for t, m in comparison.pairs] if comparison else [],
        "left_out": [names[g] for g in comparison.left_out] if comparison else [],
        "peers": peers, "peer_years": years, "peer_from": peer_span[0], "peer_to": peer_span[1],
        "before_program": start is not None and peer_span[1] < start.year,
        "peer_form": peer_form or PeerFileForm(), "peer_import": peer_import,
    }  # fmt: skip
    return render(request, "violence/evaluation.html", context, status=400 if problem else status)


def _whole_years(by_year: dict[int, int]) -> dict[int, int]:
    """The city's own counts for years that are over (a year under way is not a year)."""
    this_year = timezone.localdate().year
    return {year: count for year, count in by_year.items() if year < this_year}


@require_POST
@role_required(*services.REVIEW_ROLES)
def evaluation_peers(request: HtmxHttpRequest) -> HttpResponse:
    """Peer cities' yearly homicides uploaded: stored, or every bad row said and none kept."""
    form = PeerFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _evaluation(request, peer_form=form, status=400)
    try:
        result = import_peer_file(
            actor=request.user, data=form.cleaned_data["file"].read(),
            source=form.cleaned_data["source"],
        )  # fmt: skip
    except FileRefused as error:
        form.add_error("file", str(error))
        return _evaluation(request, peer_form=form, status=400)
    if result.rejected:
        return _evaluation(request, peer_form=form, peer_import=result, status=400)
    return _evaluation(request, peer_import=result)
