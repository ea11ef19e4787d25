"""Closed-loop referrals: a referrer (a 911 crisis counselor or clinician, a 311 agent for an
encampment, outreach or violence-reduction staff, the coordinator) sends a person to a service
with the person's consent and only what the provider needs; the provider accepts or declines,
starts and completes it; the referrer sees every step. Reminders go out when a provider has not
answered; the person's details are purged after the retention period. The commitment's measure
counts completed referrals by service type, small counts hidden."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from safercity.core.actors import Actor, SystemActor, actor_label
from safercity.core.audit import audit_read, audit_write
from safercity.core.inputs import InputRefused, clean_text
from safercity.core.permissions import requires
from safercity.core.roles import Role, has_role
from safercity.core.rollups import rollups_stale
from safercity.equity.models import Referral, ReferralEvent, Service
from safercity.equity.services import provider_organization

REFERRERS = (
    Role.REFERRAL_COORDINATOR,
    Role.CLINICIAN,
    Role.CALL_TAKER,
    Role.SUPERVISOR_911,
    Role.AGENT_311,
    Role.OUTREACH_PARTNER,
    Role.PROGRAM_STAFF,
)
READERS = (*REFERRERS, Role.SERVICE_PROVIDER)
S = Referral.Status
# Who may move a referral from one status to the next: the provider answers for its service;
# the referrer (or the coordinator) records the person's refusal or withdraws it.
PROVIDER_STEPS = {
    S.SENT: (S.ACCEPTED, S.DECLINED),
    S.ACCEPTED: (S.STARTED, S.DECLINED),
    S.STARTED: (S.COMPLETED,),
}
REFERRER_STEPS = {s: (S.REFUSED, S.WITHDRAWN) for s in Referral.OPEN}
NEEDS_REASON = (S.DECLINED, S.REFUSED, S.WITHDRAWN)


def _oversees(actor: Actor) -> bool:
    """The coordinator, or an operator's command (which skips checks, and says so)."""
    if isinstance(actor, SystemActor):
        return actor.skip_permission_checks
    return has_role(actor, Role.REFERRAL_COORDINATOR)


def visible_to(actor: Actor) -> QuerySet[Referral]:
    """The referrals someone may see: the coordinator all; a provider those to its services;
    a referrer those they sent."""
    found = Referral.objects.select_related("service", "service__organization")
    if _oversees(actor):
        return found
    org = provider_organization(actor)
    mine = Q(referred_by=actor_label(actor))
    return found.filter(mine | Q(service__organization_id=org) if org else mine)


@requires(*REFERRERS)
def referral_send(
    *, actor: Actor, service: Service, source: str, source_reference: str = "",
    person_name: str, contact: str, needs: str = "", consent: str,
) -> Referral:  # fmt: skip
    """Send a person to a service. No referral without the person's consent, and none to a
    service that is not taking people."""
    if consent not in Referral.Consent.values:
        raise InputRefused("No referral without the person's consent: record how it was given.")
    if source not in Referral.Source.values:
        raise InputRefused(f"Unknown source {source!r}.")
    if service.status != Service.Status.ACTIVE:
        raise InputRefused(f"{service.name} is {service.status}: choose another service.")
    person_name = clean_text(person_name, "The name", 120)
    contact = clean_text(contact, "How to reach them", 200)
    needs = clean_text(needs, "What the provider needs to know", 5000, multiline=True)
    if not person_name or not contact:
        raise InputRefused("The provider needs a name (a first name will do) and a way to "
                           "reach the person.")  # fmt: skip
    reference = clean_text(source_reference, "The reference", 60)
    if source == Referral.Source.CRISIS_CALL:
        _check_call(reference)
    elif source == Referral.Source.ENCAMPMENT and reference:
        _check_request(reference)
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            service=service, source=source, source_reference=reference,
            person_name=person_name, contact=contact, needs=needs,
            consent=consent, referred_by=actor_label(actor), referred_at=now, status_at=now,
        )  # fmt: skip
        ReferralEvent.objects.create(referral=referral, at=now, by=actor_label(actor),
                                     status=S.SENT)  # fmt: skip
        audit_write(actor=actor, action="equity.referral.send", obj=referral,
                    detail={"service": str(service.pk), "source": source})  # fmt: skip
        rollups_stale("scorecard")
    return referral


def _check_call(reference: str) -> None:
    from safercity.emergency.models import Call

    if not Call.objects.filter(call_id=reference).exists():
        raise InputRefused(f"There is no 911 call {reference!r}: give the call's id.")


def _check_request(reference: str) -> None:
    from safercity.service311.models import ServiceRequest

    number = reference.removeprefix("#")
    if not (number.isascii() and number.isdigit() and len(number) < 12) or not (
        ServiceRequest.objects.filter(pk=int(number)).exists()
    ):
        raise InputRefused(f"There is no 311 request {reference!r}: give its number.")


@requires(*READERS)
def referral_read(*, actor: Actor, referral: Referral) -> Referral:
    """A referral with the person's details, for someone who may see it; the read is
    audited."""
    if not visible_to(actor).filter(pk=referral.pk).exists():
        raise PermissionDenied("This referral is neither yours nor to your services.")
    audit_read(actor=actor, action="equity.referral.read", obj=referral)
    return referral


@requires(*READERS)
def referral_update(*, actor: Actor, referral: Referral, status: str, note: str = "") -> Referral:
    """Move a referral on: the provider accepts, declines, starts or completes it; the
    referrer records that the person declined, or withdraws it. Each step has its date."""
    referral_read(actor=actor, referral=referral)
    allowed = _steps_for(actor, referral)
    if status not in allowed:
        said = ", ".join(str(S(s).label) for s in allowed) or "nothing more"
        raise InputRefused(f"This referral is {referral.get_status_display()}: you may record "
                           f"{said}.")  # fmt: skip
    note = clean_text(note, "The note", 300)
    if status in NEEDS_REASON and not note:
        raise InputRefused("Say why, in a few words (no personal details).")
    now = timezone.now()
    with transaction.atomic():
        referral.status, referral.status_at = status, now
        if status not in Referral.OPEN:
            referral.closed_at = now
        if status in NEEDS_REASON:
            referral.reason = note
        referral.save()
        ReferralEvent.objects.create(referral=referral, at=now, by=actor_label(actor),
                                     status=status, note=note)  # fmt: skip
        audit_write(actor=actor, action="equity.referral.update", obj=referral,
                    detail={"status": status})  # fmt: skip
        rollups_stale("scorecard")
    return referral


def _steps_for(actor: Actor, referral: Referral) -> tuple[str, ...]:
    steps: list[str] = []
    if provider_organization(actor) == referral.service.organization_id or _oversees(actor):
        steps += PROVIDER_STEPS.get(S(referral.status), ())
    if referral.referred_by == actor_label(actor) or _oversees(actor):
        steps += REFERRER_STEPS.get(S(referral.status), ())
    return tuple(dict.fromkeys(steps))


def steps_for(actor: Actor, referral: Referral) -> list[tuple[str, str]]:
    """What this person may record next on the referral, as (status, label)."""
    return [(s, str(S(s).label)) for s in _steps_for(actor, referral)]


@dataclass(frozen=True)
class Reminder:
    referral: int
    service: str
    to: list[str]
    why: str


def due_reminders(now: datetime | None = None) -> list[Reminder]:
    """Referrals a provider has not answered within SAFERCITY_REFERRAL_ANSWER_HOURS, or not
    started within SAFERCITY_REFERRAL_START_DAYS of accepting, and not reminded since."""
    at = timezone.now() if now is None else now
    unanswered = at - timedelta(hours=settings.SAFERCITY_REFERRAL_ANSWER_HOURS)
    not_started = at - timedelta(days=settings.SAFERCITY_REFERRAL_START_DAYS)
    due = Referral.objects.select_related("service__organization").filter(
        Q(status=S.SENT, status_at__lte=unanswered)
        | Q(status=S.ACCEPTED, status_at__lte=not_started),
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=F("status_at")),
    )
    found = []
    for referral in due:
        org = referral.service.organization
        to = sorted({a.user.email for a in org.accounts.select_related("user") if a.user.email}
                    | ({org.email} if org.email else set()))  # fmt: skip
        why = "not answered" if referral.status == S.SENT else "accepted, not started"
        found.append(Reminder(referral.pk, referral.service.name, to, why))
    return found


@requires(Role.ADMINISTRATOR)
def referrals_remind(*, actor: Actor) -> int:
    """E-mail each late referral's provider (no person details: the number and the
    service), once per status. Returns how many were reminded."""
    from safercity.core.tasks import email_send

    reminders = due_reminders()
    for r in reminders:
        if r.to:
            email_send.enqueue(
                f"Referral {r.referral} to {r.service}: {r.why}",
                f"Referral {r.referral} to {r.service} is {r.why}. Open it in SaferCity to "
                "answer it.",
                r.to,
            )
        Referral.objects.filter(pk=r.referral).update(reminded_at=timezone.now())
    if reminders:
        audit_write(actor=actor, action="equity.referral.remind",
                    detail={"referrals": [r.referral for r in reminders]})  # fmt: skip
    return len(reminders)


@requires(Role.ADMINISTRATOR)
def referrals_purge(*, actor: Actor) -> int:
    """Blank the person's details on referrals closed longer ago than the retention period;
    the referral, its dates and its service stay for the counts."""
    before = timezone.now() - timedelta(days=settings.SAFERCITY_REFERRAL_RETENTION_DAYS)
    due = Referral.objects.filter(closed_at__lte=before, purged_at__isnull=True)
    ids = list(due.values_list("pk", flat=True))
    if ids:
        Referral.objects.filter(pk__in=ids).update(person_name="", contact="", needs="",
                                                   purged_at=timezone.now())  # fmt: skip
        audit_write(actor=actor, action="equity.referral.purge", detail={"referrals": len(ids)})
    return len(ids)
