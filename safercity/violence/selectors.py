"""Reads of the group audit. Only current assertions are ever returned: an expired alias,
area or relation has left every page and analysis. Who looked at a group is recorded (the
program publishes who queried group data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Q, QuerySet, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_read
from safercity.core.permissions import requires
from safercity.core.roles import Role, roles_of
from safercity.violence.engine.evaluation import GroupHistory
from safercity.violence.models import (
    ActionItem,
    AuditSession,
    Group,
    GroupAlias,
    GroupArea,
    GroupRelation,
    IncidentReview,
    Intervention,
    NotificationRecipient,
)

VIEW_ROLES = (
    Role.PROGRAM_STAFF, Role.ANALYST, Role.ADMINISTRATOR, Role.OUTREACH_PARTNER,
    Role.POLICE_PARTNER,
)  # fmt: skip


def current_aliases(today: date | None = None) -> QuerySet[GroupAlias]:
    return GroupAlias.objects.filter(expires_on__gte=today or timezone.localdate())


def current_areas(today: date | None = None) -> QuerySet[GroupArea]:
    return GroupArea.objects.filter(expires_on__gte=today or timezone.localdate())


def current_relations(today: date | None = None) -> QuerySet[GroupRelation]:
    return GroupRelation.objects.filter(
        expires_on__gte=today or timezone.localdate()
    ).select_related("group_a", "group_b")


@dataclass(frozen=True)
class GroupView:
    group: Group
    aliases: list[GroupAlias]
    areas: list[GroupArea]
    relations: list[GroupRelation]


@requires(*VIEW_ROLES)
def groups_list(*, actor: Actor) -> list[GroupView]:
    today = timezone.localdate()
    aliases, areas = current_aliases(today), current_areas(today)
    relations = list(current_relations(today))
    found = [
        GroupView(
            group,
            [a for a in aliases if a.group_id == group.pk],
            [a for a in areas if a.group_id == group.pk],
            [r for r in relations if group.pk in (r.group_a_id, r.group_b_id)],
        )
        for group in Group.objects.all()
    ]
    audit_read(actor=actor, action="violence.groups.list", detail={"groups": len(found)})
    return found


@requires(*VIEW_ROLES)
def group_read(*, actor: Actor, pk: int) -> GroupView:
    group = get_object_or_404(Group, pk=pk)
    today = timezone.localdate()
    view = GroupView(
        group,
        list(current_aliases(today).filter(group=group)),
        list(current_areas(today).filter(group=group)),
        list(current_relations(today).filter(Q(group_a=group) | Q(group_b=group))),
    )
    audit_read(actor=actor, action="violence.group.view", obj=group)
    return view


def due_for_confirmation(within_days: int = 60) -> dict[str, list[object]]:
    """What expires within `within_days`: the next audit session's agenda."""
    today = timezone.localdate()
    until = date.fromordinal(today.toordinal() + within_days)
    window = Q(expires_on__gte=today, expires_on__lte=until)
    return {
        "aliases": list(GroupAlias.objects.filter(window).select_related("group")),
        "areas": list(GroupArea.objects.filter(window).select_related("group")),
        "relations": list(
            GroupRelation.objects.filter(window).select_related("group_a", "group_b")
        ),
    }


def sessions() -> QuerySet[AuditSession]:
    return AuditSession.objects.all()


def review_queue() -> QuerySet[IncidentReview]:
    """Not yet reviewed first, newest first."""
    return (
        IncidentReview.objects.select_related("record")
        .prefetch_related("groups")
        .order_by(Case(When(involvement="pending", then=0), default=1), "-occurred_on", "pk")
    )


@dataclass(frozen=True)
class Side:
    """What one partner may see of the interventions (GVI role separation)."""

    kinds: tuple[str, ...]
    services: bool  # services offered and referrals made
    enforcement: bool  # enforcement actions, their notice, trigger and legal basis


def _side_of(actor: Actor) -> Side:
    roles = roles_of(actor)
    every = tuple(Intervention.Kind.values)
    if roles & {Role.PROGRAM_STAFF, Role.ANALYST, Role.ADMINISTRATOR}:
        return Side(every, services=True, enforcement=True)
    if Role.POLICE_PARTNER in roles:
        return Side(("call_in", "notification", "enforcement"), services=False, enforcement=True)
    return Side(("call_in", "notification", "outreach", "mediation"), services=True,
                enforcement=False)  # fmt: skip


@requires(*VIEW_ROLES)
def interventions_for(*, actor: Actor) -> tuple[QuerySet[Intervention], Side]:
    """The interventions this actor's side of the program sees."""
    side = _side_of(actor)
    found = (
        Intervention.objects.filter(kind__in=side.kinds)
        .prefetch_related("groups")
        .select_related("notice", "trigger")
    )
    return found, side


def overdue_actions() -> QuerySet[ActionItem]:
    """Action items past their due date and not done, oldest first: the supervisor's list."""
    return ActionItem.objects.filter(
        done_on__isnull=True, due_on__lt=timezone.localdate()
    ).select_related("meeting", "incident")


RECIPIENT_READERS = (Role.PROGRAM_STAFF, Role.OUTREACH_PARTNER, Role.ADMINISTRATOR)


@requires(*RECIPIENT_READERS)
def recipients_read(*, actor: Actor, notification: Intervention) -> list[NotificationRecipient]:
    """One notification's recipients, for whoever delivers it; the read is audited. There is
    no list of recipients across notifications, and no export."""
    found = list(notification.recipients.all())
    audit_read(
        actor=actor,
        action="violence.recipients.view",
        obj=notification,
        detail={"recipients": [r.pk for r in found]},
    )
    return found


def program_start() -> date | None:
    """The first call-in held or notification delivered: when the program began."""
    first = (
        Intervention.objects.filter(
            Q(kind="call_in", outcome="held") | Q(kind="notification", outcome="delivered")
        )
        .order_by("on")
        .first()
    )
    return first.on if first else None


def evaluation_groups(start: date, today: date | None = None) -> list[GroupHistory]:
    """Each group's group-connected homicides and shootings in the year before `start` and
    from `start` to today; treated: reached by a call-in held or a notification delivered
    since `start`; connected: its current relations; covariate: its current rivals."""
    today = today or timezone.localdate()
    reached = set(
        Intervention.objects.filter(
            Q(kind="call_in", outcome="held") | Q(kind="notification", outcome="delivered"),
            on__gte=start,
            on__lte=today,
        ).values_list("groups", flat=True)
    )
    relations = list(current_relations(today))
    violent = IncidentReview.objects.filter(
        Q(fatal=True) | Q(shooting=True), involvement__in=["victim", "suspect", "both"]
    )
    before_start = date.fromordinal(start.toordinal() - 365)
    histories = []
    for group in Group.objects.all():
        involved = violent.filter(groups=group)
        links = {r.group_b_id if r.group_a_id == group.pk else r.group_a_id for r in relations
                 if group.pk in (r.group_a_id, r.group_b_id)}  # fmt: skip
        rivals = sum(1 for r in relations if r.kind == "rival" and group.pk in
                     (r.group_a_id, r.group_b_id))  # fmt: skip
        histories.append(
            GroupHistory(
                key=group.pk,
                treated=group.pk in reached,
                before=involved.filter(
                    occurred_on__gte=before_start, occurred_on__lt=start
                ).count(),
                after=involved.filter(occurred_on__gte=start, occurred_on__lte=today).count(),
                connected_to=frozenset(links),
                covariates=(float(rivals),),
            )
        )
    return histories
