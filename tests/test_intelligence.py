"""Criminal intelligence under 28 CFR Part 23 (issue 17): the holding bin and the reviewer's
checklist, searches logged with their purpose, dissemination only under an agreement (or as an
imminent-danger assessment), retention at most five years unless validated, and records found
unreliable purged within one business day with a notice to every recipient."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.core.workdays import end_of_next_business_day
from safercity.intelligence import services
from safercity.intelligence.models import (
    Dissemination,
    Inquiry,
    IntelRecord,
    Partner,
    RecipientNotice,
)
from safercity.intelligence.services import CHECKLIST, purge_due
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
HOME = "/staff/intelligence/"
SUBMISSION = {
    "subject": "Crew selling stolen handguns from a garage on Natural Bridge",
    "criminal_activity": "Trafficking in stolen firearms",
    "predicate": "Two recovered guns traced to the same garage, and a buyer's statement",
    "relevance": "Names where and how the guns change hands",
    "content": "Sales on weekday evenings; buyers arrive by car from the north; handguns only.",
    "source_reliability": "B",
    "content_validity": "2",
}
YES = {key: "yes" for key in CHECKLIST}


def _accepted(analyst, supervisor) -> IntelRecord:
    record = services.record_submit(actor=analyst, entered=services.RecordIn(**SUBMISSION))
    return services.record_review(
        actor=supervisor, record=record, answers={k: True for k in CHECKLIST}
    )


@pytest.fixture
def bound_partner(lena_liaison) -> Partner:
    return services.partner_save(
        actor=lena_liaison,
        entered=services.PartnerIn(
            name="St. Louis County Police Department", agreement_reference="MOU 2026-14",
            agreement_signed_on=timezone.localdate() - timedelta(days=30),
            binds_to_part_23=True,
        ),
    )  # fmt: skip


def test_a_submission_waits_in_the_holding_bin_until_a_supervisor_accepts_it(
    client, ivan_intel_analyst, sara_intel_supervisor
):
    client.force_login(ivan_intel_analyst)
    answer = client.post(f"{HOME}records/new/", SUBMISSION)
    record = IntelRecord.objects.get()
    assert answer["Location"] == f"{HOME}records/{record.pk}/"
    assert record.status == "held"
    why = {"terms": "handguns garage", "purpose": "case 26-014 firearms"}
    assert "0 records found" in client.get(f"{HOME}search/", why).content.decode()

    client.force_login(sara_intel_supervisor)
    assert str(record.pk) in client.get(f"{HOME}holding/").content.decode()
    client.post(f"{HOME}records/{record.pk}/review/", YES)
    record.refresh_from_db()
    assert record.status == "accepted"
    assert record.retain_until == timezone.localdate() + timedelta(days=1826)

    client.force_login(ivan_intel_analyst)
    found = client.get(f"{HOME}search/", why).content.decode()
    assert "1 record found" in found and "Trafficking in stolen firearms" in found
    inquiry = Inquiry.objects.latest("id")
    assert (inquiry.searched_by, inquiry.terms, inquiry.purpose, inquiry.found) == (
        "ivan", "handguns garage", "case 26-014 firearms", 1,
    )  # fmt: skip
    assert inquiry.records == [record.pk]
    assert Inquiry.objects.count() == 2, "the empty search was logged too"
    client.get(f"{HOME}records/{record.pk}/")
    assert AuditEntry.objects.filter(action="intelligence.record.view", kind="read").exists()


def test_the_reviewer_refuses_views_and_associations_and_the_record_keeps_only_its_stub(
    client, ivan_intel_analyst, sara_intel_supervisor
):
    record = services.record_submit(
        actor=ivan_intel_analyst,
        entered=services.RecordIn(**{**SUBMISSION, "content": "Attends a protest group weekly"}),
    )
    client.force_login(sara_intel_supervisor)
    client.post(
        f"{HOME}records/{record.pk}/review/",
        {**YES, "no_protected_views": "no", "note": "Protest attendance is not criminal."},
    )
    record.refresh_from_db()
    assert record.status == "rejected"
    assert "political, religious or social views" in record.rejection_reason
    assert "Protest attendance is not criminal." in record.rejection_reason
    assert record.content == record.subject == record.predicate == ""
    page = client.get(f"{HOME}records/{record.pk}/").content.decode()
    assert "Rejected at review" in page and "protest group" not in page


def test_nobody_reviews_their_own_submission_and_every_question_must_be_answered(
    client, sara_intel_supervisor
):
    record = services.record_submit(
        actor=sara_intel_supervisor, entered=services.RecordIn(**SUBMISSION)
    )
    client.force_login(sara_intel_supervisor)
    answer = client.post(f"{HOME}records/{record.pk}/review/", YES)
    assert answer.status_code == 400
    assert "someone other than its author" in answer.content.decode()
    client.force_login(make_user("sam", Role.INTEL_SUPERVISOR))
    half = {k: v for k, v in YES.items() if k != "lawful"}
    answer = client.post(f"{HOME}records/{record.pk}/review/", half)
    assert answer.status_code == 400 and "This field is required" in answer.content.decode()
    record.refresh_from_db()
    assert record.status == "held"


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"predicate": "suspicious"}, "criminal predicate"),
        ({"subject": ""}, "This field is required"),
        ({"content": "bad\x07bell here now"}, "control characters"),
        ({"content": "bad\x00byte here now"}, "Null characters are not allowed"),
        ({"source_reliability": "Z"}, "Select a valid choice"),
    ],
)
def test_a_submission_without_what_part_23_needs_is_refused_with_the_reason(
    client, ivan_intel_analyst, change, said
):
    client.force_login(ivan_intel_analyst)
    answer = client.post(f"{HOME}records/new/", {**SUBMISSION, **change})
    assert answer.status_code == 400 and said in answer.content.decode()
    assert not IntelRecord.objects.exists()


def test_a_search_needs_its_purpose(client, ivan_intel_analyst):
    client.force_login(ivan_intel_analyst)
    answer = client.get(f"{HOME}search/", {"terms": "guns", "purpose": "x"})
    assert answer.status_code == 400 and "say why you are searching" in answer.content.decode()
    assert not Inquiry.objects.exists()


def test_a_record_goes_only_to_a_partner_bound_by_an_agreement_in_force(
    client, ivan_intel_analyst, sara_intel_supervisor, lena_liaison, bound_partner
):
    record = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    unbound = services.partner_save(
        actor=lena_liaison, entered=services.PartnerIn(name="Eastern Missouri Task Force")
    )
    client.force_login(ivan_intel_analyst)
    url = f"{HOME}records/{record.pk}/disseminate/"
    why = {"recipient": "Detective bureau", "need_to_know": "Open case on gun sales in its area",
           "right_to_know": "Sworn investigators of the county"}  # fmt: skip
    refused = client.post(url, {**why, "partner": unbound.pk})
    assert refused.status_code == 400
    assert "no agreement in force binding it to 28 CFR Part 23" in refused.content.decode()
    assert client.post(url, why).status_code == 400, "no partner, no imminent danger"
    assert client.post(url, {**why, "partner": bound_partner.pk}).status_code == 302
    given = Dissemination.objects.get()
    assert (given.partner, given.given_by, given.imminent_danger) == (bound_partner, "ivan", False)

    Partner.objects.filter(pk=bound_partner.pk).update(
        agreement_until=timezone.localdate() - timedelta(days=1)
    )
    expired = client.post(url, {**why, "partner": bound_partner.pk})
    assert expired.status_code == 400 and Dissemination.objects.count() == 1


def test_an_imminent_danger_assessment_goes_to_whoever_must_act_and_is_logged_as_such(
    client, ivan_intel_analyst, sara_intel_supervisor
):
    record = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    client.force_login(ivan_intel_analyst)
    url = f"{HOME}records/{record.pk}/disseminate/"
    sent = {"recipient": "School principal, Northwest High", "imminent_danger": "on",
            "need_to_know": "A sale planned near the school today",
            "right_to_know": "Responsible for the pupils' safety"}  # fmt: skip
    assert "assessment" in client.post(url, sent).content.decode()
    sent["assessment"] = "Keep pupils inside at dismissal today; police are on the way."
    assert client.post(url, sent).status_code == 302
    given = Dissemination.objects.get()
    assert given.imminent_danger and given.partner is None
    client.force_login(sara_intel_supervisor)
    assert "imminent-danger assessment" in client.get(f"{HOME}logs/").content.decode()


@pytest.mark.parametrize(
    ("found", "due"),
    [
        ((2026, 5, 22, 18, 0), date(2026, 5, 26)),  # Friday; Monday is Memorial Day
        ((2026, 5, 7, 9, 0), date(2026, 5, 11)),  # Thursday; Friday is Truman Day (MO)
        ((2026, 6, 2, 23, 30), date(2026, 6, 3)),  # a Tuesday night
    ],
)
def test_one_business_day_skips_weekends_and_missouri_holidays(found, due):
    moment = datetime(*found, tzinfo=timezone.get_current_timezone())  # in the city's zone
    deadline = end_of_next_business_day(moment)
    assert timezone.localtime(deadline).date() == due


def test_a_record_found_unreliable_is_purged_and_every_recipient_is_told(
    client, ivan_intel_analyst, sara_intel_supervisor, lena_liaison, bound_partner
):
    record = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    for desk in ("Detective bureau", "Gang unit"):
        services.record_disseminate(
            actor=ivan_intel_analyst, record=record,
            given=services.DisseminationIn(
                recipient=desk, need_to_know="open case on gun sales", right_to_know="sworn staff",
                partner=bound_partner,
            ),
        )  # fmt: skip
    client.force_login(ivan_intel_analyst)
    client.post(
        f"{HOME}records/{record.pk}/unreliable/",
        {"reason": "The buyer's statement was withdrawn and the trace was wrong"},
    )
    record.refresh_from_db()
    assert record.unreliable_since and record.purge_by
    why = {"terms": "handguns", "purpose": "case 26-014 firearms"}
    assert "0 records found" in client.get(f"{HOME}search/", why).content.decode()
    assert purge_due(actor=command_actor("tests")) == {"unreliable": 0, "expired": 0}

    IntelRecord.objects.filter(pk=record.pk).update(purge_by=timezone.now() - timedelta(seconds=1))
    assert purge_due(actor=command_actor("tests")) == {"unreliable": 1, "expired": 0}
    record.refresh_from_db()
    assert record.status == "purged" and record.content == ""
    assert RecipientNotice.objects.count() == 2

    client.force_login(lena_liaison)
    page = client.get(f"{HOME}notices/").content.decode()
    assert "Gang unit" in page and "found unreliable and purged" in page
    notice = RecipientNotice.objects.first()
    client.post(f"{HOME}notices/{notice.pk}/delivered/")
    notice.refresh_from_db()
    assert notice.delivered_by == "lena"
    assert RecipientNotice.objects.filter(delivered_at=None).count() == 1


def test_a_record_is_validated_for_a_new_period_or_purged_when_its_period_ends(
    client, ivan_intel_analyst, sara_intel_supervisor
):
    kept = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    lapsed = _accepted(ivan_intel_analyst, sara_intel_supervisor)
    soon = timezone.localdate() + timedelta(days=20)
    IntelRecord.objects.filter(pk__in=[kept.pk, lapsed.pk]).update(retain_until=soon)
    client.force_login(sara_intel_supervisor)
    due = client.get(f"{HOME}retention/").content.decode()
    assert f"records/{kept.pk}/" in due and f"records/{lapsed.pk}/" in due
    too_long = client.post(
        f"{HOME}records/{kept.pk}/validate/",
        {"reason": "New sales seen in October confirm it", "days": 2000},
    )
    assert too_long.status_code == 400
    client.post(
        f"{HOME}records/{kept.pk}/validate/",
        {"reason": "New sales seen in October confirm the activity continues", "days": 365},
    )
    kept.refresh_from_db()
    assert kept.retain_until == timezone.localdate() + timedelta(days=365)
    assert kept.decisions.get().decided_by == "sara"

    IntelRecord.objects.filter(pk=lapsed.pk).update(
        retain_until=timezone.localdate() - timedelta(days=1)
    )
    assert purge_due(actor=command_actor("tests"))["expired"] == 1
    lapsed.refresh_from_db()
    assert lapsed.status == "purged"
    assert lapsed.purge_reason == "retention period ended without a validation"
    assert not RecipientNotice.objects.exists(), "a lapsed record was never found unreliable"


def test_access_is_by_intelligence_role_only(
    client, ivan_intel_analyst, sara_intel_supervisor, lena_liaison, alice_admin, ana_analyst,
    pablo_program_staff,
):  # fmt: skip
    record = services.record_submit(
        actor=ivan_intel_analyst, entered=services.RecordIn(**SUBMISSION)
    )
    for outsider in (alice_admin, ana_analyst, pablo_program_staff):
        client.force_login(outsider)
        for url in (HOME, f"{HOME}search/", f"{HOME}records/{record.pk}/", f"{HOME}logs/"):
            assert client.get(url).status_code == 403, (outsider.username, url)
    client.force_login(lena_liaison)
    assert client.get(f"{HOME}search/").status_code == 403
    assert client.get(f"{HOME}records/{record.pk}/").status_code == 403
    logs = client.get(f"{HOME}logs/").content.decode()
    assert "Disseminations" in logs and "Inquiries" not in logs
    other = services.record_submit(
        actor=sara_intel_supervisor, entered=services.RecordIn(**SUBMISSION)
    )
    client.force_login(ivan_intel_analyst)
    assert client.get(f"{HOME}holding/").status_code == 403
    assert client.get(f"{HOME}records/{other.pk}/").status_code == 403, "held: reviewers only"
    assert client.get(f"{HOME}records/{record.pk}/").status_code == 200, "the author's own"
    assert client.post(f"{HOME}records/{record.pk}/nonsense/").status_code == 404


def test_partner_liaisons_keep_agreements_and_refuse_impossible_ones(client, lena_liaison):
    client.force_login(lena_liaison)
    today = timezone.localdate()
    sent = {"name": "Florissant Police Department", "agreement_reference": "MOU 7",
            "agreement_signed_on": today.isoformat(), "binds_to_part_23": "on",
            "agreement_until": (today - timedelta(days=3)).isoformat()}  # fmt: skip
    answer = client.post(f"{HOME}partners/", sent)
    assert answer.status_code == 400 and "cannot end before" in answer.content.decode()
    del sent["agreement_until"]
    answer = client.post(f"{HOME}partners/", sent)
    partner = Partner.objects.get()
    assert answer["Location"] == f"{HOME}partners/{partner.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "records may be given to it" in page
    twice = client.post(f"{HOME}partners/", {**sent, "name": "florissant police department"})
    assert twice.status_code == 400 and "a partner already" in twice.content.decode()
