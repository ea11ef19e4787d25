"""Requests for information and bulletins, each on the clock: a request is answered or
declined within its priority's hours, the requester then says within the feedback days whether
the answer was useful and what it led to; a bulletin's recipients give the same feedback.
Whatever is late is on the supervisor's overdue list (`selectors.overdue`).

A request goes inside the department, from this department to a partner (the liaison records
the partner's answer), or from a partner to this department (an analyst answers; the liaison
records the partner's feedback). An answer that gives records disseminates each one, so the
dissemination log and the partner-agreement rule hold for answers too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import clean_text
from safercity.core.permissions import requires
from safercity.core.roles import Role, has_role
from safercity.intelligence.base import IntelligenceRefused, due_after, feedback_due
from safercity.intelligence.exchange import can_exchange, outbox_add, record_payload
from safercity.intelligence.models import (
    Bulletin,
    BulletinRecipient,
    InfoRequest,
    IntelRecord,
    OutboundMessage,
    Partner,
    Priority,
)
from safercity.intelligence.services import (
    ANALYSTS,
    LIAISONS,
    SUPERVISORS,
    DisseminationIn,
    record_disseminate,
    signed_in,
    words_at_least,
)

UNIT = (*ANALYSTS, Role.PARTNER_LIAISON)
Direction = InfoRequest.Direction


@dataclass(frozen=True)
class RequestIn:
    direction: str
    priority: str
    question: str
    purpose: str
    requested_by: str = ""
    partner: Partner | None = None


@requires(*UNIT)
def request_make(*, actor: Actor, entered: RequestIn) -> InfoRequest:
    """A new request, due by its priority's deadline. An incoming request is entered by the
    liaison who received it; the others by the person asking, who owes the feedback."""
    if entered.direction not in Direction.values:
        raise IntelligenceRefused("say where the request goes: inside, to a partner or from one")
    if entered.priority not in Priority.values:
        raise IntelligenceRefused("choose the priority: urgent, priority or routine")
    question = clean_text(entered.question, "the question", 4000, multiline=True)
    purpose = clean_text(entered.purpose, "the purpose", 2000, multiline=True)
    words_at_least(question, "the question", 3)
    words_at_least(purpose, "the law-enforcement purpose (the need to know)", 3)
    requested_by = clean_text(entered.requested_by, "who is asking", 200)
    partner = entered.partner
    if entered.direction == Direction.INTERNAL:
        partner = None
    elif partner is None:
        raise IntelligenceRefused("name the partner agency")
    incoming = entered.direction == Direction.INCOMING
    if incoming and not has_role(actor, *LIAISONS):
        raise IntelligenceRefused("a partner's request is entered by a partner liaison")
    if incoming and not requested_by:
        raise IntelligenceRefused("name the partner's desk or official asking")
    requester = None if incoming else signed_in(actor)
    now = timezone.now()
    with transaction.atomic():
        made = InfoRequest.objects.create(
            direction=entered.direction, partner=partner, priority=entered.priority,
            requested_by=requested_by or actor_label(actor), requester=requester,
            question=question, purpose=purpose, made_at=now,
            due_at=due_after(entered.priority, now),
        )  # fmt: skip
        if not incoming and partner is not None and can_exchange(partner):
            outbox_add(
                partner, OutboundMessage.Kind.REQUEST,
                {"reference": str(made.pk), "priority": made.priority, "question": question,
                 "purpose": purpose, "requested_by": made.requested_by},
                request=made,
            )  # fmt: skip
        audit_write(
            actor=actor, action="intelligence.request.make", obj=made,
            detail={"direction": made.direction, "priority": made.priority,
                    "partner": getattr(partner, "pk", None)},
        )  # fmt: skip
    return made


def _open(request: InfoRequest) -> InfoRequest:
    request = InfoRequest.objects.select_for_update().get(pk=request.pk)
    if request.status not in InfoRequest.WAITING:
        raise IntelligenceRefused("this request has been answered or declined already")
    return request


@requires(*SUPERVISORS)
def request_assign(*, actor: Actor, request: InfoRequest, to: User) -> InfoRequest:
    """A supervisor gives a request to an analyst (for an outgoing request, the liaison who
    follows it up with the partner)."""
    wanted = LIAISONS if request.direction == Direction.OUTGOING else ANALYSTS
    if not to.is_active or not has_role(to, *wanted):
        raise IntelligenceRefused(f"{to} cannot work this request (wrong role or inactive)")
    with transaction.atomic():
        request = _open(request)
        request.assigned_to, request.assigned_at = to, timezone.now()
        request.status = InfoRequest.Status.ASSIGNED
        request.save(update_fields=["assigned_to", "assigned_at", "status"])
        audit_write(
            actor=actor, action="intelligence.request.assign", obj=request,
            detail={"to": to.get_username()},
        )  # fmt: skip
    return request


def _may_answer(actor: Actor, request: InfoRequest) -> None:
    if request.direction == Direction.OUTGOING:
        if not has_role(actor, *LIAISONS):
            raise IntelligenceRefused("a partner's answer is recorded by a partner liaison")
    elif not has_role(actor, *ANALYSTS):
        raise IntelligenceRefused("an intelligence analyst answers this request")
    assigned = request.assigned_to_id
    if assigned and assigned != getattr(actor, "pk", None) and not has_role(actor, *SUPERVISORS):
        raise IntelligenceRefused("this request is assigned to someone else")


@dataclass(frozen=True)
class AnswerIn:
    answer: str
    decline: bool = False
    records: Sequence[IntelRecord] = field(default_factory=tuple)


@requires(*UNIT)
def request_answer(*, actor: Actor, request: InfoRequest, given: AnswerIn) -> InfoRequest:
    """Answered (or declined, saying why) and the clock stops. Records given with an answer
    are disseminated to the requester on the request's purpose, each one logged; to a partner
    only while its agreement is in force."""
    answer = clean_text(given.answer, "the answer", 8000, multiline=True)
    words_at_least(answer, "why it is declined" if given.decline else "the answer", 2)
    if given.decline and given.records:
        raise IntelligenceRefused("a declined request gives no records")
    if given.records and request.direction == Direction.OUTGOING:
        raise IntelligenceRefused("records are given in answer to a request, not asked for")
    now = timezone.now()
    with transaction.atomic():
        request = _open(request)
        _may_answer(actor, request)
        for record in given.records:
            record_disseminate(
                actor=actor, record=record,
                given=DisseminationIn(
                    recipient=request.requested_by, partner=request.partner,
                    need_to_know=request.purpose,
                    internal=request.direction == Direction.INTERNAL,
                    send=False,  # the answer carries the records
                    right_to_know=f"Answer to request {request.pk} from {request.requested_by}",
                ),
            )  # fmt: skip
        request.status = (
            InfoRequest.Status.DECLINED if given.decline else InfoRequest.Status.ANSWERED
        )
        request.answer, request.answered_at, request.answered_by = answer, now, actor_label(actor)
        request.feedback_due_at = None if given.decline else feedback_due(now)
        request.save()
        if request.direction == Direction.INCOMING and request.remote_reference:
            _tell_partner(request, OutboundMessage.Kind.ANSWER, {
                "reference": str(request.pk), "answer": answer, "declined": given.decline,
                "records": [record_payload(r) for r in given.records],
            })  # fmt: skip
        audit_write(
            actor=actor, action="intelligence.request.answer", obj=request,
            detail={"status": request.status, "records": [r.pk for r in given.records],
                    "on_time": request.on_time()},
        )  # fmt: skip
    return request


def _tell_partner(request: InfoRequest, kind: str, payload: dict[str, object]) -> None:
    """Over the exchange, when the partner's installation takes part in it."""
    if request.partner is not None and can_exchange(request.partner):
        outbox_add(
            request.partner, kind, {"request": request.remote_reference} | payload,
            request=request,
        )  # fmt: skip


@dataclass(frozen=True)
class FeedbackIn:
    useful: bool
    led_to: str = ""


def _feedback_text(given: FeedbackIn) -> str:
    led_to = clean_text(given.led_to, "what it led to", 2000, multiline=True)
    words_at_least(led_to, "what it led to (an arrest, a lead, nothing yet, ...)", 2)
    return led_to


@requires(*UNIT)
def request_feedback(*, actor: Actor, request: InfoRequest, given: FeedbackIn) -> InfoRequest:
    """The requester's word on the answer: useful or not, and what it led to. For a partner's
    request the liaison records what the partner said."""
    led_to = _feedback_text(given)
    with transaction.atomic():
        request = InfoRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != InfoRequest.Status.ANSWERED:
            raise IntelligenceRefused("feedback is given on an answered request")
        if request.feedback_at:
            raise IntelligenceRefused("the feedback on this request is given already")
        if request.direction == Direction.INCOMING:
            if not has_role(actor, *LIAISONS):
                raise IntelligenceRefused("a partner's feedback is recorded by a partner liaison")
        elif request.requester_id != getattr(actor, "pk", None):
            raise IntelligenceRefused("the person who asked gives the feedback")
        request.useful, request.led_to = given.useful, led_to
        request.feedback_at, request.feedback_by = timezone.now(), actor_label(actor)
        request.save(update_fields=["useful", "led_to", "feedback_at", "feedback_by"])
        if request.direction == Direction.OUTGOING and request.remote_reference:
            _tell_partner(request, OutboundMessage.Kind.FEEDBACK,
                          {"useful": given.useful, "led_to": led_to})  # fmt: skip
        audit_write(
            actor=actor, action="intelligence.request.feedback", obj=request,
            detail={"useful": given.useful},
        )  # fmt: skip
    return request


@dataclass(frozen=True)
class BulletinIn:
    kind: str
    title: str
    body: str
    desks: Sequence[str] = ()
    partners: Sequence[Partner] = ()


@requires(*ANALYSTS)
def bulletin_issue(*, actor: Actor, entered: BulletinIn) -> Bulletin:
    """A bulletin to desks here and to partner agencies; each owes feedback by the date. A
    bulletin carries no record's content: records go out one by one, logged."""
    if entered.kind not in Bulletin.Kind.values:
        raise IntelligenceRefused("choose what kind of bulletin it is")
    title = clean_text(entered.title, "the title", 200)
    body = clean_text(entered.body, "the bulletin", 8000, multiline=True)
    if not title:
        raise IntelligenceRefused("the bulletin needs a title")
    words_at_least(body, "the bulletin", 5)
    desks = [clean_text(d, "a desk", 200) for d in entered.desks]
    desks = list(dict.fromkeys(d for d in desks if d))
    partners = list(dict.fromkeys(entered.partners))
    if not desks and not partners:
        raise IntelligenceRefused("send the bulletin to at least one desk or partner")
    now = timezone.now()
    with transaction.atomic():
        bulletin = Bulletin.objects.create(
            kind=entered.kind, title=title, body=body, issued_by=actor_label(actor),
            issued_at=now, feedback_due_at=feedback_due(now),
        )  # fmt: skip
        BulletinRecipient.objects.bulk_create(
            [BulletinRecipient(bulletin=bulletin, desk=d) for d in desks]
            + [BulletinRecipient(bulletin=bulletin, partner=p, desk=p.name) for p in partners]
        )
        audit_write(
            actor=actor, action="intelligence.bulletin.issue", obj=bulletin,
            detail={"desks": desks, "partners": [p.pk for p in partners]},
        )  # fmt: skip
    return bulletin


@requires(*UNIT)
def bulletin_feedback(
    *, actor: Actor, recipient: BulletinRecipient, given: FeedbackIn
) -> BulletinRecipient:
    """A recipient's feedback on a bulletin, recorded by whoever heard it."""
    led_to = _feedback_text(given)
    with transaction.atomic():
        recipient = BulletinRecipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.feedback_at:
            raise IntelligenceRefused("this recipient's feedback is recorded already")
        recipient.useful, recipient.led_to = given.useful, led_to
        recipient.feedback_at, recipient.recorded_by = timezone.now(), actor_label(actor)
        recipient.save(update_fields=["useful", "led_to", "feedback_at", "recorded_by"])
        audit_write(
            actor=actor, action="intelligence.bulletin.feedback", obj=recipient,
            detail={"bulletin": recipient.bulletin_id, "useful": given.useful},
        )  # fmt: skip
    return recipient
