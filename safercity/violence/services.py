"""Every write of the group audit: groups, their aliases, areas and relations, audit sessions
that confirm them, and the purge of what has expired. Each checks the actor's role and writes
the audit entry in the same transaction.

Assertions expire SAFERCITY_GVI_ASSERTION_DAYS after they were made or last confirmed
(default 365: re-confirmed at each audit, as the research brief's safeguards propose); an
expired one is kept out of every read and deleted SAFERCITY_GVI_RETENTION_DAYS after it
expired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils import timezone

from safercity.core.actors import Actor, SystemActor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused, clean_text
from safercity.core.permissions import requires
from safercity.core.roles import Role, roles_of
from safercity.crime.models import CrimeRecord
from safercity.violence.models import (
    ActionItem,
    AuditSession,
    Confidence,
    Group,
    GroupAlias,
    GroupArea,
    GroupRelation,
    IncidentReview,
    Intervention,
    NotificationRecipient,
    ReferralCount,
    ReviewDecision,
    ShootingReview,
)

# Program staff run the audit; analysts help with incident reviews and the evaluation.
AUDIT_ROLES = (Role.PROGRAM_STAFF, Role.ADMINISTRATOR)
PARTICIPANT_ROLES = (
    "program staff", "patrol", "investigations", "probation and parole", "outreach",
    "community partner", "service provider", "prosecutor", "analyst",
)  # fmt: skip
ASSERTIONS = (GroupAlias, GroupArea, GroupRelation)


class GroupAuditRefused(InputRefused):
    """A statement about groups this system will not record; the message says why."""


@dataclass(frozen=True)
class Basis:
    """Where a statement about a group came from: every one of them says so."""

    source: str
    asserted_on: date
    confidence: str

    def checked(self) -> Basis:
        source = clean_text(self.source, "source", 300)
        if not source:
            raise GroupAuditRefused("say where this came from (source)")
        if self.confidence not in Confidence.values:
            raise GroupAuditRefused(f"confidence must be one of {', '.join(Confidence.values)}")
        if self.asserted_on > timezone.localdate():
            raise GroupAuditRefused("the date it was said cannot be in the future")
        return Basis(source, self.asserted_on, self.confidence)


def _stamp(actor: Actor, basis: Basis, session: AuditSession | None) -> dict[str, Any]:
    checked = basis.checked()
    start = max(checked.asserted_on, session.held_on) if session else checked.asserted_on
    return {
        "source": checked.source,
        "asserted_on": checked.asserted_on,
        "confidence": checked.confidence,
        "entered_by": actor_label(actor),
        "entered_at": timezone.now(),
        "session": session,
        "confirmed_at": session,
        "expires_on": start + timedelta(days=settings.SAFERCITY_GVI_ASSERTION_DAYS),
    }


@requires(*AUDIT_ROLES)
@transaction.atomic
def audit_session_create(
    *, actor: Actor, held_on: date, scope: str, participant_roles: list[str], notes: str = ""
) -> AuditSession:
    scope = clean_text(scope, "scope", 200)
    if not scope:
        raise GroupAuditRefused("say what the session covered (scope)")
    unknown = sorted(set(participant_roles) - set(PARTICIPANT_ROLES))
    if unknown:
        raise GroupAuditRefused(f"participants are named by role only, not {', '.join(unknown)}")
    if not participant_roles:
        raise GroupAuditRefused("name the roles that took part")
    if held_on > timezone.localdate():
        raise GroupAuditRefused("a session cannot be held in the future")
    session = AuditSession.objects.create(
        held_on=held_on,
        scope=scope,
        participant_roles=sorted(set(participant_roles)),
        notes=clean_text(notes, "notes", 2000, multiline=True),
        entered_by=actor_label(actor),
        entered_at=timezone.now(),
    )
    audit_write(actor=actor, action="violence.audit_session.create", obj=session)
    return session


@requires(*AUDIT_ROLES)
@transaction.atomic
def group_create(
    *, actor: Actor, name: str, session: AuditSession | None = None, status: str = "active"
) -> Group:
    name = clean_text(name, "name", 120)
    if not name:
        raise GroupAuditRefused("a group needs the name the program uses for it")
    if status not in Group.Status.values:
        raise GroupAuditRefused(f"status must be one of {', '.join(Group.Status.values)}")
    if Group.objects.filter(name__iexact=name).exists():
        raise GroupAuditRefused(f"there is already a group named {name}")
    group = Group.objects.create(
        name=name,
        status=status,
        first_named_at=session,
        entered_by=actor_label(actor),
        entered_at=timezone.now(),
    )
    audit_write(actor=actor, action="violence.group.create", obj=group, detail={"name": name})
    return group


@requires(*AUDIT_ROLES)
@transaction.atomic
def group_status_set(*, actor: Actor, group: Group, status: str) -> Group:
    if status not in Group.Status.values:
        raise GroupAuditRefused(f"status must be one of {', '.join(Group.Status.values)}")
    before = group.status
    group.status = status
    group.save(update_fields=["status"])
    audit_write(
        actor=actor,
        action="violence.group.status",
        obj=group,
        detail={"from": before, "to": status},
    )
    return group


@requires(*AUDIT_ROLES)
@transaction.atomic
def alias_add(
    *, actor: Actor, group: Group, alias: str, basis: Basis, session: AuditSession | None = None
) -> GroupAlias:
    alias = clean_text(alias, "alias", 120)
    if not alias:
        raise GroupAuditRefused("the alias is empty")
    added = GroupAlias.objects.create(group=group, alias=alias, **_stamp(actor, basis, session))
    audit_write(actor=actor, action="violence.alias.add", obj=added, detail={"group": group.pk})
    return added


@requires(*AUDIT_ROLES)
@transaction.atomic
def area_add(
    *,
    actor: Actor,
    group: Group,
    label: str,
    geometry: dict[str, Any],
    basis: Basis,
    session: AuditSession | None = None,
) -> GroupArea:
    from safercity.violence.areas import checked_area

    label = clean_text(label, "label", 120)
    if not label:
        raise GroupAuditRefused("name the area in words (blocks or a landmark)")
    shape = checked_area(geometry)
    added = GroupArea.objects.create(
        group=group, label=label, geometry=shape, **_stamp(actor, basis, session)
    )
    audit_write(actor=actor, action="violence.area.add", obj=added, detail={"group": group.pk})
    return added


@requires(*AUDIT_ROLES)
@transaction.atomic
def relation_add(
    *,
    actor: Actor,
    one: Group,
    other: Group,
    kind: str,
    relation_basis: str,
    basis: Basis,
    since: date | None = None,
    until: date | None = None,
    session: AuditSession | None = None,
) -> GroupRelation:
    if one.pk == other.pk:
        raise GroupAuditRefused("a relation joins two different groups")
    if kind not in GroupRelation.Kind.values:
        raise GroupAuditRefused(f"kind must be one of {', '.join(GroupRelation.Kind.values)}")
    if since and until and until < since:
        raise GroupAuditRefused("until is before since")
    what = clean_text(relation_basis, "basis", 300)
    if not what:
        raise GroupAuditRefused("say what shows the relation (basis)")
    first, second = sorted((one, other), key=lambda g: g.pk)
    added = GroupRelation.objects.create(
        group_a=first,
        group_b=second,
        kind=kind,
        since=since,
        until=until,
        basis=what,
        **_stamp(actor, basis, session),
    )
    audit_write(
        actor=actor,
        action="violence.relation.add",
        obj=added,
        detail={"groups": [first.pk, second.pk], "kind": kind},
    )
    return added


@requires(*AUDIT_ROLES)
@transaction.atomic
def assertions_confirm(
    *, actor: Actor, session: AuditSession, aliases: list[int], areas: list[int],
    relations: list[int],
) -> int:  # fmt: skip
    """The session says these still hold: each expires a full period after the session. An
    assertion already expired cannot be confirmed (it is made again, with a fresh basis)."""
    renewed = session.held_on + timedelta(days=settings.SAFERCITY_GVI_ASSERTION_DAYS)
    today, count = timezone.localdate(), 0
    for model, ids in ((GroupAlias, aliases), (GroupArea, areas), (GroupRelation, relations)):
        found = model.objects.filter(pk__in=ids, expires_on__gte=today)
        found.filter(expires_on__lt=renewed).update(expires_on=renewed)  # never shortened
        count += found.update(confirmed_at=session)
    audit_write(
        actor=actor,
        action="violence.assertions.confirm",
        obj=session,
        detail={"aliases": aliases, "areas": areas, "relations": relations, "confirmed": count},
    )
    return count


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def assertions_purge(*, actor: Actor, today: date | None = None) -> int:
    """Delete what expired more than the retention period ago (the task worker runs this
    daily; an administrator may run it at once)."""
    cutoff = (today or timezone.localdate()) - timedelta(days=settings.SAFERCITY_GVI_RETENTION_DAYS)
    purged: dict[str, int] = {}
    for model in ASSERTIONS:
        deleted, _ = model.objects.filter(expires_on__lt=cutoff).delete()
        purged[model.__name__] = deleted
    audit_write(
        actor=actor,
        action="violence.assertions.purge",
        detail={"expired_before": cutoff.isoformat(), **purged},
    )
    return sum(purged.values())


# -- incident review -------------------------------------------------------------------------

HOMICIDE = 10000
# SLMPD's aggravated assaults with a firearm (adult, child, domestic, on an officer): the
# shootings are among them, and the reviewer says which were.
FIREARM_ASSAULTS = (*range(41011, 41027), *range(41201, 41207))
REVIEW_ROLES = (Role.PROGRAM_STAFF, Role.ANALYST, Role.ADMINISTRATOR)


@requires(*REVIEW_ROLES)
@transaction.atomic
def reviews_queue(*, actor: Actor) -> int:
    """Put every homicide and firearm assault the crime records hold (net of reclassified
    rows and unfounded reports) in the review queue, once per incident. Returns the new ones."""
    in_scope = Q(ucr_code=HOMICIDE) | Q(ucr_code__in=FIREARM_ASSAULTS)
    incidents = (
        CrimeRecord.objects.filter(in_scope, unfounded=False, occurred_at__isnull=False)
        .values("source", "complaint")
        .annotate(
            net=Sum("count"),
            first=Min("pk"),
            occurred=Min("occurred_at"),
            low=Min("ucr_code"),
        )
        .filter(net__gt=0)
    )
    known = set(IncidentReview.objects.values_list("identity", flat=True))
    # Only the records of incidents not queued yet are read (an incident with a complaint
    # number is known by it; one without, by its first record's identity).
    unknown = [
        i for i in incidents
        if not i["complaint"] or f"{i['source']}:{i['complaint']}"[:64] not in known
    ]  # fmt: skip
    records = {r.pk: r for r in CrimeRecord.objects.filter(pk__in=[i["first"] for i in unknown])}
    now, new = timezone.now(), []
    for incident in unknown:
        record = records[incident["first"]]
        key = f"{incident['source']}:{incident['complaint'] or record.identity}"[:64]
        if key in known:
            continue
        known.add(key)
        new.append(
            IncidentReview(
                record=record,
                identity=key,
                fatal=incident["low"] == HOMICIDE,
                occurred_on=timezone.localtime(incident["occurred"]).date(),
                district=record.district,
                neighborhood_number=record.neighborhood_number,
                queued_at=now,
            )
        )
    IncidentReview.objects.bulk_create(new, batch_size=2000)
    audit_write(actor=actor, action="violence.reviews.queue", detail={"queued": len(new)})
    return len(new)


@dataclass(frozen=True)
class ReviewIn:
    shooting: bool
    involvement: str
    groups: list[Group]
    motive: str
    confidence: str


@requires(*REVIEW_ROLES)
@transaction.atomic
def incident_review_record(
    *, actor: Actor, review: IncidentReview, entered: ReviewIn
) -> IncidentReview:
    """Code an incident's group involvement. Groups are named exactly when a group member was
    involved; the reviewer is recorded; a later review replaces an earlier one (audited)."""
    kinds = IncidentReview.Involvement
    if entered.involvement not in kinds.values or entered.involvement == kinds.PENDING:
        raise GroupAuditRefused("say whether group members were involved (involvement)")
    connected = entered.involvement in (kinds.VICTIM, kinds.SUSPECT, kinds.BOTH)
    if connected and not entered.groups:
        raise GroupAuditRefused("name the group or groups involved")
    if not connected and entered.groups:
        raise GroupAuditRefused("groups are named only when group members were involved")
    if entered.motive not in IncidentReview.Motive.values:
        raise GroupAuditRefused("choose the motive (or unknown)")
    if entered.confidence not in Confidence.values:
        raise GroupAuditRefused(f"confidence must be one of {', '.join(Confidence.values)}")
    before = {"involvement": review.involvement, "groups": [g.pk for g in review.groups.all()]}
    review.shooting = entered.shooting
    review.involvement = entered.involvement
    review.motive = entered.motive
    review.confidence = entered.confidence
    review.reviewed_by = actor_label(actor)
    review.reviewed_at = timezone.now()
    review.save()
    review.groups.set(entered.groups)
    audit_write(
        actor=actor,
        action="violence.review.record",
        obj=review,
        detail={
            "before": before,
            "involvement": entered.involvement,
            "groups": [g.pk for g in entered.groups],
        },
    )
    return review


# -- interventions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionIn:
    kind: str
    on: date
    groups: list[Group]
    outcome: str
    by_roles: list[str]
    attended: int | None = None
    services_offered: str = ""
    referrals: int = 0
    notice: Intervention | None = None  # enforcement: the prior call-in or notification
    trigger: IncidentReview | None = None  # enforcement: the incident after the notice
    legal_basis: str = ""
    notes: str = ""


def _enforcement_refusal(entered: InterventionIn) -> str:
    """Why GVI's prior-notice rule refuses this enforcement action ("" when it holds)."""
    notice, trigger = entered.notice, entered.trigger
    if notice is None:
        return "enforcement needs the prior call-in or notification that warned the group"
    if notice.kind not in Intervention.NOTICES or notice.outcome not in ("delivered", "held"):
        return "the prior notice must be a call-in held or a notification delivered"
    warned = {g.pk for g in notice.groups.all()}
    unwarned = [g.name for g in entered.groups if g.pk not in warned]
    if unwarned:
        return f"{', '.join(unwarned)} had no prior notice in that call-in or notification"
    if trigger is None:
        return "enforcement needs the incident that triggered it"
    if not trigger.group_connected or not {g.pk for g in trigger.groups.all()} & warned:
        return "the triggering incident must be reviewed as involving a group that was warned"
    if not notice.on < trigger.occurred_on <= entered.on:
        return "the triggering incident must come after the notice and before the action"
    if not entered.legal_basis.strip():
        return "say the legal basis of the enforcement action"
    return ""


# Who records which interventions: program staff all; the police partner its enforcement
# actions; outreach and community partners their contacts and mediations.
RECORDS: dict[Role, set[str]] = {
    Role.PROGRAM_STAFF: set(Intervention.Kind.values),
    Role.ADMINISTRATOR: set(Intervention.Kind.values),
    Role.POLICE_PARTNER: {Intervention.Kind.ENFORCEMENT},
    Role.OUTREACH_PARTNER: {Intervention.Kind.OUTREACH, Intervention.Kind.MEDIATION},
}


def kinds_recorded_by(actor: Actor) -> set[str]:
    if isinstance(actor, SystemActor):
        return set(Intervention.Kind.values)  # a command or task (its checks are its own)
    kinds: set[str] = set()
    for role in roles_of(actor):
        kinds |= RECORDS.get(role, set())
    return kinds


@requires(*RECORDS)
@transaction.atomic
def intervention_record(*, actor: Actor, entered: InterventionIn) -> Intervention:
    if entered.kind not in Intervention.Kind.values:
        raise GroupAuditRefused(f"kind must be one of {', '.join(Intervention.Kind.values)}")
    if entered.kind not in kinds_recorded_by(actor):
        raise PermissionDenied(f"your role does not record a {entered.kind.replace('_', ' ')}")
    if entered.outcome not in Intervention.Outcome.values:
        raise GroupAuditRefused(f"outcome must be one of {', '.join(Intervention.Outcome.values)}")
    if not entered.groups:
        raise GroupAuditRefused("name the group or groups")
    if entered.on > timezone.localdate():
        raise GroupAuditRefused("an intervention cannot be recorded before it happens")
    unknown = sorted(set(entered.by_roles) - set(PARTICIPANT_ROLES))
    if unknown or not entered.by_roles:
        raise GroupAuditRefused("name the partner roles that took part (roles, not names)")
    if entered.kind == Intervention.Kind.ENFORCEMENT:
        refusal = _enforcement_refusal(entered)
        if refusal:
            raise GroupAuditRefused(refusal)
    elif entered.notice is not None or entered.trigger is not None:
        raise GroupAuditRefused("only an enforcement action cites a notice and a trigger")
    if entered.attended is not None and entered.kind != Intervention.Kind.CALL_IN:
        raise GroupAuditRefused("attendance is counted at call-ins")
    if entered.referrals < 0 or (entered.attended is not None and entered.attended < 0):
        raise GroupAuditRefused("counts cannot be negative")
    done = Intervention.objects.create(
        kind=entered.kind,
        on=entered.on,
        outcome=entered.outcome,
        by_roles=sorted(set(entered.by_roles)),
        attended=entered.attended,
        services_offered=clean_text(entered.services_offered, "services offered", 300),
        referrals=entered.referrals,
        notice=entered.notice,
        trigger=entered.trigger,
        legal_basis=clean_text(entered.legal_basis, "legal basis", 300),
        notes=clean_text(entered.notes, "notes", 2000, multiline=True),
        entered_by=actor_label(actor),
        entered_at=timezone.now(),
    )
    done.groups.set(entered.groups)
    audit_write(
        actor=actor,
        action=f"violence.intervention.{entered.kind}",
        obj=done,
        detail={"groups": [g.pk for g in entered.groups], "outcome": entered.outcome},
    )
    return done


# -- the weekly shooting review --------------------------------------------------------------


@requires(*AUDIT_ROLES)
@transaction.atomic
def shooting_review_create(
    *, actor: Actor, held_on: date, participant_roles: list[str]
) -> ShootingReview:
    unknown = sorted(set(participant_roles) - set(PARTICIPANT_ROLES))
    if unknown or not participant_roles:
        raise GroupAuditRefused("name the roles that took part (roles, not names)")
    if held_on > timezone.localdate() + timedelta(days=7):
        raise GroupAuditRefused("a review is planned at most a week ahead")
    if ShootingReview.objects.filter(held_on=held_on).exists():
        raise GroupAuditRefused(f"there is already a shooting review on {held_on:%Y-%m-%d}")
    meeting = ShootingReview.objects.create(
        held_on=held_on,
        participant_roles=sorted(set(participant_roles)),
        entered_by=actor_label(actor),
        entered_at=timezone.now(),
    )
    audit_write(actor=actor, action="violence.shooting_review.create", obj=meeting)
    return meeting


def shooting_review_agenda(meeting: ShootingReview) -> list[IncidentReview]:
    """The incidents since the review before this one (or the week before, for the first),
    up to the day of this one."""
    before = ShootingReview.objects.filter(held_on__lt=meeting.held_on).order_by("-held_on").first()
    since = before.held_on if before else meeting.held_on - timedelta(days=7)
    return list(
        IncidentReview.objects.filter(occurred_on__gt=since, occurred_on__lte=meeting.held_on)
        .exclude(shooting=False)
        .prefetch_related("groups")
        .order_by("occurred_on", "pk")
    )


@requires(*AUDIT_ROLES)
@transaction.atomic
def decision_record(
    *, actor: Actor, meeting: ShootingReview, incident: IncidentReview, decision: str
) -> ReviewDecision:
    text = clean_text(decision, "decision", 500)
    if not text:
        raise GroupAuditRefused("write the decision")
    found, _ = ReviewDecision.objects.update_or_create(
        meeting=meeting,
        incident=incident,
        defaults={"decision": text, "entered_by": actor_label(actor), "entered_at": timezone.now()},
    )
    audit_write(
        actor=actor, action="violence.decision.record", obj=found, detail={"incident": incident.pk}
    )
    return found


@requires(*AUDIT_ROLES)
@transaction.atomic
def action_add(
    *,
    actor: Actor,
    meeting: ShootingReview,
    description: str,
    owner_role: str,
    due_on: date,
    incident: IncidentReview | None = None,
) -> ActionItem:
    text = clean_text(description, "action", 300)
    if not text:
        raise GroupAuditRefused("say what is to be done")
    if owner_role not in PARTICIPANT_ROLES:
        raise GroupAuditRefused("the owner is a partner role, not a person")
    if due_on < meeting.held_on:
        raise GroupAuditRefused("an action cannot be due before the review that set it")
    item = ActionItem.objects.create(
        meeting=meeting,
        incident=incident,
        description=text,
        owner_role=owner_role,
        due_on=due_on,
        entered_by=actor_label(actor),
        entered_at=timezone.now(),
    )
    audit_write(actor=actor, action="violence.action.add", obj=item)
    return item


@requires(*AUDIT_ROLES)
@transaction.atomic
def action_done(*, actor: Actor, item: ActionItem, note: str = "") -> ActionItem:
    if item.done_on is not None:
        raise GroupAuditRefused(f"already done on {item.done_on:%Y-%m-%d}")
    item.done_on = timezone.localdate()
    item.done_note = clean_text(note, "note", 300)
    item.save(update_fields=["done_on", "done_note"])
    audit_write(actor=actor, action="violence.action.done", obj=item)
    return item


# -- the restricted store: a notification's recipients ---------------------------------------

RECIPIENT_ROLES = (Role.PROGRAM_STAFF, Role.ADMINISTRATOR)


@requires(*RECIPIENT_ROLES)
@transaction.atomic
def recipient_add(
    *, actor: Actor, notification: Intervention, name: str, basis: str
) -> NotificationRecipient:
    if notification.kind != Intervention.Kind.NOTIFICATION:
        raise GroupAuditRefused("only a custom notification names who it is for")
    name = clean_text(name, "name", 120)
    why = clean_text(basis, "basis", 300)
    if not name or not why:
        raise GroupAuditRefused("a recipient needs a name and the basis for notifying them")
    days = int(settings.SAFERCITY_GVI_RECIPIENT_DAYS)
    found = NotificationRecipient.objects.create(
        notification=notification,
        name=name,
        basis=why,
        entered_by=actor_label(actor),
        entered_at=timezone.now(),
        purge_on=notification.on + timedelta(days=days),
    )
    audit_write(actor=actor, action="violence.recipient.add", obj=found)
    return found


@requires(*RECIPIENT_ROLES)
@transaction.atomic
def recipient_extend(
    *, actor: Actor, recipient: NotificationRecipient, reason: str
) -> NotificationRecipient:
    """Keep a recipient one more period, from today, for a stated reason (an open referral)."""
    why = clean_text(reason, "reason", 300)
    if not why:
        raise GroupAuditRefused("say why the record is still needed")
    before = recipient.purge_on
    recipient.purge_on = timezone.localdate() + timedelta(
        days=int(settings.SAFERCITY_GVI_RECIPIENT_DAYS)
    )
    recipient.save(update_fields=["purge_on"])
    audit_write(
        actor=actor,
        action="violence.recipient.extend",
        obj=recipient,
        detail={"reason": why, "from": before.isoformat(), "to": recipient.purge_on.isoformat()},
    )
    return recipient


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def recipients_purge(*, actor: Actor, today: date | None = None) -> int:
    deleted, _ = NotificationRecipient.objects.filter(
        purge_on__lt=today or timezone.localdate()
    ).delete()
    audit_write(actor=actor, action="violence.recipients.purge", detail={"deleted": deleted})
    return deleted


# -- referrals, as counts --------------------------------------------------------------------

REFERRAL_ROLES = (Role.PROGRAM_STAFF, Role.OUTREACH_PARTNER, Role.ADMINISTRATOR)


@requires(*REFERRAL_ROLES)
@transaction.atomic
def referral_counts_set(
    *, actor: Actor, intervention: Intervention, service: str, provider: str, referred: int,
    accepted: int = 0, started: int = 0, completed: int = 0,
) -> ReferralCount:  # fmt: skip
    """Set how one provider's referrals from an intervention stand (providers report; staff
    update). The funnel only narrows, and a provider's referrals with the others' stay within
    the referrals the intervention made."""
    if service not in ReferralCount.Service.values:
        raise GroupAuditRefused("choose the kind of service")
    name = clean_text(provider, "provider", 120)
    if not name:
        raise GroupAuditRefused("name the provider")
    if min(referred, accepted, started, completed) < 0:
        raise GroupAuditRefused("counts cannot be negative")
    if not completed <= started <= accepted <= referred:
        raise GroupAuditRefused("completed ≤ started ≤ accepted ≤ referred, each a count of people")
    others = (
        ReferralCount.objects.filter(intervention=intervention)
        .exclude(service=service, provider=name)
        .aggregate(n=Sum("referred"))["n"]
        or 0
    )
    if others + referred > intervention.referrals:
        raise GroupAuditRefused(
            f"the intervention made {intervention.referrals} referrals; "
            f"{others} are already with other providers"
        )
    found, _ = ReferralCount.objects.update_or_create(
        intervention=intervention,
        service=service,
        provider=name,
        defaults={
            "referred": referred, "accepted": accepted, "started": started,
            "completed": completed, "updated_by": actor_label(actor),
            "updated_at": timezone.now(),
        },
    )  # fmt: skip
    audit_write(
        actor=actor,
        action="violence.referrals.set",
        obj=found,
        detail={"counts": [referred, accepted, started, completed]},
    )
    return found
