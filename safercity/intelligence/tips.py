"""Anonymous tips from the public, and the conversation that follows.

The tip form keeps nothing about the sender: no address, no device, no account; the sender
gets a tip key, and only the key's hash is stored, so the key is the one way back to the tip.
With it the tipster reads the status (received, under review, passed on, closed), answers the
coordinator's questions and learns the outcome. The unit triages each tip within the triage
hours into an intelligence submission, a request for information or a referral (or no
action), and writes to the tipster within the feedback days."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import clean_text
from safercity.core.permissions import requires
from safercity.intelligence.base import IntelligenceRefused
from safercity.intelligence.models import Tip, TipMessage
from safercity.intelligence.rfi import RequestIn, request_make
from safercity.intelligence.services import (
    ANALYSTS,
    RecordIn,
    record_submit,
    words_at_least,
)

# Crockford's base32: no I, L, O or U, so a key read aloud or copied by hand survives.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_KEY_LENGTH = 16  # 80 bits: not guessable, however many tries
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

ABOUT = {
    "guns": gettext_noop("guns or a shooting"),
    "violence": gettext_noop("violence or threats"),
    "drugs": gettext_noop("drug dealing"),
    "property": gettext_noop("theft, burglary or damage"),
    "trafficking": gettext_noop("trafficking or exploitation"),
    "other": gettext_noop("something else"),
}


def new_key() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_KEY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _KEY_LENGTH, 4))


def key_hash(key: str) -> str | None:
    """The stored form of a key as the tipster typed it (any case, spaces or dashes, O for 0),
    or None when it cannot be a key."""
    plain = "".join(ch for ch in key.upper() if ch.isalnum()).translate(_READ_AS)
    if len(plain) != _KEY_LENGTH or any(ch not in _ALPHABET for ch in plain):
        return None
    return _digest(plain)


def _digest(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def tip_for_key(key: str) -> Tip | None:
    """The tip a key opens, counted as one status check by its tipster."""
    digest = key_hash(key)
    tip = Tip.objects.filter(key_hash=digest).first() if digest else None
    if tip is not None:
        Tip.objects.filter(pk=tip.pk).update(status_checks=F("status_checks") + 1)
    return tip


@dataclass(frozen=True)
class TipIn:
    about: str
    text: str
    where: str = ""
    when: str = ""


@requires(*ANALYSTS, public=True)
def tip_submit(*, actor: Actor, entered: TipIn) -> tuple[Tip, str]:
    """A tip and its key (shown once to the tipster, never stored). An analyst may enter a tip
    taken by phone the same way."""
    if entered.about not in ABOUT:
        raise IntelligenceRefused("choose what the tip is about")
    text = clean_text(entered.text, "the tip", 8000, multiline=True)
    words_at_least(text, "the tip (what you saw or know)", 3)
    where = clean_text(entered.where, "where", 300)
    when = clean_text(entered.when, "when", 200)
    now = timezone.now()
    key = new_key()
    with transaction.atomic():
        tip = Tip.objects.create(
            key_hash=_digest(key.replace("-", "")), about=entered.about, text=text,
            where=where, when=when, received_at=now,
            triage_due_at=now + timedelta(hours=settings.SAFERCITY_TIP_TRIAGE_HOURS),
            feedback_due_at=now + timedelta(days=settings.SAFERCITY_TIP_FEEDBACK_DAYS),
        )  # fmt: skip
        # The audit entry says a tip came in, and nothing about who sent it.
        audit_write(actor=actor, action="intelligence.tip.submit", obj=tip)
    return tip, key


@requires(public=True)
def tip_reply(*, actor: Actor, tip: Tip, body: str) -> TipMessage:
    """The tipster's answer (the page found the tip by its key)."""
    body = clean_text(body, "your message", 4000, multiline=True)
    if not body:
        raise IntelligenceRefused("write your message")
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if tip.status == Tip.Status.CLOSED:
            raise IntelligenceRefused("this tip is closed; send a new tip instead")
        message = TipMessage.objects.create(
            tip=tip, sender=TipMessage.From.TIPSTER, body=body, sent_at=timezone.now()
        )
        audit_write(actor=actor, action="intelligence.tip.reply", obj=tip)
    return message


def _write(actor: Actor, tip: Tip, body: str) -> TipMessage:
    now = timezone.now()
    message = TipMessage.objects.create(
        tip=tip, sender=TipMessage.From.COORDINATOR, body=body, sent_at=now,
        sent_by=actor_label(actor),
    )  # fmt: skip
    if tip.first_feedback_at is None:
        tip.first_feedback_at = now
    return message


def _coordinator_text(body: str) -> str:
    body = clean_text(body, "the message", 4000, multiline=True)
    words_at_least(body, "the message to the tipster", 2)
    return body


@requires(*ANALYSTS)
def tip_ask(*, actor: Actor, tip: Tip, body: str) -> TipMessage:
    """The coordinator writes to the tipster (a question, or news); the tip is under review."""
    body = _coordinator_text(body)
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if tip.status == Tip.Status.CLOSED:
            raise IntelligenceRefused("this tip is closed")
        message = _write(actor, tip, body)
        if tip.status == Tip.Status.RECEIVED:
            tip.status = Tip.Status.UNDER_REVIEW
        tip.save(update_fields=["first_feedback_at", "status"])
        audit_write(actor=actor, action="intelligence.tip.ask", obj=tip)
    return message


@requires(*ANALYSTS)
def tip_review_start(*, actor: Actor, tip: Tip) -> Tip:
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if tip.status == Tip.Status.RECEIVED:
            tip.status = Tip.Status.UNDER_REVIEW
            tip.save(update_fields=["status"])
            audit_write(actor=actor, action="intelligence.tip.review", obj=tip)
    return tip


@dataclass(frozen=True)
class TriageIn:
    route: str
    record: RecordIn | None = None
    request: RequestIn | None = None
    referred_to: str = ""
    message: str = ""  # to the tipster; required when nothing will be done


@requires(*ANALYSTS)
def tip_triage(*, actor: Actor, tip: Tip, given: TriageIn) -> Tip:
    """Where the tip goes: into the holding bin as a submission (the analyst writes the
    predicate; the tip itself is not a record), into a request for information, to a case or
    unit, or nowhere (then it is closed as no action)."""
    route = given.route
    if route not in Tip.Route.values:
        raise IntelligenceRefused("choose where the tip goes")
    referred_to = clean_text(given.referred_to, "the case or unit", 200)
    message = _coordinator_text(given.message) if given.message or route == "no_action" else ""
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if tip.triaged_at is not None:
            raise IntelligenceRefused("this tip has been triaged already")
        if route == Tip.Route.SUBMISSION:
            if given.record is None:
                raise IntelligenceRefused("write the submission the tip becomes")
            tip.record = record_submit(actor=actor, entered=given.record)
        elif route == Tip.Route.REQUEST:
            if given.request is None:
                raise IntelligenceRefused("write the request the tip becomes")
            tip.request = request_make(actor=actor, entered=given.request)
        elif route == Tip.Route.REFERRAL:
            if not referred_to:
                raise IntelligenceRefused("name the case number or unit it is referred to")
            tip.referred_to = referred_to
        now = timezone.now()
        tip.route, tip.triaged_at, tip.triaged_by = route, now, actor_label(actor)
        if message:
            _write(actor, tip, message)
        if route == Tip.Route.NO_ACTION:
            tip.status, tip.outcome, tip.closed_at = (
                Tip.Status.CLOSED, Tip.Outcome.NO_ACTION, now,
            )  # fmt: skip
        else:
            tip.status = Tip.Status.PASSED_ON
        tip.save()
        audit_write(
            actor=actor, action="intelligence.tip.triage", obj=tip,
            detail={"route": route, "record": tip.record_id, "request": tip.request_id,
                    "on_time": now <= tip.triage_due_at},
        )  # fmt: skip
    return tip


@requires(*ANALYSTS)
def tip_close(*, actor: Actor, tip: Tip, outcome: str, message: str) -> Tip:
    """The outcome, and a last word to the tipster saying it (in general terms)."""
    if outcome not in Tip.Outcome.values:
        raise IntelligenceRefused("choose the outcome")
    body = _coordinator_text(message)
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip.pk)
        if tip.triaged_at is None:
            raise IntelligenceRefused("triage the tip before closing it")
        if tip.status == Tip.Status.CLOSED:
            raise IntelligenceRefused("this tip is closed already")
        _write(actor, tip, body)
        tip.status, tip.outcome = Tip.Status.CLOSED, outcome
        tip.closed_at = timezone.now()
        tip.save(update_fields=["status", "outcome", "closed_at", "first_feedback_at"])
        audit_write(
            actor=actor, action="intelligence.tip.close", obj=tip, detail={"outcome": outcome}
        )
    return tip
