"""Closed-loop referrals (issue 21): sent with the person's consent and only what the provider
needs, answered by the provider of that service and nobody else, followed by the referrer to
the end, reminded when unanswered, purged after retention, counted on the scorecard with small
counts hidden."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.inputs import InputRefused
from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.emergency.models import Call
from safercity.equity import measures, referrals, services
from safercity.equity.models import Organization, Referral, Service
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
S = Referral.Status


@pytest.fixture
def detox(db):
    org = Organization.objects.create(
        name="Bridge Recovery", description="Addiction care", email="intake@bridge.example"
    )
    return Service.objects.create(
        organization=org, name="Withdrawal management", kind=Service.Kind.ADDICTION
    )


@pytest.fixture
def paula(detox):
    user = make_user("paula", Role.SERVICE_PROVIDER)
    services.provider_link(
        actor=command_actor("tests"), username="paula", organization=detox.organization
    )
    return user


@pytest.fixture
def cleo(db):
    return make_user("cleo", Role.CLINICIAN)


@pytest.fixture
def call(db):
    return Call.objects.create(
        call_id="c-77", clinician_eligible=True, arrived_at=timezone.now() - timedelta(hours=1)
    )


def _send(actor, service, call, **extra):
    values = {
        "source": "crisis call",
        "source_reference": call.call_id,
        "person_name": "Sam",
        "contact": "314-555-0199, afternoons",
        "needs": "Wants detox this week.",
        "consent": "verbal",
    } | extra
    return referrals.referral_send(actor=actor, service=service, **values)


def test_a_referral_from_a_crisis_call_goes_from_sent_to_completed(detox, paula, cleo, call):
    referral = _send(cleo, detox, call)
    assert referral.status == S.SENT and referral.referred_by == "cleo"
    for step in (S.ACCEPTED, S.STARTED, S.COMPLETED):
        referrals.referral_update(actor=paula, referral=referral, status=step)
    referral.refresh_from_db()
    assert referral.status == S.COMPLETED and referral.closed_at is not None
    assert [e.status for e in referral.events.all()] == ["sent", "accepted", "started", "completed"]
    assert referrals.visible_to(cleo).filter(pk=referral.pk).exists()  # the referrer follows
    reads = AuditEntry.objects.filter(action="equity.referral.read")
    assert reads.filter(actor="paula").exists()


def test_no_referral_without_consent_a_taking_service_or_a_real_call(detox, cleo, call):
    with pytest.raises(InputRefused, match="consent"):
        _send(cleo, detox, call, consent="")
    with pytest.raises(InputRefused, match="no 911 call"):
        _send(cleo, detox, call, source_reference="nope")
    with pytest.raises(InputRefused, match="a way to"):
        _send(cleo, detox, call, contact=" ")
    detox.status = Service.Status.TEMPORARILY_CLOSED
    detox.save()
    with pytest.raises(InputRefused, match="temporarily closed"):
        _send(cleo, detox, call)
    assert not Referral.objects.exists()
    with pytest.raises(PermissionDenied):
        _send(make_user("ines", Role.INSPECTOR), detox, call)


def test_only_the_services_provider_answers_and_only_in_order(detox, paula, cleo, call, client):
    referral = _send(cleo, detox, call)
    other_org = Organization.objects.create(name="Elsewhere", description="x")
    make_user("olga", Role.SERVICE_PROVIDER)
    services.provider_link(actor=command_actor("tests"), username="olga", organization=other_org)
    olga = make_user("olga", Role.SERVICE_PROVIDER)
    with pytest.raises(PermissionDenied):
        referrals.referral_update(actor=olga, referral=referral, status=S.ACCEPTED)
    with pytest.raises(InputRefused, match="accepted by the provider, declined"):
        referrals.referral_update(actor=paula, referral=referral, status=S.COMPLETED)
    with pytest.raises(InputRefused, match="Say why"):
        referrals.referral_update(actor=paula, referral=referral, status=S.DECLINED)
    with pytest.raises(InputRefused):  # the referrer does not accept for the provider
        referrals.referral_update(actor=cleo, referral=referral, status=S.ACCEPTED)
    referrals.referral_update(
        actor=cleo, referral=referral, status=S.REFUSED, note="Chose another program"
    )
    client.force_login(olga)
    assert client.get(f"/staff/services/referrals/{referral.pk}/").status_code == 404
    assert "Sam" not in client.get("/staff/services/referrals/").content.decode()


def test_the_pages_send_answer_and_follow_a_referral(detox, paula, cleo, call, client):
    client.force_login(cleo)
    form = client.get(
        "/staff/services/referrals/new/",
        {"source": "crisis call", "source_reference": call.call_id},
    )
    assert f'value="{call.call_id}"' in form.content.decode()
    unconsented = client.post(
        "/staff/services/referrals/new/",
        {
            "service": detox.pk,
            "source": "crisis call",
            "source_reference": call.call_id,
            "person_name": "Sam",
            "contact": "314-555-0199",
            "consent": "",
        },
    )
    assert unconsented.status_code == 400 and "consent" in unconsented.text
    sent = client.post(
        "/staff/services/referrals/new/",
        {
            "service": detox.pk,
            "source": "crisis call",
            "source_reference": call.call_id,
            "person_name": "Sam",
            "contact": "314-555-0199",
            "consent": "verbal",
        },
    )
    referral = Referral.objects.get()
    assert sent.status_code == 302 and sent["Location"].endswith(f"/referrals/{referral.pk}/")
    client.force_login(paula)
    page = client.get(f"/staff/services/referrals/{referral.pk}/").content.decode()
    assert "314-555-0199" in page and "accepted by the provider" in page
    done = client.post(f"/staff/services/referrals/{referral.pk}/", {"status": "accepted"})
    assert done.status_code == 302
    wrong = client.post(f"/staff/services/referrals/{referral.pk}/", {"status": "nonsense"})
    assert wrong.status_code == 400
    client.force_login(cleo)
    listed = client.get("/staff/services/referrals/", {"status": "open"}).content.decode()
    assert "accepted by the provider" in listed


def test_an_unanswered_referral_reminds_the_provider_once(
    detox, paula, cleo, call, settings, mailoutbox
):
    referral = _send(cleo, detox, call)
    assert referrals.referrals_remind(actor=command_actor("t")) == 0  # not late yet
    Referral.objects.filter(pk=referral.pk).update(status_at=timezone.now() - timedelta(hours=49))
    assert referrals.referrals_remind(actor=command_actor("t")) == 1
    assert referrals.referrals_remind(actor=command_actor("t")) == 0  # once per status
    assert any("Withdrawal management" in m.subject and "Sam" not in m.body for m in mailoutbox)


def test_the_persons_details_are_purged_after_retention(detox, paula, cleo, call):
    referral = _send(cleo, detox, call)
    referrals.referral_update(actor=paula, referral=referral, status=S.DECLINED, note="Full")
    assert referrals.referrals_purge(actor=command_actor("t")) == 0
    Referral.objects.filter(pk=referral.pk).update(closed_at=timezone.now() - timedelta(days=400))
    assert referrals.referrals_purge(actor=command_actor("t")) == 1
    referral.refresh_from_db()
    assert (referral.person_name, referral.contact, referral.needs) == ("", "", "")
    assert referral.status == S.DECLINED and referral.purged_at is not None


def test_the_scorecard_counts_completed_referrals_by_type_and_hides_small_counts(
    detox, paula, cleo, call
):
    for n in range(14):
        referral = _send(cleo, detox, call)
        steps = (S.ACCEPTED, S.STARTED, S.COMPLETED) if n < 12 else (S.DECLINED,)
        for step in steps:
            referrals.referral_update(actor=paula, referral=referral, status=step, note="full")
    figures = {f.label: f.value for f in measures.figures()}
    assert figures["Referrals completed: addiction services"] == "12 / 14"
    # one housing referral completed: a count of one is never shown, nor one that reveals it
    shelter = Service.objects.create(
        organization=detox.organization, name="Beds", kind=Service.Kind.HOUSING
    )
    referral = _send(cleo, shelter, call)
    for step in (S.ACCEPTED, S.STARTED, S.COMPLETED):
        referrals.referral_update(actor=paula, referral=referral, status=step)
    figures = {f.label: f.value for f in measures.figures()}
    assert figures["Referrals completed: housing services"] == "—"


def test_a_311_request_links_to_a_referral_that_names_it(detox, client):
    from safercity.service311.models import ServiceRequest
    from tests.factories import ServiceRequestFactory

    request = ServiceRequestFactory()
    omar = make_user("omar", Role.AGENT_311)
    client.force_login(omar)
    detail = client.get(f"/staff/311/requests/{request.pk}/").content.decode()
    assert f"source=encampment&amp;source_reference={request.pk}" in detail
    values = {
        "source": "encampment",
        "person_name": "Lee",
        "contact": "at the camp, mornings",
        "consent": "verbal",
    }
    with pytest.raises(InputRefused, match="no 311 request"):
        referrals.referral_send(actor=omar, service=detox, source_reference="99999", **values)
    made = referrals.referral_send(
        actor=omar, service=detox, source_reference=str(request.pk), **values
    )
    assert made.source_reference == str(request.pk)
    assert ServiceRequest.objects.filter(pk=request.pk).exists()


def test_the_service_bounds_what_it_stores(detox, cleo, call):
    with pytest.raises(InputRefused, match="control characters"):
        _send(cleo, detox, call, person_name="Sa\x00m")
    with pytest.raises(InputRefused, match="longer than 200"):
        _send(cleo, detox, call, contact="x" * 201)
    assert not Referral.objects.exists()
