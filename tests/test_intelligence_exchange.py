"""Requests for information, bulletins and public tips (issue 17): deadlines by priority,
feedback from requesters and recipients, the supervisor's overdue list, and the anonymous tip
line with its key, its two-way messages and its triage."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.intelligence import rfi, services, tips
from safercity.intelligence.models import (
    BulletinRecipient,
    Dissemination,
    InfoRequest,
    IntelRecord,
    Tip,
    TipMessage,
)
from safercity.intelligence.services import CHECKLIST
from safercity.intelligence.tips import key_hash
from tests.conftest import make_user
from tests.test_intelligence import SUBMISSION, bound_partner  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db
HOME = "/staff/intelligence/"
ASK = {
    "direction": "internal",
    "priority": "urgent",
    "question": "Who is using the blue Charger seen at the Natural Bridge shootings?",
    "purpose": "Homicide case 26-031, two shootings this week",
}


def _accepted(analyst, supervisor) -> IntelRecord:
    record = services.record_submit(actor=analyst, entered=services.RecordIn(**SUBMISSION))
    return services.record_review(
        actor=supervisor, record=record, answers={k: True for k in CHECKLIST}
    )


def test_an_urgent_request_is_due_in_24_hours_and_the_asker_gives_feedback_on_the_answer(
    client, ivan_intel_analyst, sara_intel_supervisor, django_user_model
):
    asker = make_user("abe_analyst", Role.INTEL_ANALYST)
    client.force_login(asker)
    made = client.post(f"{HOME}requests/", ASK)
    request = InfoRequest.objects.get()
    assert made["Location"] == f"{HOME}requests/{request.pk}/"
    assert request.due_at - request.made_at == timedelta(hours=24)
    routine = client.post(f"{HOME}requests/", ASK | {"priority": "routine"})
    assert routine.status_code == 302
    later = InfoRequest.objects.latest("pk")
    assert later.due_at - later.made_at == timedelta(days=10)

    client.force_login(sara_intel_supervisor)
    page = client.get(f"{HOME}requests/{request.pk}/").content.decode()
    assert "Assign" in page
    client.post(f"{HOME}requests/{request.pk}/assign/", {"to": ivan_intel_analyst.pk})
    request.refresh_from_db()
    assert request.status == "assigned" and request.assigned_to == ivan_intel_analyst

    # Someone else than the assignee (and not a supervisor) cannot answer it.
    client.force_login(asker)
    refused = client.post(f"{HOME}requests/{request.pk}/answer/", {"answer": "I know this one"})
    assert refused.status_code == 400
    assert "assigned to someone else" in refused.content.decode()

    client.force_login(ivan_intel_analyst)
    record = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    answer = {"answer": "The Charger is registered to a rental agency; see the record.",
              "records": f"{record.pk}"}  # fmt: skip
    assert client.post(f"{HOME}requests/{request.pk}/answer/", answer).status_code == 302
    request.refresh_from_db()
    assert request.status == "answered" and request.on_time()
    # The record given with the answer is in the dissemination log, to the asker.
    given = Dissemination.objects.get(record=record)
    assert given.recipient == "abe_analyst" and given.need_to_know == ASK["purpose"]

    # Only the asker gives the feedback, once.
    feedback = {"useful": "yes", "led_to": "An arrest warrant for the driver"}
    assert client.post(f"{HOME}requests/{request.pk}/feedback/", feedback).status_code == 400
    client.force_login(asker)
    assert client.post(f"{HOME}requests/{request.pk}/feedback/", feedback).status_code == 302
    request.refresh_from_db()
    assert request.useful is True and request.led_to == "An arrest warrant for the driver"
    again = client.post(f"{HOME}requests/{request.pk}/feedback/", feedback)
    assert again.status_code == 400
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"intelligence.request.make", "intelligence.request.assign",
            "intelligence.request.answer", "intelligence.request.feedback",
            "intelligence.request.view"} <= actions  # fmt: skip


def test_a_partners_request_is_answered_with_records_only_under_an_agreement(
    client,
    ivan_intel_analyst,
    sara_intel_supervisor,
    lena_liaison,
    bound_partner,  # noqa: F811
):
    from safercity.intelligence.models import Partner

    unbound = Partner.objects.create(name="Ferguson Police Department")
    record = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    incoming = {"direction": "incoming", "priority": "priority", "partner": unbound.pk,
                "requested_by": "Ferguson PD detective bureau",
                "question": "Any intelligence on the Natural Bridge garage sales?",
                "purpose": "Their burglary series, case F-26-118"}  # fmt: skip
    client.force_login(ivan_intel_analyst)
    # An analyst does not enter a partner's request: the liaison who received it does.
    assert client.post(f"{HOME}requests/", incoming).status_code == 400
    client.force_login(lena_liaison)
    assert client.post(f"{HOME}requests/", incoming).status_code == 302
    request = InfoRequest.objects.get()
    assert request.due_at - request.made_at == timedelta(hours=72)
    client.force_login(ivan_intel_analyst)
    answer = {"answer": "One record answers this.", "records": str(record.pk)}
    refused = client.post(f"{HOME}requests/{request.pk}/answer/", answer)
    assert refused.status_code == 400
    assert "no agreement in force" in refused.content.decode()
    request.refresh_from_db()
    assert request.status == "open" and not Dissemination.objects.exists()

    client.force_login(lena_liaison)
    again = incoming | {"partner": bound_partner.pk, "requested_by": "County intelligence"}
    client.post(f"{HOME}requests/", again)
    bound = InfoRequest.objects.latest("pk")
    client.force_login(ivan_intel_analyst)
    assert client.post(f"{HOME}requests/{bound.pk}/answer/", answer).status_code == 302
    assert Dissemination.objects.get().partner == bound_partner
    # The partner's feedback is recorded by the liaison.
    feedback = {"useful": "no", "led_to": "Nothing new for their case"}
    assert client.post(f"{HOME}requests/{bound.pk}/feedback/", feedback).status_code == 400
    client.force_login(lena_liaison)
    assert client.post(f"{HOME}requests/{bound.pk}/feedback/", feedback).status_code == 302
    # Declining says why, and gives nothing.
    client.force_login(ivan_intel_analyst)
    decline = {"answer": "Outside what we hold", "decline": "on"}
    assert client.post(f"{HOME}requests/{request.pk}/answer/", decline).status_code == 302
    request.refresh_from_db()
    assert request.status == "declined" and request.feedback_due_at is None


def test_late_requests_feedback_bulletins_and_tips_are_on_the_supervisors_overdue_list(
    client,
    ivan_intel_analyst,
    sara_intel_supervisor,
    lena_liaison,
    bound_partner,  # noqa: F811
):
    asked = rfi.request_make(actor=ivan_intel_analyst, entered=rfi.RequestIn(**ASK))
    answered = rfi.request_make(actor=ivan_intel_analyst, entered=rfi.RequestIn(**ASK))
    rfi.request_answer(
        actor=sara_intel_supervisor, request=answered,
        given=rfi.AnswerIn(answer="Nothing on the Charger in our records"),
    )  # fmt: skip
    bulletin = rfi.bulletin_issue(
        actor=ivan_intel_analyst,
        entered=rfi.BulletinIn(
            kind="officer_safety", title="Armed crew on Natural Bridge",
            body="Two handguns seen at each sale; approach with cover.",
            desks=["District 4 patrol", "District 4 patrol", " "], partners=[bound_partner],
        ),
    )  # fmt: skip
    assert bulletin.recipients.count() == 2  # the repeated and the empty desk are left out
    tip, _key = tips.tip_submit(
        actor=tips_actor(), entered=tips.TipIn(about="guns", text="Guns sold from a garage")
    )
    client.force_login(sara_intel_supervisor)
    assert "0 items past" in client.get(f"{HOME}overdue/").content.decode()

    past = timezone.now() - timedelta(hours=1)
    InfoRequest.objects.filter(pk=asked.pk).update(due_at=past)
    InfoRequest.objects.filter(pk=answered.pk).update(feedback_due_at=past)
    bulletin.__class__.objects.filter(pk=bulletin.pk).update(feedback_due_at=past)
    Tip.objects.filter(pk=tip.pk).update(triage_due_at=past, feedback_due_at=past)
    page = client.get(f"{HOME}overdue/").content.decode()
    assert "6 items past their deadline" in page
    assert f"Request {asked.pk}</a>" in page and "not assigned" in page
    assert f"Request {answered.pk}</a>" in page
    assert "District 4 patrol" in page and f"Tip {tip.pk}</a>" in page

    # Feedback recorded on the bulletin takes its recipient off the list.
    desk = BulletinRecipient.objects.get(desk="District 4 patrol")
    client.force_login(lena_liaison)
    sent = client.post(
        f"{HOME}bulletins/{bulletin.pk}/feedback/{desk.pk}/",
        {"useful": "yes", "led_to": "Two officers briefed at roll call"},
    )
    assert sent.status_code == 302
    assert "1 of 2 given" in client.get(f"{HOME}bulletins/").content.decode()
    client.force_login(sara_intel_supervisor)
    assert "5 items past" in client.get(f"{HOME}overdue/").content.decode()
    # Only supervisors see the list.
    client.force_login(ivan_intel_analyst)
    assert client.get(f"{HOME}overdue/").status_code == 403


def tips_actor():
    from safercity.intelligence.public import WEB

    return WEB


def _key_from(page: str) -> str:
    found = re.search(r'data-testid="tip-key"><strong>([0-9A-Z-]+)<', page)
    assert found, page
    return found.group(1)


def test_a_tipster_sends_a_tip_anonymously_and_follows_it_with_the_key(
    client, ivan_intel_analyst, sara_intel_supervisor
):
    form = client.get("/tips/")
    assert form.status_code == 200 and "no-store" in form["Cache-Control"]
    sent = client.post(
        "/tips/",
        {"about": "guns", "text": "A man sells handguns from the garage behind 4100 Natural "
         "Bridge on weekday evenings", "where": "behind 4100 Natural Bridge",
         "when": "weekday evenings"},
        REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="TipsterPhone/1.0",
    )  # fmt: skip
    assert sent.status_code == 200
    key = _key_from(sent.content.decode())
    tip = Tip.objects.get()
    # Nothing that could point to the sender is stored anywhere: not the address, not the
    # device, not the key itself (only its hash).
    stored = " ".join(str(v) for v in Tip.objects.values().get().values())
    audit = " ".join(str(e) for e in AuditEntry.objects.values_list("actor", "detail"))
    for trace in ("203.0.113.9", "TipsterPhone", key, key.replace("-", "")):
        assert trace not in stored and trace not in audit
    assert tip.triage_due_at - tip.received_at == timedelta(hours=24)

    # The key opens the status, typed any way (lower case, no dashes, O for 0).
    typed = key.replace("-", "").lower().replace("0", "o")
    status = client.post("/tips/follow/", {"key": typed})
    assert status.status_code == 200
    assert "received, not yet reviewed" in status.content.decode()
    wrong = client.post("/tips/follow/", {"key": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
    assert wrong.status_code == 400 and "No tip has that key" in wrong.content.decode()
    assert client.post("/tips/follow/", {"key": "hello"}).status_code == 400

    # The coordinator takes it, asks; the tipster sees it and answers by key.
    client.force_login(ivan_intel_analyst)
    assert client.post(f"{HOME}tips/{tip.pk}/review/").status_code == 302
    assert Tip.objects.get().status == "under_review"
    assert "under review" in client.get(f"{HOME}tips/").content.decode()
    asked = {"body": "What kind of car do the buyers come in?"}
    assert client.post(f"{HOME}tips/{tip.pk}/ask/", asked).status_code == 302
    client.logout()
    page = client.post("/tips/follow/", {"key": key}).content.decode()
    assert "under review" in page and "What kind of car" in page
    reply = client.post("/tips/follow/", {"key": key, "body": "Mostly a grey minivan"})
    assert 'data-testid="sent"' in reply.content.decode()
    assert TipMessage.objects.filter(sender="tipster").get().body == "Mostly a grey minivan"
    forged = client.post("/tips/follow/", {"key": "ZZZZ-ZZZZ-ZZZZ-ZZZZ", "body": "spam"})
    assert forged.status_code == 400 and TipMessage.objects.count() == 2

    # Triage into a submission: the analyst writes its predicate; it waits in the holding bin.
    client.force_login(ivan_intel_analyst)
    triage = {"route": "submission", "subject": "Garage behind 4100 Natural Bridge",
              "criminal_activity": "Illegal sale of handguns",
              "predicate": "The tip matches two guns traced to the same garage this month",
              "relevance": "Says where and when the sales happen",
              "source_reliability": "X", "content_validity": "3",
              "priority": "routine"}  # fmt: skip
    assert client.post(f"{HOME}tips/{tip.pk}/triage/", triage).status_code == 302
    tip.refresh_from_db()
    assert tip.status == "passed_on" and tip.record.status == "held"
    assert tip.record.content == tip.text and tip.triaged_at <= tip.triage_due_at
    close = {"outcome": "arrest", "message": "Thank you: your tip helped make an arrest."}
    assert client.post(f"{HOME}tips/{tip.pk}/close/", close).status_code == 302
    client.logout()
    page = client.post("/tips/follow/", {"key": key}).content.decode()
    assert "an arrest was made" in page and "helped make an arrest" in page
    assert "Write to the unit" not in page
    assert Tip.objects.get().status_checks == 4


def test_the_tip_line_refuses_bad_input_plainly_and_keeps_nothing_from_a_script(client):
    empty = client.post("/tips/", {"about": "guns", "text": "guns"})
    assert empty.status_code == 400 and "a few words" in empty.content.decode()
    assert client.post("/tips/", {"about": "nonsense", "text": "a b c d"}).status_code == 400
    robot = client.post(
        "/tips/", {"about": "drugs", "text": "buy cheap pills online now", "website": "x.example"}
    )
    assert robot.status_code == 200 and 'data-testid="tip-key"' in robot.content.decode()
    assert not Tip.objects.exists()
    assert client.post("/tips/", {"about": "drugs", "text": "\x00" * 9000}).status_code == 400
    assert client.get("/tips/follow/").status_code == 200
    assert client.put("/tips/").status_code == 405


def test_a_tip_with_nothing_to_act_on_is_closed_with_a_word_to_the_tipster(
    client, ivan_intel_analyst
):
    tip, key = tips.tip_submit(
        actor=tips_actor(), entered=tips.TipIn(about="other", text="Something odd near the park")
    )
    client.force_login(ivan_intel_analyst)
    silent = client.post(
        f"{HOME}tips/{tip.pk}/triage/",
        {
            "route": "no_action",
            "source_reliability": "X",
            "content_validity": "4",
            "priority": "routine",
        },
    )
    assert silent.status_code == 400 and "message to the tipster" in silent.content.decode()
    said = {
        "route": "no_action",
        "message": "Thank you; there is not enough to act on.",
        "source_reliability": "X",
        "content_validity": "4",
        "priority": "routine",
    }
    assert client.post(f"{HOME}tips/{tip.pk}/triage/", said).status_code == 302
    tip.refresh_from_db()
    assert tip.status == "closed" and tip.outcome == "no_action" and tip.first_feedback_at
    refer = tips.tip_submit(actor=tips_actor(), entered=tips.TipIn(about="drugs", text="a b c"))[0]
    nowhere = {"route": "referral", "source_reliability": "X", "content_validity": "4",
               "priority": "routine"}  # fmt: skip
    assert client.post(f"{HOME}tips/{refer.pk}/triage/", nowhere).status_code == 400
    there = nowhere | {"referred_to": "Narcotics case N-26-440"}
    assert client.post(f"{HOME}tips/{refer.pk}/triage/", there).status_code == 302
    assert Tip.objects.get(pk=refer.pk).referred_to == "Narcotics case N-26-440"
    # Staff outside the unit never see tips, nor does a partner liaison.
    for outsider in (
        make_user("andy_analyst", Role.ANALYST),
        make_user("lee", Role.PARTNER_LIAISON),
    ):
        client.force_login(outsider)
        assert client.get(f"{HOME}tips/{tip.pk}/").status_code == 403
    assert key_hash(key) == tip.key_hash


def _last_month_at(day: int, hour: int = 12):
    from safercity.core.months import month_before

    first = month_before(timezone.localdate().replace(day=1))
    return timezone.make_aware(timezone.datetime(first.year, first.month, day, hour))


def test_the_months_share_on_time_is_on_the_scorecard_and_the_public_page_hides_small_counts(
    client,
    ivan_intel_analyst,
    sara_intel_supervisor,
    lena_liaison,
    bound_partner,  # noqa: F811
):
    from safercity.core.rollups import rollup_refresh
    from safercity.intelligence import measures

    # Last month: 14 requests (12 answered on time, 1 late, 1 never answered and past due) and
    # no tips yet; 3 records given to the partner.
    for n in range(14):
        made = rfi.request_make(actor=ivan_intel_analyst, entered=rfi.RequestIn(**ASK))
        at = _last_month_at(1 + n)
        fields = {"made_at": at, "due_at": at + timedelta(hours=24)}
        if n < 12:
            fields["answered_at"] = at + timedelta(hours=3)
        elif n == 12:
            fields["answered_at"] = at + timedelta(hours=30)
        InfoRequest.objects.filter(pk=made.pk).update(**fields)
    # One made this month and not yet due does not count anywhere yet.
    rfi.request_make(actor=ivan_intel_analyst, entered=rfi.RequestIn(**ASK))
    record = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    for _ in range(3):
        services.record_disseminate(
            actor=ivan_intel_analyst, record=record,
            given=services.DisseminationIn(
                recipient="County intelligence", partner=bound_partner,
                need_to_know="Their case F-26-118 burglary series", right_to_know="Sworn unit",
            ),
        )  # fmt: skip
    month = measures.month_counts(measures._last_complete_month(timezone.localdate()))
    assert (month.requests, month.requests_on_time) == (14, 12)
    [share] = [f for f in measures.figures() if "deadline" in f.label]
    assert share.value == "86%" and share.meets_target is False  # 12 of 14 is under 90%

    # Under the target's bar with two late of 14; at 13 of 14 (93%) it meets it.
    late = InfoRequest.objects.filter(answered_at__isnull=False).order_by("-made_at")
    InfoRequest.objects.filter(pk=late.first().pk).update(
        answered_at=late.first().made_at + timedelta(hours=1)
    )
    [share] = [f for f in measures.figures() if "deadline" in f.label]
    assert share.value == "93%" and share.meets_target is True

    rollup_refresh("intelligence:monthly")
    rollup_refresh("scorecard")
    page = client.get("/intelligence-exchange/").content.decode()
    last = _last_month_at(1).strftime("%Y-%m")
    row = page.split(f'<th scope="row">{last}</th>')[1].split("</tr>")[0]
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[:2] == ["14", "93%"]
    # This month's one request, not yet due, is nowhere; its three disseminations are a
    # small count, hidden, in the month's row and in the partner table.
    this = timezone.localdate().strftime("%Y-%m")
    row = page.split(f'<th scope="row">{this}</th>')[1].split("</tr>")[0]
    cells = re.findall(r"<td>([^<]*)</td>", row)
    assert cells[0] == "0" and cells[6] == "*"
    partners = page.split('data-testid="partners"')[1]
    assert bound_partner.name in partners and "<td>3</td>" not in partners
    for secret in (SUBMISSION["subject"], ASK["question"], "ivan"):
        assert secret not in page
    scorecard = client.get("/").content.decode()
    assert "Tips and requests answered within their deadline" in scorecard
    assert "93%" in scorecard


def test_a_month_with_few_items_gives_no_share_and_no_verdict(ivan_intel_analyst):
    from safercity.intelligence import measures

    made = rfi.request_make(actor=ivan_intel_analyst, entered=rfi.RequestIn(**ASK))
    at = _last_month_at(3)
    InfoRequest.objects.filter(pk=made.pk).update(
        made_at=at, due_at=at + timedelta(hours=1), answered_at=at + timedelta(hours=5)
    )
    [share] = [f for f in measures.figures() if "deadline" in f.label]
    assert share.value == "—" and share.meets_target is None


def test_a_record_purged_because_nobody_reviewed_it_counts_against_the_measure(
    ivan_intel_analyst, sara_intel_supervisor
):
    from safercity.core.actors import command_actor
    from safercity.intelligence import measures

    kept = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    forgotten = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    services.record_validate(
        actor=sara_intel_supervisor, record=kept,
        reason="Still tied to the open firearms case 26-014 and confirmed last week",
    )  # fmt: skip
    IntelRecord.objects.filter(pk=forgotten.pk).update(
        retain_until=timezone.localdate() - timedelta(days=1)
    )
    services.purge_due(actor=command_actor("test"))
    month = measures.month_counts(timezone.localdate().replace(day=1))
    assert (month.validated, month.expired, month.unreliable) == (1, 1, 0)


def _when(hours: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _operation(**given) -> dict:
    return {"kind": "warrant", "reference": "W-26-0412", "place": "4100 Natural Bridge Ave",
            "latitude": "38.6750", "longitude": "-90.2290", "radius_m": "150",
            "starts_at": _when(20), "ends_at": _when(23), "contact": "District 4 desk 314-555-0104"
            } | given  # fmt: skip


def test_two_operations_meeting_in_place_and_time_are_flagged_to_both_owners(
    client,
    ivan_intel_analyst,
    lena_liaison,
    bound_partner,  # noqa: F811
):
    from safercity.core.models import Address
    from safercity.intelligence.models import Conflict, Operation

    page = f"{HOME}operations/"
    client.force_login(ivan_intel_analyst)
    assert client.post(page, _operation()).status_code == 200
    # The county's surveillance of the same block that evening, phoned in to the liaison:
    # 120 m away, circles of 150 m each.
    client.force_login(lena_liaison)
    county = _operation(kind="surveillance", reference="C-SURV-88", partner=bound_partner.pk,
                        latitude="38.6761", longitude="-90.2291", starts_at=_when(22),
                        ends_at=_when(30), contact="County watch desk 314-555-0199")  # fmt: skip
    answer = client.post(page, county).content.decode()
    assert 'data-testid="conflicts-found"' in answer and "W-26-0412" in answer
    assert "District 4 desk 314-555-0104" in answer  # whom to call
    conflict = Conflict.objects.get()
    assert 100 < conflict.distance_m < 140
    assert conflict.second_told_at is not None and conflict.first_told_at is None
    # The department's own owner is told on its board until someone records it.
    client.force_login(ivan_intel_analyst)
    assert "1 conflict not told" in client.get(HOME).content.decode()
    client.post(f"{page}{conflict.pk}/told-first/")
    assert Conflict.objects.get().first_told_at is not None
    assert "0 conflicts not told" in client.get(HOME).content.decode()
    # A cancelled operation's conflict leaves the board, and the home page's count with it.
    Conflict.objects.update(first_told_at=None)
    assert "1 conflict not told" in client.get(HOME).content.decode()
    county_op = Operation.objects.get(reference="C-SURV-88")
    client.post(f"{page}{county_op.pk}/cancel/")
    assert "0 conflicts not told" in client.get(HOME).content.decode()
    assert "C-SURV-88" not in client.get(page).content.decode().split('data-testid="operations"')[0]
    Operation.objects.filter(pk=county_op.pk).update(cancelled_at=None)
    Conflict.objects.update(first_told_at=timezone.now())

    # Far away, or another day, or cancelled: no conflict.
    client.post(page, _operation(reference="W-FAR", latitude="38.60", longitude="-90.30"))
    client.post(page, _operation(reference="W-LATER", starts_at=_when(40), ends_at=_when(42)))
    assert Conflict.objects.count() == 1
    later = Operation.objects.get(reference="W-LATER")
    client.post(f"{page}{later.pk}/cancel/")
    client.post(page, _operation(reference="W-AGAIN", starts_at=_when(41), ends_at=_when(43)))
    assert Conflict.objects.count() == 1

    # Bad input: said plainly, nothing registered.
    before = Operation.objects.count()
    for bad in (
        _operation(ends_at=_when(19)),  # ends before it starts
        _operation(starts_at=_when(-30), ends_at=_when(-28)),  # over already
        _operation(ends_at=_when(20 + 24 * 15)),  # longer than 14 days
        _operation(latitude="91"),
        _operation(latitude="", longitude="-90.2"),
        _operation(radius_m="1"),
        _operation(latitude="", longitude="", place="somewhere near the river"),
    ):
        refused = client.post(page, bad)
        assert refused.status_code == 400, bad
    assert Operation.objects.count() == before
    # A typed address on the city's list is placed without a point.
    Address.objects.create(house_number=4100, street="NATURAL BRIDGE AVE", lat=38.675,
                           lon=-90.229)  # fmt: skip
    typed = client.post(page, _operation(latitude="", longitude="", reference="W-TYPED",
                                         place="4100 natural bridge avenue"))  # fmt: skip
    assert typed.status_code == 200
    placed = Operation.objects.get(reference="W-TYPED")
    assert (placed.latitude, placed.longitude) == (38.675, -90.229)
    assert Conflict.objects.filter(second=placed).count() == 2  # the first two, same block
    # Outside the unit, nobody sees the board.
    client.force_login(make_user("andy_analyst", Role.ANALYST))
    assert client.get(page).status_code == 403


def test_the_demo_unit_has_six_months_of_work_to_measure(client):
    from safercity.core.actors import command_actor
    from safercity.core.rollups import rollup_refresh
    from safercity.intelligence import measures
    from safercity.intelligence.demo import load_intelligence
    from safercity.intelligence.models import Conflict, Partner

    made = load_intelligence(
        actor=command_actor("tests"), seed=2026, streets=["Natural Bridge Ave", "Grand Blvd"]
    )
    assert made == 78 and Partner.objects.count() == 3
    assert IntelRecord.objects.filter(status="rejected").exists()
    assert Dissemination.objects.count() == 6 and Conflict.objects.count() == 1
    months = [measures.month_counts(first) for first in measures._months(timezone.localdate())]
    assert sum(m.requests for m in months) > 30 and sum(m.tips for m in months) > 20
    # Most on time, not all: the figure is worth reading.
    on_time = sum(m.answered_on_time for m in months) / sum(m.answered for m in months)
    assert 0.75 < on_time < 1
    rollup_refresh("intelligence:monthly")
    page = client.get("/intelligence-exchange/").content.decode()
    assert "St. Louis County Police Department (demo)" in page
    assert "Natural Bridge" not in page  # no record, request or tip content is public


def test_records_partners_give_are_read_on_their_page_and_purged_at_their_notice(
    client,
    ivan_intel_analyst,
    lena_liaison,
    bound_partner,  # noqa: F811
):
    from safercity.intelligence import exchange

    sender = exchange.partner_actor(bound_partner)
    given = {"number": "C-77", "subject": "Blue sedan without plates",
             "criminal_activity": "Gun trafficking", "content": "Seen on Tuesdays at dusk.",
             "source_reliability": "A", "content_validity": "1"}  # fmt: skip
    exchange.received_record(
        actor=sender, partner=bound_partner,
        data={"record": given, "recipient": "City gun unit", "need_to_know": "Case 26-014",
              "right_to_know": "Sworn unit"},
    )  # fmt: skip
    client.force_login(ivan_intel_analyst)
    page = client.get(f"{HOME}received/").content.decode()
    assert "Blue sedan without plates" in page and "A: reliable" in page
    assert AuditEntry.objects.filter(action="intelligence.received.list").exists()
    exchange.received_notice(
        actor=sender, partner=bound_partner, data={"record": "C-77", "reason": "Wrong car"}
    )
    page = client.get(f"{HOME}received/").content.decode()
    assert "Blue sedan" not in page and "purged" in page and "Wrong car" in page
    # A label outside the 4x4 system is refused, and nothing is kept.
    with pytest.raises(services.IntelligenceRefused):
        exchange.received_record(
            actor=sender, partner=bound_partner,
            data={"record": given | {"number": "C-78", "source_reliability": "Z"},
                  "recipient": "x", "need_to_know": "y", "right_to_know": "z"},
        )  # fmt: skip
    client.force_login(lena_liaison)
    assert client.get(f"{HOME}received/").status_code == 403


def test_a_partner_naming_a_request_oddly_is_told_there_is_no_such_request(bound_partner):  # noqa: F811
    from safercity.intelligence import exchange

    sender = exchange.partner_actor(bound_partner)
    for number in ("²", "9" * 40, "12a", ""):
        with pytest.raises(services.IntelligenceRefused, match="no request"):
            exchange.received_answer(
                actor=sender, partner=bound_partner, data={"request": number, "answer": "a b"}
            )
