"""The unit's pages for requests for information, bulletins, public tips and the
supervisor's overdue list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safercity.core.http import HtmxHttpRequest, form_done
from safercity.core.inputs import InputRefused
from safercity.core.roles import has_role, role_required
from safercity.intelligence import deconfliction, exchange, rfi, selectors, services, tips
from safercity.intelligence.base import deadline_hours
from safercity.intelligence.exchange_forms import (
    AnswerForm,
    AssignForm,
    BulletinForm,
    CloseForm,
    FeedbackForm,
    MessageForm,
    OperationForm,
    RequestForm,
    TriageForm,
)
from safercity.intelligence.models import (
    Bulletin,
    BulletinRecipient,
    Conflict,
    InboundMessage,
    InfoRequest,
    Operation,
    OutboundMessage,
    Tip,
)


def _status(form: forms.Form) -> int:
    return 400 if form.errors else 200


@role_required(*rfi.UNIT)
def requests_page(request: HtmxHttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None)
    done = form_done(
        request, form,
        lambda data: rfi.request_make(actor=request.user, entered=form.entered()),
        "intelligence:request",
    )  # fmt: skip
    if done:
        return done
    context = {
        "open": selectors.requests_open().order_by("due_at"),
        "recent": selectors.requests_recent()[:100],
        "form": form,
        "now": timezone.now(),
        "hours": deadline_hours(),
    }
    return render(request, "intelligence/requests.html", context, status=_status(form))


REQUEST_ACTIONS: dict[str, type[forms.Form]] = {
    "assign": AssignForm,
    "answer": AnswerForm,
    "feedback": FeedbackForm,
}


def _request_context(
    request: HtmxHttpRequest, pk: int, sent: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    item = selectors.request_read(actor=request.user, pk=pk)
    made = {name: form_class() for name, form_class in REQUEST_ACTIONS.items()} | (sent or {})
    return {
        "item": item,
        "forms": made,
        "supervisor": has_role(request.user, *services.SUPERVISORS),
        "now": timezone.now(),
        "given": item.tips.all(),
        "received": item.received.all() if has_role(request.user, *services.ANALYSTS) else [],
    }


@role_required(*rfi.UNIT)
def request_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return render(request, "intelligence/request.html", _request_context(request, pk))


@require_POST
@role_required(*rfi.UNIT)
def request_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in REQUEST_ACTIONS:
        raise Http404("no such action on a request")
    item = get_object_or_404(InfoRequest, pk=pk)
    form = REQUEST_ACTIONS[action](request.POST)
    actor = request.user

    def act(data: dict[str, Any]) -> None:
        if isinstance(form, AssignForm):
            rfi.request_assign(actor=actor, request=item, to=data["to"])
        elif isinstance(form, AnswerForm):
            rfi.request_answer(actor=actor, request=item, given=form.given())
        elif isinstance(form, FeedbackForm):
            rfi.request_feedback(actor=actor, request=item, given=form.given())

    done = form_done(request, form, act, "intelligence:request", pk=pk)
    if done:
        return done
    context = _request_context(request, pk, {action: form}) | {"refused": form}
    return render(request, "intelligence/request.html", context, status=400)


@role_required(*rfi.UNIT)
def bulletins_page(request: HtmxHttpRequest) -> HttpResponse:
    form = BulletinForm(request.POST or None)
    analyst = has_role(request.user, *services.ANALYSTS)
    done = form_done(
        request, form,
        lambda data: rfi.bulletin_issue(actor=request.user, entered=form.entered()),
        "intelligence:bulletin",
    )  # fmt: skip
    if done:
        return done
    context = {
        "bulletins": Bulletin.objects.annotate(
            total=Count("recipients"),
            answered=Count("recipients", filter=Q(recipients__feedback_at__isnull=False)),
        )[:100],
        "form": form,
        "analyst": analyst,
    }
    return render(request, "intelligence/bulletins.html", context, status=_status(form))


@role_required(*rfi.UNIT)
def bulletin_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_read(actor=request.user, pk=pk)
    return render(
        request, "intelligence/bulletin.html",
        {"bulletin": bulletin, "recipients": bulletin.recipients.select_related("partner"),
         "form": FeedbackForm(), "now": timezone.now()},
    )  # fmt: skip


@require_POST
@role_required(*rfi.UNIT)
def bulletin_feedback(request: HtmxHttpRequest, pk: int, recipient: int) -> HttpResponse:
    to = get_object_or_404(BulletinRecipient, pk=recipient, bulletin_id=pk)
    form = FeedbackForm(request.POST)
    done = form_done(
        request, form,
        lambda data: rfi.bulletin_feedback(actor=request.user, recipient=to, given=form.given()),
        "intelligence:bulletin", pk=pk,
    )  # fmt: skip
    if done:
        return done
    bulletin = to.bulletin
    context = {
        "bulletin": bulletin, "recipients": bulletin.recipients.select_related("partner"),
        "form": FeedbackForm(), "refused": form, "refused_for": to.pk, "now": timezone.now(),
    }  # fmt: skip
    return render(request, "intelligence/bulletin.html", context, status=400)


@role_required(*services.SUPERVISORS)
def overdue_page(request: HtmxHttpRequest) -> HttpResponse:
    late = selectors.overdue()
    return render(request, "intelligence/overdue.html", {"late": late, "now": timezone.now()})


@role_required(*services.ANALYSTS)
def tips_page(request: HtmxHttpRequest) -> HttpResponse:
    context = {
        "tips": selectors.tips_open(),
        "closed": Tip.objects.filter(status=Tip.Status.CLOSED).order_by("-closed_at")[:50],
        "now": timezone.now(),
    }
    return render(request, "intelligence/tips.html", context)


TIP_ACTIONS: dict[str, type[forms.Form]] = {
    "review": forms.Form,  # nothing to fill: the tipster sees "under review"
    "ask": MessageForm,
    "triage": TriageForm,
    "close": CloseForm,
}


def _tip_context(
    request: HtmxHttpRequest, pk: int, sent: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    tip = selectors.tip_read(actor=request.user, pk=pk)
    made = {name: form_class() for name, form_class in TIP_ACTIONS.items()} | (sent or {})
    return {"tip": tip, "messages_": tip.messages.all(), "forms": made, "now": timezone.now(),
            "about": tips.ABOUT.get(tip.about, tip.about)}  # fmt: skip


@role_required(*services.ANALYSTS)
def tip_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return render(request, "intelligence/tip.html", _tip_context(request, pk))


@require_POST
@role_required(*services.ANALYSTS)
def tip_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TIP_ACTIONS:
        raise Http404("no such action on a tip")
    tip = get_object_or_404(Tip, pk=pk)
    form = TIP_ACTIONS[action](request.POST)
    actor = request.user

    def act(data: dict[str, Any]) -> None:
        if isinstance(form, MessageForm):
            tips.tip_ask(actor=actor, tip=tip, body=data["body"])
        elif isinstance(form, TriageForm):
            tips.tip_triage(actor=actor, tip=tip, given=form.given(tip))
        elif isinstance(form, CloseForm):
            tips.tip_close(actor=actor, tip=tip, outcome=data["outcome"], message=data["message"])
        else:
            tips.tip_review_start(actor=actor, tip=tip)

    done = form_done(request, form, act, "intelligence:tip", pk=pk)
    if done:
        return done
    context = _tip_context(request, pk, {action: form}) | {"refused": form}
    return render(request, "intelligence/tip.html", context, status=400)


@role_required(*rfi.UNIT)
def operations_page(request: HtmxHttpRequest) -> HttpResponse:
    form = OperationForm(request.POST or None)
    found: list[Conflict] = []
    registered = None
    if request.method == "POST" and form.is_valid():
        try:
            registered, found = deconfliction.operation_register(
                actor=request.user, entered=form.entered()
            )
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            form = OperationForm()
    board = deconfliction.operations_board(actor=request.user)
    context = {"board": board, "form": form, "registered": registered, "found": found}
    return render(request, "intelligence/operations.html", context, status=_status(form))


@require_POST
@role_required(*rfi.UNIT)
def operation_action(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "cancel":
        operation = get_object_or_404(Operation, pk=pk)
        deconfliction.operation_cancel(actor=request.user, operation=operation)
    elif action in ("told-first", "told-second"):
        conflict = get_object_or_404(Conflict, pk=pk)
        side = action.removeprefix("told-")
        deconfliction.conflict_told(actor=request.user, conflict=conflict, side=side)
    else:
        raise Http404("no such action")
    return redirect("intelligence:operations")


@role_required(*services.LIAISONS)
def exchange_page(request: HtmxHttpRequest) -> HttpResponse:
    """This installation's key for partners, and both halves of the exchange's log."""
    context = {
        "key_id": exchange.own_key_id(),
        "public_key": exchange.own_public_key_pem(),
        "outbox": OutboundMessage.objects.select_related("partner")[:200],
        "inbox": InboundMessage.objects.select_related("partner")[:200],
    }
    return render(request, "intelligence/exchange.html", context)


@require_POST
@role_required(*services.LIAISONS)
def exchange_retry(request: HtmxHttpRequest, pk: str) -> HttpResponse:
    message = get_object_or_404(OutboundMessage, pk=pk)
    exchange.retry(actor=request.user, message=message)
    return redirect("intelligence:exchange")


@role_required(*services.ANALYSTS)
def received_page(request: HtmxHttpRequest) -> HttpResponse:
    records = selectors.received_records(actor=request.user)
    return render(request, "intelligence/received.html", {"records": records})
