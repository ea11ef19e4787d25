"""Focused deterrence, the group audit (issue 16): groups with aliases, areas and relations,
each statement with its source and confidence, expiring unless an audit session confirms it,
purged after retention; group level only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.models import AuditEntry
from safercity.violence import services
from safercity.violence.models import AuditSession, Group, GroupAlias, GroupArea, GroupRelation

pytestmark = pytest.mark.django_db
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-90.21, 38.66], [-90.20, 38.66], [-90.20, 38.67], [-90.21, 38.67], [-90.21, 38.66]]
    ],
}


def _basis(days_ago: int = 0, source: str = "patrol, North district") -> dict[str, str]:
    said = timezone.localdate() - timedelta(days=days_ago)
    return {"source": source, "asserted_on": said.isoformat(), "confidence": "probable"}


@pytest.fixture
def two_groups(pablo_program_staff):
    actor = command_actor("tests")
    return (
        services.group_create(actor=actor, name="North Side Crew"),
        services.group_create(actor=actor, name="Dutchtown Boys"),
    )


def test_program_staff_record_a_session_and_what_it_says_about_groups(
    client, pablo_program_staff, two_groups
):
    north, dutchtown = two_groups
    client.force_login(pablo_program_staff)
    today = timezone.localdate().isoformat()
    answer = client.post(
        "/staff/violence/audits/",
        {"held_on": today, "scope": "North district", "participant_roles": ["patrol", "outreach"]},
    )
    session = AuditSession.objects.get()
    assert answer["Location"] == f"/staff/violence/audits/{session.pk}/"
    group_url = f"/staff/violence/groups/{north.pk}/"
    client.post(f"{group_url}add/alias/", {"alias": "NSC", "session": session.pk, **_basis()})
    client.post(
        f"{group_url}add/relation/",
        {"other": dutchtown.pk, "kind": "rival", "relation_basis": "a shooting in May", **_basis()},
    )
    added = client.post(
        f"{group_url}add/area/",
        {"label": "Around Fairground Park", "geometry": json.dumps(SQUARE), **_basis()},
    )
    assert added.status_code == 302
    page = client.get(group_url).content.decode()
    assert "NSC" in page and "Around Fairground Park" in page
    assert "Dutchtown Boys" in page and "rival" in page and "a shooting in May" in page
    assert "patrol, North district" in page, "each statement says where it came from"
    alias = GroupAlias.objects.get()
    assert alias.session == session and alias.expires_on == session.held_on + timedelta(days=365)
    other_side = client.get(f"/staff/violence/groups/{dutchtown.pk}/").content.decode()
    assert "North Side Crew" in other_side, "a relation shows on both groups"
    assert AuditEntry.objects.filter(action="violence.group.view").count() == 2


def test_what_is_not_confirmed_expires_leaves_the_pages_and_is_purged(
    client, pablo_program_staff, two_groups, settings
):
    north, _ = two_groups
    actor = command_actor("tests")
    old = services.Basis("an old report", timezone.localdate() - timedelta(days=400), "possible")
    recent = services.Basis("outreach", timezone.localdate() - timedelta(days=340), "confirmed")
    services.alias_add(actor=actor, group=north, alias="The Old Name", basis=old)
    kept = services.alias_add(actor=actor, group=north, alias="Still Called", basis=recent)
    client.force_login(pablo_program_staff)
    page = client.get(f"/staff/violence/groups/{north.pk}/").content.decode()
    assert "Still Called" in page and "The Old Name" not in page
    listed = client.get("/staff/violence/").content.decode()
    assert "Still Called" in listed and "The Old Name" not in listed
    session = services.audit_session_create(
        actor=actor, held_on=timezone.localdate(), scope="all", participant_roles=["patrol"]
    )
    agenda = client.get(f"/staff/violence/audits/{session.pk}/").content.decode()
    assert "Still Called" in agenda and "The Old Name" not in agenda, "the agenda: due soon"
    expired = GroupAlias.objects.get(alias="The Old Name")
    done = client.post(
        f"/staff/violence/audits/{session.pk}/", {"alias": [kept.pk, expired.pk]}
    ).content.decode()
    assert "1 statement confirmed" in done, "an expired statement is made again, not confirmed"
    kept.refresh_from_db()
    assert kept.expires_on == timezone.localdate() + timedelta(days=365)
    older = services.audit_session_create(
        actor=actor, held_on=timezone.localdate() - timedelta(days=200), scope="late entry",
        participant_roles=["patrol"],
    )  # fmt: skip
    services.assertions_confirm(
        actor=actor, session=older, aliases=[kept.pk], areas=[], relations=[]
    )
    kept.refresh_from_db()
    assert kept.expires_on == timezone.localdate() + timedelta(days=365), "never shortened"
    settings.SAFERCITY_GVI_RETENTION_DAYS = 90
    assert services.assertions_purge(actor=actor) == 0, "expired 35 days ago: still kept"
    later = timezone.localdate() + timedelta(days=60)
    assert services.assertions_purge(actor=actor, today=later) == 1
    assert list(GroupAlias.objects.values_list("alias", flat=True)) == ["Still Called"]
    purge = AuditEntry.objects.filter(action="violence.assertions.purge").last()
    assert purge is not None and purge.detail["GroupAlias"] == 1


@pytest.mark.parametrize(
    ("what", "sent", "words"),
    [
        ("alias", {"alias": "X", **_basis(source="")}, "This field is required"),
        ("alias", {"alias": "X", **_basis(days_ago=-3)}, "cannot have been said in the future"),
        ("area", {"label": "Park", "geometry": "{not json", **_basis()}, "This is not GeoJSON"),
        (
            "area",
            {"label": "Park", "geometry": json.dumps({"type": "Point", "coordinates": [0, 0]}),
             **_basis()},
            "must be a GeoJSON Polygon",
        ),
        (
            "area",
            {"label": "Bow tie", "geometry": json.dumps({"type": "Polygon", "coordinates": [
                [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}), **_basis()},
            "crosses itself",
        ),
        ("relation", {"kind": "rival", "relation_basis": "x", **_basis()}, "field is required"),
        ("nonsense", {}, ""),
    ],
)  # fmt: skip
def test_a_bad_statement_is_refused_with_the_reason_and_nothing_is_stored(
    client, pablo_program_staff, two_groups, what, sent, words
):
    north, _ = two_groups
    client.force_login(pablo_program_staff)
    answer = client.post(f"/staff/violence/groups/{north.pk}/add/{what}/", sent)
    if what == "nonsense":
        assert answer.status_code == 404
    else:
        assert answer.status_code == 400 and words in answer.content.decode()
        assert (
            'aria-invalid="true"' in answer.content.decode()
            or "nonfield" in answer.content.decode()
        )
    assert not GroupAlias.objects.exists() and not GroupArea.objects.exists()
    assert not GroupRelation.objects.exists()


def test_a_session_names_roles_never_people(client, pablo_program_staff):
    client.force_login(pablo_program_staff)
    answer = client.post(
        "/staff/violence/audits/",
        {
            "held_on": timezone.localdate().isoformat(),
            "scope": "x",
            "participant_roles": ["Jo Doe"],
        },
    )
    assert (
        answer.status_code == 400 and "not one of the available choices" in answer.content.decode()
    )
    with pytest.raises(services.GroupAuditRefused, match="by role only"):
        services.audit_session_create(
            actor=command_actor("tests"), held_on=timezone.localdate(), scope="x",
            participant_roles=["Jo Doe"],
        )  # fmt: skip
    assert not AuditSession.objects.exists()


def test_a_group_relates_to_another_group_not_to_itself(two_groups):
    north, _ = two_groups
    with pytest.raises(services.GroupAuditRefused, match="two different groups"):
        services.relation_add(
            actor=command_actor("tests"), one=north, other=north, kind="rival",
            relation_basis="x", basis=services.Basis("x", timezone.localdate(), "probable"),
        )  # fmt: skip


def test_analysts_read_the_audit_and_only_program_staff_change_it(
    client, ana_analyst, ines_inspector, two_groups
):
    north, _ = two_groups
    client.force_login(ana_analyst)
    assert client.get(f"/staff/violence/groups/{north.pk}/").status_code == 200
    added = client.post(f"/staff/violence/groups/{north.pk}/add/alias/", {"alias": "X", **_basis()})
    assert added.status_code == 403 and not GroupAlias.objects.exists()
    assert client.post("/staff/violence/", {"name": "New", "status": "active"}).status_code == 403
    client.force_login(ines_inspector)
    assert client.get("/staff/violence/").status_code == 403
    assert Group.objects.count() == 2


def test_nothing_in_the_program_describes_rates_or_ranks_a_person():
    """Group level only: no model has a field that scores, rates or ranks, and none but the
    restricted recipients' store has a field about a person."""
    scoring = ("score", "rank", "risk", "rating", "priority", "propensity")
    personal = ("person", "member", "individual", "birth", "suspect", "name")
    models = list(apps.get_app_config("violence").get_models())
    fields = [(model, field.name) for model in models for field in model._meta.get_fields()]
    assert fields, "the app has models"
    assert not [n for _, n in fields if any(word in n.lower() for word in scoring)]
    about_people = {m.__name__ for m, n in fields if any(w in n.lower() for w in personal)}
    assert about_people <= {"NotificationRecipient", "Group", "GroupAlias"}, about_people
    # A group's name and alias are a group's; the recipient's name is the one person field.
    assert [n for m, n in fields if m.__name__ == "NotificationRecipient" and "name" in n] == [
        "name"
    ]


def test_no_address_lists_or_exports_notification_recipients():
    from django.urls import get_resolver

    def routes(patterns, before=""):
        for pattern in patterns:
            route = before + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                yield from routes(pattern.url_patterns, route)
            else:
                yield route

    violence = [r for r in routes(get_resolver().url_patterns) if "violence" in r]
    assert violence and not [
        r for r in violence if "recipient" in r or r.endswith((".csv", ".json"))
    ]


def _crime(complaint, code, days_ago, count=1, line=1):
    from safercity.crime.models import CrimeRecord

    when = timezone.now() - timedelta(days=days_ago)
    return CrimeRecord.objects.create(
        source_key=f"{when:%Y%m}", source_line=line, identity=f"{complaint}|{code}|{count}",
        complaint=complaint, coded_month=when.date().replace(day=1), occurred_at=when,
        count=count, ucr_code=code, ucr_class=1 if code == 10000 else 4, district_plan="2014",
        district=5,
    )  # fmt: skip


def test_every_homicide_and_firearm_assault_enters_the_review_queue_once(pablo_program_staff):
    from safercity.violence.models import IncidentReview

    _crime("26-001", 10000, 20)
    _crime("26-002", 41011, 15)
    _crime("26-003", 41011, 12)  # reclassified away: the -1 row cancels it
    _crime("26-003", 41011, 12, count=-1, line=2)
    _crime("26-004", 31111, 10)  # a robbery: not in the queue
    actor = command_actor("tests")
    assert services.reviews_queue(actor=actor) == 2
    assert services.reviews_queue(actor=actor) == 0, "once per incident"
    queued = {r.identity: r for r in IncidentReview.objects.all()}
    assert set(queued) == {"slmpd-legacy:26-001", "slmpd-legacy:26-002"}
    assert queued["slmpd-legacy:26-001"].fatal and not queued["slmpd-legacy:26-002"].fatal
    assert all(r.involvement == "pending" for r in queued.values())


@pytest.fixture
def warned_then_shot(two_groups):
    """A call-in warned North Side Crew; ten days later a shooting involved them."""
    from safercity.violence.models import IncidentReview

    north, dutchtown = two_groups
    actor = command_actor("tests")
    today = timezone.localdate()
    call_in = services.intervention_record(
        actor=actor,
        entered=services.InterventionIn(
            kind="call_in", on=today - timedelta(days=30), groups=[north], outcome="held",
            by_roles=["patrol", "outreach", "community partner"], attended=9,
            services_offered="jobs, CBT", referrals=4,
        ),
    )  # fmt: skip
    _crime("26-010", 41011, 20)
    services.reviews_queue(actor=actor)
    review = IncidentReview.objects.get()
    services.incident_review_record(
        actor=actor,
        review=review,
        entered=services.ReviewIn(True, "suspect", [north], "retaliation", "probable"),
    )
    return north, dutchtown, call_in, review


def _enforce(groups, notice, trigger, on=None, legal_basis="warrant service, case 26-010"):
    return services.InterventionIn(
        kind="enforcement", on=on or timezone.localdate(), groups=groups, outcome="held",
        by_roles=["patrol", "prosecutor"], notice=notice, trigger=trigger,
        legal_basis=legal_basis,
    )  # fmt: skip


def test_enforcement_follows_a_notice_and_a_triggering_incident_or_is_refused(warned_then_shot):
    from safercity.violence.models import Intervention

    north, dutchtown, call_in, review = warned_then_shot
    actor = command_actor("tests")
    refusals = [
        (_enforce([north], None, review), "prior call-in or notification"),
        (_enforce([dutchtown], call_in, review), "Dutchtown Boys had no prior notice"),
        (_enforce([north], call_in, None), "the incident that triggered it"),
        (_enforce([north], call_in, review, on=timezone.localdate() - timedelta(days=25)),
         "after the notice and before the action"),
        (_enforce([north], call_in, review, legal_basis=" "), "legal basis"),
    ]  # fmt: skip
    for entered, words in refusals:
        with pytest.raises(services.GroupAuditRefused, match=words):
            services.intervention_record(actor=actor, entered=entered)
    assert not Intervention.objects.filter(kind="enforcement").exists()
    done = services.intervention_record(actor=actor, entered=_enforce([north], call_in, review))
    assert done.notice == call_in and done.trigger == review
    assert AuditEntry.objects.filter(action="violence.intervention.enforcement").count() == 1


def test_a_trigger_must_involve_the_warned_group(warned_then_shot):
    north, _, call_in, review = warned_then_shot
    services.incident_review_record(
        actor=command_actor("tests"),
        review=review,
        entered=services.ReviewIn(True, "none", [], "personal", "probable"),
    )
    with pytest.raises(services.GroupAuditRefused, match="involving a group that was warned"):
        services.intervention_record(
            actor=command_actor("tests"), entered=_enforce([north], call_in, review)
        )


def test_a_review_names_groups_exactly_when_group_members_were_involved(warned_then_shot):
    north, _, _, review = warned_then_shot
    actor = command_actor("tests")
    with pytest.raises(services.GroupAuditRefused, match="name the group"):
        services.incident_review_record(
            actor=actor, review=review,
            entered=services.ReviewIn(True, "victim", [], "retaliation", "probable"),
        )  # fmt: skip
    with pytest.raises(services.GroupAuditRefused, match="only when group members"):
        services.incident_review_record(
            actor=actor, review=review,
            entered=services.ReviewIn(True, "none", [north], "personal", "probable"),
        )  # fmt: skip
    review.refresh_from_db()
    assert review.involvement == "suspect" and list(review.groups.all()) == [north]


def test_a_reviewer_works_the_queue_from_the_pages(client, pablo_program_staff, two_groups):
    from safercity.violence.models import IncidentReview

    north, _ = two_groups
    _crime("26-020", 10000, 9)
    _crime("26-021", 41013, 5)
    client.force_login(pablo_program_staff)
    queue = client.post("/staff/violence/reviews/").content.decode()
    assert "2 new incidents added" in queue and "2 to review" in queue
    newest = IncidentReview.objects.get(identity="slmpd-legacy:26-021")
    bad = client.post(
        f"/staff/violence/reviews/{newest.pk}/",
        {"shooting": "yes", "involvement": "victim", "motive": "retaliation",
         "confidence": "probable"},
    )  # fmt: skip
    assert bad.status_code == 400 and "name the group or groups involved" in bad.content.decode()
    answer = client.post(
        f"/staff/violence/reviews/{newest.pk}/",
        {"shooting": "yes", "involvement": "victim", "groups": [north.pk],
         "motive": "retaliation", "confidence": "probable"},
    )  # fmt: skip
    older = IncidentReview.objects.get(identity="slmpd-legacy:26-020")
    assert answer["Location"] == f"/staff/violence/reviews/{older.pk}/", "on to the next"
    newest.refresh_from_db()
    assert newest.reviewed_by == "pablo" and newest.group_connected


def test_the_interventions_page_refuses_enforcement_without_notice(
    client, pablo_program_staff, warned_then_shot
):
    from safercity.violence.models import Intervention

    north, dutchtown, call_in, review = warned_then_shot
    client.force_login(pablo_program_staff)
    form = {
        "kind": "enforcement", "on": timezone.localdate().isoformat(), "groups": [dutchtown.pk],
        "outcome": "held", "by_roles": ["patrol"], "referrals": "0", "notice": call_in.pk,
        "trigger": review.pk, "legal_basis": "warrant",
    }  # fmt: skip
    refused = client.post("/staff/violence/interventions/", form)
    assert refused.status_code == 400
    assert "Dutchtown Boys had no prior notice" in refused.content.decode()
    done = client.post("/staff/violence/interventions/", {**form, "groups": [north.pk]})
    assert done.status_code == 302
    page = client.get("/staff/violence/interventions/").content.decode()
    assert "group enforcement action" in page and "9 attended" in page
    assert Intervention.objects.filter(kind="enforcement").count() == 1


def test_the_shooting_review_agenda_runs_from_the_last_review_and_overdue_actions_surface(
    client, pablo_program_staff
):
    from safercity.violence.models import IncidentReview

    actor = command_actor("tests")
    today = timezone.localdate()
    _crime("26-030", 41011, 10)
    _crime("26-031", 41011, 3)
    services.reviews_queue(actor=actor)
    first = services.shooting_review_create(
        actor=actor, held_on=today - timedelta(days=7), participant_roles=["patrol"]
    )
    second = services.shooting_review_create(
        actor=actor, held_on=today, participant_roles=["patrol"]
    )
    assert [i.identity for i in services.shooting_review_agenda(first)] == ["slmpd-legacy:26-030"]
    assert [i.identity for i in services.shooting_review_agenda(second)] == ["slmpd-legacy:26-031"]
    with pytest.raises(services.GroupAuditRefused, match="already a shooting review"):
        services.shooting_review_create(actor=actor, held_on=today, participant_roles=["patrol"])
    late = services.action_add(
        actor=actor, meeting=first, description="Call the family", owner_role="outreach",
        due_on=today - timedelta(days=2), incident=IncidentReview.objects.first(),
    )  # fmt: skip
    services.action_add(
        actor=actor, meeting=second, description="Later", owner_role="patrol", due_on=today
    )
    client.force_login(pablo_program_staff)
    listed = client.get("/staff/violence/shooting-reviews/").content.decode()
    assert "Call the family" in listed.split('data-testid="overdue"')[1].split("</ul>")[0]
    assert "Later" not in listed.split('data-testid="overdue"')[1].split("</ul>")[0]
    services.action_done(actor=actor, item=late, note="done")
    assert "None overdue" in client.get("/staff/violence/shooting-reviews/").content.decode()
    with pytest.raises(services.GroupAuditRefused, match="the owner is a partner role"):
        services.action_add(
            actor=actor, meeting=second, description="x", owner_role="Jo Doe", due_on=today
        )


def test_odd_numbers_in_the_forms_are_answered_not_crashed_on(
    client, pablo_program_staff, two_groups
):
    north, _ = two_groups
    client.force_login(pablo_program_staff)
    odd = client.post(
        f"/staff/violence/groups/{north.pk}/add/alias/", {"alias": "N", "session": "²", **_basis()}
    )
    assert odd.status_code == 302 and GroupAlias.objects.get().session is None
    session = services.audit_session_create(
        actor=command_actor("tests"), held_on=timezone.localdate(), scope="x",
        participant_roles=["patrol"],
    )  # fmt: skip
    page = client.post(f"/staff/violence/audits/{session.pk}/", {"alias": ["٣", "x", "-1"]})
    assert page.status_code == 200 and "0 statements confirmed" in page.content.decode()
    meeting = services.shooting_review_create(
        actor=command_actor("tests"), held_on=timezone.localdate(), participant_roles=["patrol"]
    )
    for sent in ({"form": "done", "action": "²"}, {"form": "decision", "incident": "9"}, {}):
        answer = client.post(f"/staff/violence/shooting-reviews/{meeting.pk}/", sent)
        assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()


def _reviewed(n, days_ago, involvement, groups, fatal=False):
    from safercity.violence.models import IncidentReview

    review = IncidentReview.objects.create(
        identity=f"t:{n}", fatal=fatal, occurred_on=timezone.localdate() - timedelta(days=days_ago),
        shooting=True, involvement=involvement, queued_at=timezone.now(),
    )  # fmt: skip
    review.groups.set(groups if involvement in ("victim", "suspect", "both") else [])
    return review


def test_the_scorecard_compares_this_quarter_with_the_same_days_a_year_earlier(two_groups):
    from safercity.violence import measures

    north, _ = two_groups
    today = timezone.localdate()
    into_quarter = (today - measures.quarter_start(today)).days
    for n in range(12):
        _reviewed(n, min(n, into_quarter), "suspect", [north])
    for n in range(30):
        _reviewed(100 + n, 365 + min(n % (into_quarter + 1), into_quarter), "victim", [north])
    _reviewed(200, 0, "none", [])
    now, before = measures.figures()[:2]
    assert (now.value, before.value) == ("12", "30") and now.meets_target is True


def test_the_public_page_counts_by_quarter_hides_small_counts_and_names_no_group(
    client, two_groups, settings
):
    north, dutchtown = two_groups
    for n in range(14):
        _reviewed(n, 0, "both", [north, dutchtown], fatal=n < 3)
    settings.LANGUAGE_CODE = "en"
    page = client.get("/focused-deterrence/").content.decode()
    latest = page.split('data-testid="quarters"')[1].split("</tr>")[-2]
    cells = [c.split("</td>")[0] for c in latest.split("<td>")[1:]]
    assert cells[2] == "14", "group-connected this quarter"
    assert cells[0] == "*", "three homicides: a small count is not published"
    assert "North Side Crew" not in page and "Dutchtown Boys" not in page
    scorecard = client.get("/commitments/focused-deterrence/").content.decode()
    assert 'href="/focused-deterrence/"' in scorecard


def test_police_see_enforcement_not_services_and_outreach_the_reverse(
    client, warned_then_shot, olivia_outreach, pete_police
):
    north, _, call_in, review = warned_then_shot
    form = {
        "kind": "enforcement", "on": timezone.localdate().isoformat(), "groups": [north.pk],
        "outcome": "held", "by_roles": ["patrol"], "notice": call_in.pk, "trigger": review.pk,
        "legal_basis": "warrant service, as announced at the call-in",
    }  # fmt: skip
    client.force_login(pete_police)
    assert client.post("/staff/violence/interventions/", form).status_code == 302
    police = client.get("/staff/violence/interventions/").content.decode()
    assert "warrant service" in police and "jobs, CBT" not in police and "referral" not in police
    outreach_kind = client.post(
        "/staff/violence/interventions/", {**form, "kind": "outreach"}
    ).content.decode()
    assert "Select a valid choice" in outreach_kind, "police record enforcement only"
    client.force_login(olivia_outreach)
    outreach = client.get("/staff/violence/interventions/").content.decode()
    assert "jobs, CBT" in outreach and "4 referrals" in outreach
    assert "warrant service" not in outreach and "group enforcement action" not in outreach
    assert client.post("/staff/violence/interventions/", form).status_code == 400
    assert client.get(f"/staff/violence/groups/{north.pk}/").status_code == 200
    assert client.get("/staff/violence/reviews/").status_code == 403, "reviews are the program's"
    with pytest.raises(PermissionDenied):
        services.intervention_record(
            actor=olivia_outreach, entered=_enforce([north], call_in, review)
        )


def test_a_notification_names_its_recipient_only_for_those_who_deliver_it(
    client, pablo_program_staff, olivia_outreach, pete_police, two_groups, settings
):
    from safercity.violence.models import NotificationRecipient

    north, _ = two_groups
    notification = services.intervention_record(
        actor=command_actor("tests"),
        entered=services.InterventionIn(
            kind="notification", on=timezone.localdate(), groups=[north], outcome="delivered",
            by_roles=["outreach"],
        ),
    )  # fmt: skip
    url = f"/staff/violence/interventions/{notification.pk}/"
    client.force_login(pablo_program_staff)
    empty = client.post(url, {"form": "add", "name": "Jo Doe", "basis": ""})
    assert empty.status_code == 400 and "basis for notifying them" in empty.content.decode()
    client.post(url, {"form": "add", "name": "Jo Doe", "basis": "named at the shooting review"})
    recipient = NotificationRecipient.objects.get()
    assert recipient.purge_on == timezone.localdate() + timedelta(days=180)
    client.force_login(olivia_outreach)
    assert "Jo Doe" in client.get(url).content.decode()
    assert client.post(url, {"form": "add", "name": "X", "basis": "y"}).status_code == 403
    client.force_login(pete_police)
    seen = client.get(url)
    assert seen.status_code == 200 and "Jo Doe" not in seen.content.decode()
    reads = AuditEntry.objects.filter(action="violence.recipients.view")
    readers = {r.actor for r in reads}
    assert "olivia" in readers and "pete" not in readers, "every read of a name is recorded"
    actor = command_actor("tests")
    later = timezone.localdate() + timedelta(days=181)
    assert services.recipients_purge(actor=actor) == 0
    assert services.recipients_purge(actor=actor, today=later) == 1
    assert not NotificationRecipient.objects.exists()


def test_the_evaluation_page_sets_reached_groups_against_their_matches(
    client, pablo_program_staff, two_groups
):
    north, _ = two_groups
    actor = command_actor("tests")
    third = services.group_create(actor=actor, name="Third Ward Set")
    start = timezone.localdate() - timedelta(days=100)
    for n in range(8):
        _reviewed(300 + n, 110 + n, "suspect", [north])  # the year before: 8 for the reached
        _reviewed(400 + n, 120 + n, "victim", [third])  # and 8 for the one not reached
    for n in range(2):
        _reviewed(500 + n, 50 + n, "suspect", [north])
    for n in range(8):
        _reviewed(600 + n, 40 + n, "victim", [third])
    services.intervention_record(
        actor=actor,
        entered=services.InterventionIn(
            kind="call_in", on=start, groups=[north], outcome="held", by_roles=["patrol"],
        ),
    )  # fmt: skip
    client.force_login(pablo_program_staff)
    page = client.get("/staff/violence/evaluation/").content.decode()
    assert (
        "North Side Crew with Third Ward Set" in page
        or "North Side Crew with Dutchtown Boys" in page
    )
    assert "-75% against matched groups" in page or "treated group" in page
    assert "need at least 24 months" in page, "citywide: too little crime history yet"
    assert client.get("/staff/violence/evaluation/", {"start": "soon"}).status_code == 400


def test_referrals_are_counts_that_narrow_from_referred_to_completed(
    client, pablo_program_staff, olivia_outreach, pete_police, warned_then_shot
):
    from safercity.violence.models import ReferralCount

    _, _, call_in, _ = warned_then_shot  # four referrals made at the call-in
    url = f"/staff/violence/interventions/{call_in.pk}/"
    client.force_login(olivia_outreach)
    sent = {"form": "referral", "service": "jobs", "provider": "STL Works", "referred": "3",
            "accepted": "3", "started": "2", "completed": "1"}  # fmt: skip
    assert client.post(url, sent).status_code == 302
    widening = client.post(url, {**sent, "provider": "CBT Center", "service": "cbt",
                                 "referred": "1", "accepted": "2"})  # fmt: skip
    assert (
        widening.status_code == 400
        and "completed ≤ started ≤ accepted" in widening.content.decode()
    )
    too_many = client.post(url, {**sent, "provider": "CBT Center", "referred": "2",
                                 "accepted": "0", "started": "0", "completed": "0"})  # fmt: skip
    assert (
        too_many.status_code == 400
        and "made 4 referrals; 3 are already" in too_many.content.decode()
    )
    odd = client.post(url, {**sent, "referred": "²"})
    assert odd.status_code == 400 and "whole number" in odd.content.decode()
    assert ReferralCount.objects.get().completed == 1
    page = client.get(url).content.decode()
    assert "STL Works" in page and "jobs and job training" in page
    client.force_login(pete_police)
    police = client.get(url).content.decode()
    assert "STL Works" not in police, "police do not see service participation"
    assert client.post(url, {**sent, "completed": "2", "started": "2"}).status_code == 403
    public = client.get("/focused-deterrence/").content.decode()
    assert "Services completed" in public


def test_the_public_page_gives_the_group_connected_share_when_its_counts_are_published(
    client, two_groups
):
    north, _ = two_groups
    for n in range(24):
        _reviewed(700 + n, 0, "suspect" if n % 2 else "none", [north], fatal=n < 12)
    page = client.get("/focused-deterrence/").content.decode()
    assert "Share group-connected" in page
    latest = page.split('data-testid="quarters"')[1].split("</tr>")[-2]
    cells = [c.split("</td>")[0] for c in latest.split("<td>")[1:]]
    assert cells[:4] == ["12", "12", "12", "50%"]
    earlier = page.split('data-testid="quarters"')[1].split("</tr>")[-3]
    assert "<td>—</td>" in earlier, "a quarter with no homicide or shooting has no share"


def test_an_area_can_be_made_of_whole_neighborhoods_without_drawing(
    client, pablo_program_staff, two_groups
):
    """For whoever cannot draw on a map (keyboard, screen reader): the area is the chosen
    neighborhoods together, from the city's real boundary file."""
    from django.core.management import call_command
    from shapely.geometry import Point, shape

    from safercity.core.models import Neighborhood
    from tests.conftest import shared_data

    path = shared_data("boundaries", "city_nbrhds_wards", "BND_Nhd88_cw.shp")
    call_command("geo_import", "neighborhoods", str(path))
    north, _ = two_groups
    chosen = Neighborhood.objects.filter(name__in=["The Hill", "Franz Park"])
    assert chosen.count() == 2
    client.force_login(pablo_program_staff)
    group_url = f"/staff/violence/groups/{north.pk}/"
    assert "Or whole neighborhoods" in client.get(group_url).content.decode()
    sent = {"label": "The Hill and Franz Park", "neighborhoods": [n.pk for n in chosen], **_basis()}
    answer = client.post(f"{group_url}add/area/", sent)
    assert answer.status_code == 302
    area = shape(GroupArea.objects.get().geometry)
    assert area.contains(Point(-90.2747, 38.6166)), "St. Ambrose Church, on The Hill"
    assert not area.contains(Point(-90.2130, 38.5990)), "the brewery, in Soulard"
    both = client.post(f"{group_url}add/area/", {**sent, "geometry": json.dumps(SQUARE)})
    assert "not both" in both.content.decode() and GroupArea.objects.count() == 1
    neither = client.post(f"{group_url}add/area/", {"label": "Somewhere", **_basis()})
    assert "or choose its neighborhoods" in neither.content.decode()
    assert GroupArea.objects.count() == 1
