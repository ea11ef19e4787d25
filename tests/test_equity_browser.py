"""A referral from a crisis call to completion, in a real Chromium (issue 21): the clinician
records that the caller was referred, follows the page's link to send the referral (the call
already named), chooses the detox service and records the person's consent; the provider signs
in, opens the referral, accepts it, starts and completes the service; the clinician sees it
completed. axe finds no serious problem on the referral page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct horse battery 1"


@pytest.fixture
def a_crisis_call_and_a_provider():
    from safercity.core.actors import command_actor
    from safercity.core.roles import Role
    from safercity.emergency.models import Call
    from safercity.equity import services
    from safercity.equity.models import Organization, Service

    Call.objects.create(
        call_id="c-4411",
        clinician_eligible=True,
        call_type="MENTAL",
        arrived_at=timezone.now() - timedelta(hours=1),
        state="released",
    )
    org = Organization.objects.create(name="Bridge Recovery", description="Addiction care")
    Service.objects.create(organization=org, name="Withdrawal management", kind="addiction")
    make_user("cleo", Role.CLINICIAN)
    make_user("paula", Role.SERVICE_PROVIDER)
    services.provider_link(actor=command_actor("tests"), username="paula", organization=org)


def _sign_in(page, url, name, then):
    page.goto(f"{url}/staff/login/?next={then}")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}")


def test_a_referral_from_a_crisis_call_to_completion(
    a_crisis_call_and_a_provider, live_server, page
):
    _sign_in(page, live_server.url, "cleo", "/staff/911/crisis/")
    page.get_by_label("Who handled it").select_option("clinician")
    page.get_by_label("Outcome").select_option("referred")
    page.get_by_label("Referred to (which service)").fill("Withdrawal management")
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_test_id("refer").click()
    page.get_by_role("heading", name="Send a referral").wait_for()
    assert page.get_by_label("Reference").input_value() == "c-4411"
    page.get_by_label("Service").select_option(label="Withdrawal management")
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("Contact").fill("314-555-0199, afternoons")
    page.get_by_label("Needs").fill("Wants to start this week.")
    page.get_by_label("Consent").select_option("verbal")
    page.get_by_role("button", name="Send the referral").click()
    page.get_by_role("heading", name="sent, awaiting the provider").wait_for()
    referral_url = page.url

    page.context.clear_cookies()
    _sign_in(page, live_server.url, "paula", "/staff/services/referrals/")
    page.get_by_test_id("referrals").get_by_role("link").first.click()
    assert "314-555-0199" in page.get_by_test_id("person").inner_text()
    for step, heading in (
        ("accepted", "accepted by the provider"),
        ("started", "service started"),
        ("completed", "completed"),
    ):
        page.get_by_label("Record").select_option(step)
        page.get_by_role("button", name="Record the step").click()
        page.get_by_role("heading", name=heading).wait_for()
    from tests.access import violations_on

    assert violations_on(page) == []

    page.context.clear_cookies()
    _sign_in(page, live_server.url, "cleo", "/staff/services/referrals/")
    assert "completed" in page.get_by_test_id("referrals").inner_text()
    page.goto(referral_url)
    assert "Nothing more for you to record" in page.content()
