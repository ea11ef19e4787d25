"""Every write of the criminal intelligence system (28 CFR Part 23): submissions into the
holding bin, the review that accepts or rejects them against the submission criteria,
dissemination only to partners bound by an agreement (or an imminent-danger assessment),
the review-and-validate or purge before a record's period ends, and the purge of what was
found unreliable with a notice to every recipient. Each checks the actor's role and writes
the audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import clean_text
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.workdays import end_of_next_business_day
from safercity.intelligence.base import IntelligenceRefused
from safercity.intelligence.exchange import (
    can_exchange,
    outbox_add,
    public_key_from_pem,
    record_payload,
)
from safercity.intelligence.models import (
    ContentValidity,
    Dissemination,
    IntelRecord,
    OutboundMessage,
    Partner,
    RecipientNotice,
    RetentionDecision,
    SourceReliability,
)

ANALYSTS = (Role.INTEL_ANALYST, Role.INTEL_SUPERVISOR)
SUPERVISORS = (Role.INTEL_SUPERVISOR,)
LIAISONS = (Role.PARTNER_LIAISON, Role.INTEL_SUPERVISOR)
MAX_RETENTION_DAYS = 1826  # five years (28 CFR 23.20(h))

# The reviewer's checklist: the submission criteria of 28 CFR 23.20(a) to (d). Every answer
# must be yes for the record to leave the holding bin.
CHECKLIST = {
    "predicate": "The submission states a reasonable suspicion that the subject is involved in "
    "definable criminal conduct or activity",
    "relevant": "The information is relevant to that criminal conduct or activity",
    "no_protected_views": "It holds no information about political, religious or social views, "
    "associations or activities, except what directly relates to the criminal conduct",
    "lawful": "It was not obtained in violation of any law, ordinance or rule",
    "labelled": "The source's reliability and the content's validity are labelled as judged",
}


@dataclass(frozen=True)
class RecordIn:
    subject: str
    criminal_activity: str
    predicate: str
    relevance: str
    content: str
    source_reliability: str
    content_validity: str
    submitting_agency: str = ""


def signed_in(who: Actor) -> User:
    """The signed-in person behind an intelligence action: records and requests name who
    submitted, reviewed, asked and answered, so a task or an API key never does any of it."""
    if not isinstance(who, User):
        raise IntelligenceRefused("only a signed-in person does this")
    return who


def words_at_least(text: str, name: str, least: int) -> None:
    if len(text.split()) < least:
        raise IntelligenceRefused(f"{name} needs at least {least} words saying it")


@requires(*ANALYSTS)
def record_submit(*, actor: Actor, entered: RecordIn) -> IntelRecord:
    """A submission: held until a supervisor reviews it, never searchable before."""
    subject = clean_text(entered.subject, "the subject", 300)
    activity = clean_text(entered.criminal_activity, "the criminal activity", 300)
    predicate = clean_text(entered.predicate, "the criminal predicate", 4000, multiline=True)
    relevance = clean_text(entered.relevance, "the relevance", 4000, multiline=True)
    content = clean_text(entered.content, "the content", 20000, multiline=True)
    for text, name in ((subject, "the subject"), (activity, "the criminal activity")):
        if not text:
            raise IntelligenceRefused(f"{name} is required")
    words_at_least(predicate, "the criminal predicate (why there is reasonable suspicion)", 5)
    words_at_least(relevance, "the relevance to the criminal activity", 3)
    words_at_least(content, "the content", 3)
    if entered.source_reliability not in SourceReliability.values:
        raise IntelligenceRefused("label the source's reliability (A, B, C or X)")
    if entered.content_validity not in ContentValidity.values:
        raise IntelligenceRefused("label the content's validity (1, 2, 3 or 4)")
    agency = clean_text(entered.submitting_agency, "the submitting agency", 200)
    with transaction.atomic():
        record = IntelRecord(
            subject=subject, criminal_activity=activity, predicate=predicate,
            relevance=relevance, content=content, source_reliability=entered.source_reliability,
            content_validity=entered.content_validity,
            submitting_agency=agency or settings.SAFERCITY_AGENCY_NAME,
            submitted_by=signed_in(actor), submitted_at=timezone.now(),
        )  # fmt: skip
        record.fill_haystack()
        record.save()
        audit_write(actor=actor, action="intelligence.record.submit", obj=record)
    return record


def _retention_end(start: date, days: int | None = None) -> date:
    """At most five years from `start`, and no more than the city's setting."""
    wanted = settings.SAFERCITY_INTEL_RETENTION_DAYS if days is None else days
    return start + timedelta(days=min(wanted, MAX_RETENTION_DAYS))


@requires(*SUPERVISORS)
def record_review(
    *, actor: Actor, record: IntelRecord, answers: dict[str, bool], note: str = ""
) -> IntelRecord:
    """Out of the holding bin: accepted when every criterion holds, else rejected with the
    criteria it failed; a rejected record keeps only its stub."""
    note = clean_text(note, "the reviewer's note", 2000, multiline=True)
    with transaction.atomic():
        record = IntelRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != IntelRecord.Status.HELD:
            raise IntelligenceRefused("this record has been reviewed already")
        reviewer = signed_in(actor)
        if record.submitted_by_id == reviewer.pk:
            raise IntelligenceRefused("a submission is reviewed by someone other than its author")
        missing = [key for key in CHECKLIST if key not in answers]
        if missing:
            raise IntelligenceRefused("answer every question of the checklist")
        failed = [key for key in CHECKLIST if not answers[key]]
        now = timezone.now()
        record.reviewed_by, record.reviewed_at = reviewer, now
        record.checklist = {key: bool(answers[key]) for key in CHECKLIST}
        if failed:
            record.status = IntelRecord.Status.REJECTED
            reasons = "; ".join(CHECKLIST[key] for key in failed)
            record.rejection_reason = f"Not met: {reasons}." + (f" {note}" if note else "")
            _blank(record)
        else:
            record.status = IntelRecord.Status.ACCEPTED
            record.retain_until = _retention_end(timezone.localdate())
        record.save()
        audit_write(
            actor=actor, action="intelligence.record.review", obj=record,
            detail={"status": record.status, "failed": failed},
        )  # fmt: skip
    return record


def _blank(record: IntelRecord) -> None:
    """What a rejected or purged record said is gone; its stub (number, dates, status,
    reasons) stays so the logs that mention it still make sense."""
    record.subject = record.criminal_activity = record.haystack = ""
    record.predicate = record.relevance = record.content = ""


def _searchable(record: IntelRecord) -> IntelRecord:
    record = IntelRecord.objects.select_for_update().get(pk=record.pk)
    if not record.searchable:
        raise IntelligenceRefused("only an accepted record not found unreliable can be used")
    return record


@dataclass(frozen=True)
class DisseminationIn:
    recipient: str
    need_to_know: str
    right_to_know: str
    partner: Partner | None = None
    imminent_danger: bool = False
    assessment: str = ""
    internal: bool = False  # to a desk of this department
    send: bool = True  # over the exchange, to a partner's installation (not when an answer
    # to its request carries the record)


@requires(*ANALYSTS)
def record_disseminate(
    *, actor: Actor, record: IntelRecord, given: DisseminationIn
) -> Dissemination:
    """Give a record outside the unit: only to a partner whose agreement binds it to the same
    rules and is in force today, on a stated need and right to know; or, to avert imminent
    danger to life or property, an assessment to whoever must act, recorded as such."""
    recipient = clean_text(given.recipient, "the recipient", 200)
    need = clean_text(given.need_to_know, "the need to know", 2000, multiline=True)
    right = clean_text(given.right_to_know, "the right to know", 2000, multiline=True)
    assessment = clean_text(given.assessment, "the assessment", 4000, multiline=True)
    if not recipient:
        raise IntelligenceRefused("name the desk or official it goes to")
    words_at_least(need, "the need to know (what law-enforcement activity needs it)", 3)
    words_at_least(right, "the right to know (the recipient's authority)", 2)
    today = timezone.localdate()
    if given.imminent_danger:
        words_at_least(
            assessment, "the imminent-danger assessment (what is said, not the record)", 5
        )
    elif given.partner is None and not given.internal:
        raise IntelligenceRefused(
            "a record goes only to a partner with an agreement on file (or, to avert "
            "imminent danger, as an assessment)"
        )
    elif given.partner is not None and not given.partner.agreement_holds(today):
        raise IntelligenceRefused(
            f"{given.partner.name} has no agreement in force binding it to 28 CFR Part 23: "
            "the record cannot go to it"
        )
    with transaction.atomic():
        record = _searchable(record)
        given_out = Dissemination.objects.create(
            record=record, partner=given.partner, recipient=recipient, need_to_know=need,
            right_to_know=right, imminent_danger=given.imminent_danger, assessment=assessment,
            given_by=actor_label(actor), given_at=timezone.now(),
        )  # fmt: skip
        partner = given.partner
        if partner and given.send and not given.imminent_danger and can_exchange(partner):
            payload = {"record": record_payload(record), "recipient": recipient,
                       "need_to_know": need, "right_to_know": right}  # fmt: skip
            outbox_add(partner, OutboundMessage.Kind.RECORD, payload)
        audit_write(
            actor=actor, action="intelligence.record.disseminate", obj=record,
            detail={"dissemination": given_out.pk, "partner": getattr(given.partner, "pk", None),
                    "imminent_danger": given.imminent_danger},
        )  # fmt: skip
    return given_out


@requires(*ANALYSTS)
def record_flag_unreliable(*, actor: Actor, record: IntelRecord, reason: str) -> IntelRecord:
    """Found misleading, obsolete or unreliable: out of every search and dissemination at
    once, and purged by the end of the next business day (by a supervisor, or by the task)."""
    reason = clean_text(reason, "the reason", 2000, multiline=True)
    words_at_least(reason, "why the record is unreliable", 3)
    with transaction.atomic():
        record = _searchable(record)
        now = timezone.now()
        record.unreliable_since, record.unreliable_reason = now, reason
        record.purge_by = end_of_next_business_day(now)
        record.save(update_fields=["unreliable_since", "unreliable_reason", "purge_by"])
        audit_write(actor=actor, action="intelligence.record.unreliable", obj=record)
    return record


@requires(*SUPERVISORS)
def record_validate(
    *, actor: Actor, record: IntelRecord, reason: str, days: int | None = None
) -> IntelRecord:
    """Reviewed and validated before the period ends: a new period of at most five years from
    today. Updating the subject's details is not a validation; a reason must say why the
    record is still relevant and reliable."""
    reason = clean_text(reason, "the reason", 2000, multiline=True)
    words_at_least(reason, "why the record still meets the criteria", 5)
    if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
        raise IntelligenceRefused("a new period is 1 day to five years")
    with transaction.atomic():
        record = _searchable(record)
        record.retain_until = _retention_end(timezone.localdate(), days)
        record.save(update_fields=["retain_until"])
        RetentionDecision.objects.create(
            record=record, decision=RetentionDecision.Decision.VALIDATED, reason=reason,
            decided_by=actor_label(actor), decided_at=timezone.now(),
            retain_until=record.retain_until,
        )  # fmt: skip
        audit_write(
            actor=actor, action="intelligence.record.validate", obj=record,
            detail={"retain_until": record.retain_until},
        )  # fmt: skip
    return record


@requires(*SUPERVISORS)
def record_purge(*, actor: Actor, record: IntelRecord, reason: str) -> IntelRecord:
    """Purge now: what the record said is deleted, the decision is kept, and, when it was
    found unreliable, every agency it was given to gets a notice to purge it too."""
    reason = clean_text(reason, "the reason", 2000, multiline=True)
    words_at_least(reason, "why the record is purged", 3)
    return _purge(actor, record, reason)


def _purge(actor: Actor, record: IntelRecord, reason: str) -> IntelRecord:
    with transaction.atomic():
        record = IntelRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != IntelRecord.Status.ACCEPTED:
            raise IntelligenceRefused("only an accepted record is purged (this one is not)")
        now = timezone.now()
        record.status, record.purged_at, record.purge_reason = (
            IntelRecord.Status.PURGED, now, reason,
        )  # fmt: skip
        _blank(record)
        record.save()
        RetentionDecision.objects.create(
            record=record, decision=RetentionDecision.Decision.PURGED, reason=reason,
            decided_by=actor_label(actor), decided_at=now,
        )  # fmt: skip
        notices = 0
        if record.unreliable_since:
            for given in record.given.select_related("partner"):
                notice = RecipientNotice.objects.create(
                    dissemination=given, made_at=now,
                    reason=f"Record {record.pk} was found unreliable and purged: purge it too. "
                    f"{record.unreliable_reason}",
                )  # fmt: skip
                notices += 1
                if given.partner is not None and can_exchange(given.partner):
                    outbox_add(
                        given.partner, OutboundMessage.Kind.NOTICE,
                        {"record": str(record.pk), "reason": notice.reason}, notice=notice,
                    )  # fmt: skip
        audit_write(
            actor=actor, action="intelligence.record.purge", obj=record,
            detail={"notices": notices, "unreliable": bool(record.unreliable_since)},
        )  # fmt: skip
    return record


@requires(*SUPERVISORS)
def purge_due(*, actor: Actor) -> dict[str, int]:
    """The daily duty no one can forget: records found unreliable whose business day is over,
    and records whose period ended without a validation, are purged. Run by the task worker."""
    now, today = timezone.now(), timezone.localdate()
    unreliable = IntelRecord.objects.found_unreliable().filter(purge_by__lte=now)
    expired = IntelRecord.objects.in_use().filter(retain_until__lt=today)
    counts = {"unreliable": 0, "expired": 0}
    for pk in list(unreliable.values_list("pk", flat=True)):
        _purge(actor, IntelRecord(pk=pk), "found unreliable; purged within one business day")
        counts["unreliable"] += 1
    for pk in list(expired.values_list("pk", flat=True)):
        _purge(actor, IntelRecord(pk=pk), "retention period ended without a validation")
        counts["expired"] += 1
    return counts


@requires(*LIAISONS)
def notice_delivered(*, actor: Actor, notice: RecipientNotice) -> RecipientNotice:
    with transaction.atomic():
        notice = RecipientNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.delivered_at is None:
            notice.delivered_at, notice.delivered_by = timezone.now(), actor_label(actor)
            notice.save(update_fields=["delivered_at", "delivered_by"])
            audit_write(actor=actor, action="intelligence.notice.delivered", obj=notice)
    return notice


@dataclass(frozen=True)
class PartnerIn:
    name: str
    jurisdiction: str = ""
    agreement_reference: str = ""
    agreement_signed_on: date | None = None
    agreement_until: date | None = None
    binds_to_part_23: bool = False
    contact: str = ""
    exchange_url: str = ""
    exchange_key_id: str = ""
    exchange_public_key: str = ""


def _exchange_settings(entered: PartnerIn, partner: Partner | None) -> dict[str, str]:
    """The partner's installation: an http(s) address, the key id it signs with (no other
    partner's) and its Ed25519 public key; all three, or none."""
    url = clean_text(entered.exchange_url, "the installation's address", 200).rstrip("/")
    key_id = clean_text(entered.exchange_key_id, "the key id", 100)
    pem = entered.exchange_public_key.strip()
    if not (url or key_id or pem):
        return {"exchange_url": "", "exchange_key_id": "", "exchange_public_key": ""}
    if not (url and key_id and pem):
        raise IntelligenceRefused(
            "for the exchange give the installation's address, its key id and its public key"
        )
    if not url.startswith(("https://", "http://")) or " " in url:
        raise IntelligenceRefused("the installation's address starts with https://")
    public_key_from_pem(pem)
    taken = Partner.objects.filter(exchange_key_id=key_id)
    if (taken.exclude(pk=partner.pk) if partner else taken).exists():
        raise IntelligenceRefused(f"another partner signs with the key id {key_id!r}")
    return {"exchange_url": url, "exchange_key_id": key_id, "exchange_public_key": pem}


@requires(*LIAISONS)
def partner_save(*, actor: Actor, entered: PartnerIn, partner: Partner | None = None) -> Partner:
    """A partner agency and its agreement: new, or the agreement renewed or ended."""
    name = clean_text(entered.name, "the agency's name", 200)
    if not name:
        raise IntelligenceRefused("name the agency")
    signed, until = entered.agreement_signed_on, entered.agreement_until
    if until and signed and until < signed:
        raise IntelligenceRefused("an agreement cannot end before it was signed")
    if signed and signed > timezone.localdate():
        raise IntelligenceRefused("an agreement cannot have been signed in the future")
    exchange = _exchange_settings(entered, partner)
    others = Partner.objects.filter(name__iexact=name)
    if (others.exclude(pk=partner.pk) if partner else others).exists():
        raise IntelligenceRefused(f"{name} is a partner already")
    values = {
        "name": name,
        "jurisdiction": clean_text(entered.jurisdiction, "the jurisdiction", 200),
        "agreement_reference": clean_text(entered.agreement_reference, "the agreement", 200),
        "agreement_signed_on": signed, "agreement_until": until,
        "binds_to_part_23": entered.binds_to_part_23,
        "contact": clean_text(entered.contact, "the contact", 200),
        **exchange,
    }  # fmt: skip
    with transaction.atomic():
        if partner is None:
            partner = Partner.objects.create(**values)
        else:
            Partner.objects.filter(pk=partner.pk).update(**values)
            partner.refresh_from_db()
        audit_write(actor=actor, action="intelligence.partner.save", obj=partner, detail=values)
    return partner
