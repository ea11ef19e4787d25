"""Issue 21 in a real Chromium. A referral from a crisis call to completion: the clinician
records that the caller was referred, follows the page's link to send the referral (the call
already named), chooses the detox service and records the person's consent; the provider signs
in, opens the referral, accepts it, starts and completes the service; the clinician sees it
completed. An analyst loads the framework and the census by neighborhood, computes last year's
use of force by the neighborhoods' majority, and finds it on the public page with its source.
axe finds no serious problem on the referral page or the analyst's page."""

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


@pytest.fixture
def a_small_city_with_force_reported():
    """Five neighborhoods (two majority-Black once the census is loaded, one majority-white),
    an analyst, and last year's use of force in three of them."""
    from safercity.core.actors import command_actor
    from safercity.core.roles import Role
    from safercity.core.services import boundaries_import
    from tests.test_equity_computed import _at, city_features, force_at

    boundaries_import(actor=command_actor("tests"), layer="neighborhoods",
                      features=city_features(), park_numbers=[5])  # fmt: skip
    make_user("ana", Role.ANALYST)
    year = timezone.localdate().year - 1
    for hood in (1, 2, 3):
        force_at(f"b{hood}", _at(year), neighborhood=hood)
    return year


def test_an_analyst_loads_the_census_and_computes_use_of_force_by_neighborhood_majority(
    a_small_city_with_force_reported, live_server, page, tmp_path
):
    from tests.test_equity_computed import FRAMEWORK, GOOD

    year = a_small_city_with_force_reported
    (tmp_path / "framework.csv").write_bytes(FRAMEWORK)
    (tmp_path / "residents.csv").write_bytes(GOOD)
    _sign_in(page, live_server.url, "ana", "/staff/equity-indicators/")
    page.get_by_label("Kind").select_option("framework")
    page.get_by_label("File").set_input_files(str(tmp_path / "framework.csv"))
    page.get_by_role("button", name="Import the file").click()
    page.get_by_test_id("saved").wait_for()
    page.get_by_label("Kind").select_option("residents")
    page.get_by_label("File").set_input_files(str(tmp_path / "residents.csv"))
    page.get_by_label("Year").first.fill("2020")
    page.get_by_label("Source").fill("2020 Census (P.L. 94-171)")
    page.get_by_role("button", name="Import the file").click()
    assert "Imported 5 rows" in page.get_by_test_id("saved").inner_text()
    assert "2 (5000)" in page.get_by_test_id("residents").inner_text()
    compute = page.locator("form", has=page.get_by_role("button", name="Compute the year"))
    compute.get_by_label("Year").fill(str(year))
    compute.get_by_role("button", name="Compute the year").click()
    done = page.get_by_test_id("computed").inner_text()
    assert "Use of Force: saved — 2/5000 and 1/4000" in done
    assert "911 Answer Times: not computed" in done
    from tests.access import violations_on

    assert violations_on(page) == []
    from safercity.core.rollups import rollup_refresh

    rollup_refresh("equity:indicators")  # what the task worker does moments later
    page.goto(f"{live_server.url}/equity-indicators/")
    table = page.get_by_test_id("topic").first.inner_text()
    assert "ratio 1.6 (B-W)" in table and "computed by SaferCity" in table
    page.get_by_text("Where the computed figures come from").first.click()
    assert "2 incidents in majority-Black neighborhoods (5,000 residents)" in page.get_by_test_id(
        "computed-sources").first.inner_text()  # fmt: skip
