"""The intelligence unit in a real Chromium (issue 17): an analyst submits a record, a
supervisor reviews it out of the holding bin, the analyst finds it by a logged search and
gives it to a partner bound by an agreement; and a tipster sends a tip, keeps the key, reads
the coordinator's question and answers it."""

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
def unit():
    from safercity.core.actors import command_actor
    from safercity.core.roles import Role
    from safercity.intelligence import services

    make_user("ivan", Role.INTEL_ANALYST)
    make_user("sara", Role.INTEL_SUPERVISOR)
    services.partner_save(
        actor=command_actor("tests"),
        entered=services.PartnerIn(
            name="St. Louis County Police Department", agreement_reference="MOU 2026-14",
            agreement_signed_on=timezone.localdate() - timedelta(days=30),
            binds_to_part_23=True,
        ),
    )  # fmt: skip


def _sign_in(page, base: str, who: str, then: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/staff/login/?next={then}")
    page.get_by_label("Username").fill(who)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}")


def test_a_record_goes_from_submission_through_review_to_a_partner(live_server, unit, page):
    base = live_server.url
    _sign_in(page, base, "ivan", "/staff/intelligence/records/new/")
    page.get_by_label("Subject").fill("Grey minivan at the Natural Bridge garage")
    page.get_by_label("Criminal activity").fill("Trafficking in stolen firearms")
    page.get_by_label("Criminal predicate").fill(
        "Two recovered guns traced to the garage, and a buyer's statement"
    )
    page.get_by_label("Relevance").fill("Names where and how the guns change hands")
    page.locator("#id_content").fill("Sales on weekday evenings; the driver is known as Slim.")
    page.get_by_label("Source reliability").select_option("B")
    page.locator("#id_content_validity").select_option("2")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/staff/intelligence/records/*/")
    record_url = page.url
    assert "holding bin" in page.get_by_test_id("status").inner_text()

    _sign_in(page, base, "sara", "/staff/intelligence/holding/")
    page.get_by_role("row").filter(has_text="Trafficking in stolen").get_by_role("link").click()
    for radio in page.get_by_role("radio", name="Yes").all():
        radio.check()
    page.get_by_role("button", name="Record the review").click()
    page.wait_for_url(record_url)
    assert "Accepted" in page.get_by_test_id("status").inner_text()

    _sign_in(page, base, "ivan", "/staff/intelligence/search/")
    page.get_by_label("Search for").fill("minivan slim")
    page.get_by_label("Why").fill("Firearms case 26-014")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("row").filter(has_text="Grey minivan").get_by_role("link").click()
    page.get_by_label("Partner:").select_option(label="St. Louis County Police Department")
    page.get_by_label("Recipient").fill("County intelligence unit")
    page.get_by_label("Need to know").fill("Their burglary series F-26-118 uses the same guns")
    page.get_by_label("Right to know").fill("Sworn intelligence unit under the MOU")
    page.get_by_role("button", name="Give and log it").click()
    page.wait_for_url(record_url)
    assert "County intelligence unit" in page.get_by_test_id("given").inner_text()

    _sign_in(page, base, "sara", "/staff/intelligence/logs/")
    logs = page.content()
    assert "minivan slim" in logs and "Firearms case 26-014" in logs
    assert "County intelligence unit" in logs


def test_a_tipster_and_the_coordinator_talk_through_the_tip_key(live_server, unit, page):
    base = live_server.url
    page.goto(f"{base}/tips/")
    page.get_by_label("What is it about?").select_option("guns")
    page.get_by_label("What do you know?").fill(
        "A man sells handguns from the garage behind the corner store on weekday evenings"
    )
    page.get_by_label("Where (optional)").fill("Natural Bridge and Kingshighway")
    page.get_by_role("button", name="Send the tip").click()
    key = page.get_by_test_id("tip-key").inner_text().strip()
    assert len(key) == 19

    _sign_in(page, base, "ivan", "/staff/intelligence/tips/")
    page.get_by_test_id("open-tips").get_by_role("link").first.click()
    page.get_by_role("button", name="Take it for review").click()
    page.get_by_label("Message to the tipster").first.fill("What colour is the car they use?")
    page.get_by_role("button", name="Send").click()
    page.get_by_test_id("messages").filter(has_text="What colour").wait_for()

    page.context.clear_cookies()
    page.goto(f"{base}/tips/follow/")
    page.get_by_label("Your tip key").fill(key.lower())
    page.get_by_role("button", name="Show my tip").click()
    assert "under review" in page.get_by_test_id("status").inner_text()
    assert "What colour" in page.get_by_test_id("messages").inner_text()
    page.get_by_label("Your answer").fill("A grey minivan, plate starts 7K2")
    page.get_by_role("button", name="Send").click()
    page.get_by_test_id("sent").wait_for()
    assert "grey minivan" in page.get_by_test_id("messages").inner_text()
