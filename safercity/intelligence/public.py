"""The public tip line: send a tip without saying who you are, then come back with the tip
key to read the status, answer the unit's questions and learn the outcome. Nothing about the
sender is kept; the key is sent in the body of a form, never in an address, so it does not
land in a server's or a proxy's logs. Every answer is marked not to be cached."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safercity.core.actors import PublicActor
from safercity.core.inputs import InputRefused
from safercity.core.rollups import rollup_read
from safercity.intelligence import tips
from safercity.intelligence.exchange_forms import TipForm, TipKeyForm, TipReplyForm
from safercity.intelligence.models import Tip

WEB = PublicActor("tips")


def monthly(request: HttpRequest) -> HttpResponse:
    """Commitment 3's public page: counts by month, small ones hidden; no content, ever."""
    snapshot = rollup_read("intelligence:monthly")  # measures._monthly computes it
    context = {"data": snapshot.data, "computed_at": snapshot.computed_at}
    return render(request, "intelligence/public/monthly.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def tip_form(request: HttpRequest) -> HttpResponse:
    form = TipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_robot():
            # Said as a success, so a script learns nothing; nothing is stored.
            return render(request, "intelligence/public/sent.html", {"key": tips.new_key()})
        try:
            _tip, key = tips.tip_submit(actor=WEB, entered=form.entered())
        except InputRefused as refused:
            form.add_error(None, str(refused))
        else:
            return render(request, "intelligence/public/sent.html", {"key": key})
    status = 400 if form.errors else 200
    context = {"form": form, "triage_hours": settings.SAFERCITY_TIP_TRIAGE_HOURS}
    return render(request, "intelligence/public/tip.html", context, status=status)


def _status_page(request: HttpRequest, tip: Tip, key: str, reply: TipReplyForm | None = None,
                 sent: bool = False) -> HttpResponse:  # fmt: skip
    messages = tip.messages.all()
    context = {
        "tip": tip,
        "messages_": messages,
        "reply": reply or TipReplyForm(initial={"key": key}),
        "sent": sent,
    }
    return render(request, "intelligence/public/status.html", context, status=400 if reply else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def tip_status(request: HttpRequest) -> HttpResponse:
    """The key is asked for on a form and sent by POST; a key that opens no tip is told
    plainly, the same way whether or not it was ever given."""
    if request.method == "POST" and "body" in request.POST:
        reply = TipReplyForm(request.POST)
        tip = tips.tip_for_key(request.POST.get("key", "")) if reply.is_valid() else None
        if tip is None:
            form = TipKeyForm(request.POST)
            form.is_valid()
            form.add_error(None, _("No tip has that key."))
            return render(request, "intelligence/public/find.html", {"form": form}, status=400)
        try:
            tips.tip_reply(actor=WEB, tip=tip, body=reply.cleaned_data["body"])
        except InputRefused as refused:
            reply.add_error(None, str(refused))
            return _status_page(request, tip, reply.cleaned_data["key"], reply)
        return _status_page(request, tip, reply.cleaned_data["key"], sent=True)
    form = TipKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tip = tips.tip_for_key(form.cleaned_data["key"])
        if tip is not None:
            return _status_page(request, tip, form.cleaned_data["key"])
        form.add_error(None, _("No tip has that key."))
    status = 400 if form.errors else 200
    return render(request, "intelligence/public/find.html", {"form": form}, status=status)
