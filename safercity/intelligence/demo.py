"""The demo city's intelligence unit: three partner agencies (two under an agreement), records
submitted, reviewed and given out, six months of requests for information and public tips
(most answered on time, some late, some still open), bulletins with feedback, planned
operations with one conflict. Written through the services, as the unit would enter it, by
the demo's own analyst, supervisor and liaison; then dated back across the months so the
public page and the scorecard have history. Invented throughout: no real person or case."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.intelligence import deconfliction, rfi, services, tips
from safercity.intelligence.models import InfoRequest, IntelRecord, Tip, TipMessage

ACTIVITIES = ["Trafficking in stolen firearms", "Carjacking crew", "Drug distribution",
              "Retaliatory shootings", "Burglary ring", "Illegal gun sales"]  # fmt: skip
QUESTIONS = [
    "Any intelligence on the crew selling handguns near {street}?",
    "Who is using the grey minivan seen at the {street} shootings?",
    "Known associates of the carjacking suspects arrested on {street}?",
    "Is the vacant house on {street} used to store guns?",
]
TIPS = [
    "A man sells handguns out of a car trunk on {street} most evenings.",
    "Young men meet behind the store on {street} before the shootings start.",
    "The house on {street} gets visitors all night, a few minutes each.",
    "I saw the car from the news parked on {street}, dark blue, no front plate.",
]


def _staff(role: Role) -> User:
    user, _ = User.objects.get_or_create(username=f"demo_{role.value}")
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@requires(Role.ADMINISTRATOR)
def load_intelligence(*, actor: Actor, seed: int, streets: list[str]) -> int:
    """Returns how many requests and tips were made. `actor` is the demo's command (for the
    partners); the rest is done by the demo's intelligence staff."""
    rng = random.Random(seed)  # noqa: S311 - synthetic demo data
    if not streets:
        return 0
    analyst, supervisor = _staff(Role.INTEL_ANALYST), _staff(Role.INTEL_SUPERVISOR)
    liaison = _staff(Role.PARTNER_LIAISON)
    today = timezone.localdate()
    county = services.partner_save(
        actor=actor, entered=services.PartnerIn(
            name="St. Louis County Police Department (demo)", jurisdiction="St. Louis County",
            agreement_reference="Regional intelligence MOU 2025-07",
            agreement_signed_on=today - timedelta(days=400), binds_to_part_23=True,
            contact="County intelligence desk"),
    )  # fmt: skip
    metro = services.partner_save(
        actor=actor, entered=services.PartnerIn(
            name="East St. Louis Police Department (demo)", jurisdiction="St. Clair County, IL",
            agreement_reference="Bi-state MOU 2026-02",
            agreement_signed_on=today - timedelta(days=200), binds_to_part_23=True,
            contact="Investigations desk"),
    )  # fmt: skip
    services.partner_save(
        actor=actor, entered=services.PartnerIn(
            name="Ferguson Police Department (demo)", jurisdiction="St. Louis County",
            contact="Detective bureau"),
    )  # fmt: skip
    partners = [county, metro]
    yes = {key: True for key in services.CHECKLIST}
    records = []
    for n in range(24):
        street = rng.choice(streets)
        record = services.record_submit(
            actor=analyst, entered=services.RecordIn(
                subject=f"Crew around the {rng.randint(1, 59)}00 block of {street}",
                criminal_activity=rng.choice(ACTIVITIES),
                predicate=f"Two traced guns and a witness statement tie the crew to {street}",
                relevance="Says where and when the sales and meetings happen",
                content=f"Meets on {street} on weekday evenings; vehicles change weekly.",
                source_reliability=rng.choice("ABBX"), content_validity=rng.choice("1223")),
        )  # fmt: skip
        answers = dict(yes, no_protected_views=n % 9 != 4)  # a few fail the criteria
        records.append(services.record_review(actor=supervisor, record=record, answers=answers))
    accepted = [r for r in records if r.status == IntelRecord.Status.ACCEPTED]
    for record in accepted[:6]:
        services.record_disseminate(
            actor=analyst, record=record, given=services.DisseminationIn(
                recipient="Intelligence desk", partner=rng.choice(partners),
                need_to_know="Their firearms cases share the guns traced here",
                right_to_know="Sworn intelligence unit under the agreement"),
        )  # fmt: skip
    made = 0
    for n in range(48):
        days_ago = rng.uniform(1, 180)
        street = rng.choice(streets)
        direction = rng.choice(["internal", "internal", "incoming", "outgoing"])
        entered = rfi.RequestIn(
            direction=direction, priority=rng.choice(["urgent", "priority", "routine", "routine"]),
            question=rng.choice(QUESTIONS).format(street=street),
            purpose=f"Case 26-{100 + n:03d}, violent crime on {street}",
            partner=None if direction == "internal" else rng.choice(partners),
            requested_by="County detective bureau" if direction == "incoming" else "",
        )  # fmt: skip
        request = rfi.request_make(actor=liaison if direction != "internal" else analyst,
                                   entered=entered)  # fmt: skip
        made += 1
        late = rng.random() < 0.08
        if days_ago > 2 or rng.random() < 0.5:
            answerer = liaison if direction == "outgoing" else analyst
            rfi.request_answer(
                actor=answerer,
                request=request,
                given=rfi.AnswerIn(answer="Two records and a name; see the file."),
            )
            if direction != "outgoing" and rng.random() < 0.7:
                giver = liaison if direction == "incoming" else analyst
                rfi.request_feedback(actor=giver, request=request, given=rfi.FeedbackIn(
                    useful=rng.random() < 0.8, led_to="A new lead for the case"))  # fmt: skip
        _date_back(request, days_ago, late)
    for _ in range(30):
        days_ago = rng.uniform(0.2, 180)
        street = rng.choice(streets)
        tip, _key = tips.tip_submit(
            actor=analyst,
            entered=tips.TipIn(about=rng.choice(list(tips.ABOUT)),
                               text=rng.choice(TIPS).format(street=street), where=street),
        )  # fmt: skip
        made += 1
        if days_ago > 1:
            tips.tip_ask(actor=analyst, tip=tip, body="Thank you. What time of day do you see it?")
            route = rng.choice(["referral", "referral", "no_action"])
            tips.tip_triage(
                actor=analyst, tip=tip,
                given=tips.TriageIn(route=route, referred_to="Firearms unit",
                                    message="Thank you; it went to the unit that can act."),
            )  # fmt: skip
            if route == "referral" and days_ago > 20:
                tips.tip_close(actor=analyst, tip=Tip.objects.get(pk=tip.pk),
                               outcome=rng.choice(["investigating", "arrest", "unfounded"]),
                               message="Thank you: your tip was followed up.")  # fmt: skip
        _date_back_tip(tip, days_ago, late=rng.random() < 0.1)
    for n, title in enumerate(["Armed crew selling guns from cars", "Carjackings at gas stations",
                               "Officer safety: rifle seen at a traffic stop"]):  # fmt: skip
        rfi.bulletin_issue(
            actor=analyst, entered=rfi.BulletinIn(
                kind=["trend", "trend", "officer_safety"][n], title=title,
                body="Seen three times this month in the district; approach with cover.",
                desks=["District 4 patrol", "District 6 patrol"], partners=partners),
        )  # fmt: skip
    now = timezone.now()
    street = streets[0]
    for reference, hours, north in (("W-26-0412", 20, 0.0), ("C-SURV-88", 22, 0.0008)):
        deconfliction.operation_register(
            actor=liaison if reference.startswith("C") else analyst,
            entered=deconfliction.OperationIn(
                kind="warrant" if reference.startswith("W") else "surveillance",
                reference=reference, place=f"{street} (demo)",
                starts_at=now + timedelta(hours=hours),
                ends_at=now + timedelta(hours=hours + 4), contact="Watch desk 314-555-0100",
                latitude=38.6750 + north, longitude=-90.2290,
                partner=county if reference.startswith("C") else None),
        )  # fmt: skip
    return made


def _date_back(request: InfoRequest, days_ago: float, late: bool) -> None:
    """Move a request (and its answer and feedback) back in time, keeping their gaps; a late
    one is answered after its deadline."""
    shift = timedelta(days=days_ago)
    request.refresh_from_db()
    fields = {"made_at": request.made_at - shift, "due_at": request.due_at - shift}
    if request.answered_at:
        took = (request.due_at - request.made_at) * (1.4 if late else 0.3)
        fields["answered_at"] = fields["made_at"] + took
        if request.feedback_due_at:
            fields["feedback_due_at"] = fields["answered_at"] + timedelta(days=10)
        if request.feedback_at:
            fields["feedback_at"] = fields["answered_at"] + timedelta(days=2)
    InfoRequest.objects.filter(pk=request.pk).update(**fields)


def _date_back_tip(tip: Tip, days_ago: float, late: bool) -> None:
    shift = timedelta(days=days_ago)
    tip.refresh_from_db()
    received = tip.received_at - shift
    fields = {"received_at": received, "triage_due_at": tip.triage_due_at - shift,
              "feedback_due_at": tip.feedback_due_at - shift}  # fmt: skip
    answered = received + (timedelta(days=9) if late else timedelta(hours=5))
    if tip.first_feedback_at:
        fields["first_feedback_at"] = answered
    if tip.triaged_at:
        fields["triaged_at"] = received + timedelta(hours=30 if late else 6)
    if tip.closed_at:
        fields["closed_at"] = received + timedelta(days=15)
    Tip.objects.filter(pk=tip.pk).update(**fields)
    TipMessage.objects.filter(tip=tip).update(sent_at=answered)
