"""Focused deterrence in a real Chromium (issue 16): a program officer codes a new shooting
for group involvement, starts the weekly shooting review, records the decision on it and gives
it an action item with an owner and a due date, then marks it done."""

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
def a_new_shooting():
    from safercity.core.actors import command_actor
    from safercity.core.roles import Role
    from safercity.crime.models import CrimeRecord
    from safercity.violence import services

    make_user("pablo", Role.PROGRAM_STAFF)
    actor = command_actor("tests")
    services.group_create(actor=actor, name="North Side Crew")
    when = timezone.now() - timedelta(days=2)
    CrimeRecord.objects.create(
        source_key=f"{when:%Y%m}", source_line=1, identity="26-100|41011|1", complaint="26-100",
        coded_month=when.date().replace(day=1), occurred_at=when, count=1, ucr_code=41011,
        ucr_class=4, district_plan="2014", district=6,
        description="AGG.ASSAULT-FIREARM/CITIZEN ADULT 1ST DEGREE",
    )  # fmt: skip


def test_a_shooting_goes_from_review_to_the_weekly_agenda_to_an_action_item(
    live_server, a_new_shooting, page
):
    page.goto(f"{live_server.url}/staff/login/?next=/staff/violence/reviews/")
    page.get_by_label("Username").fill("pablo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/violence/reviews/")
    page.get_by_role("button", name="Add new incidents from the crime records now").click()
    page.get_by_test_id("queued").filter(has_text="1 new incident").wait_for()
    page.get_by_role("link", name="Firearm assault").click()
    page.get_by_label("yes: someone was shot").check()
    page.get_by_label("a group member was the suspect").check()
    page.get_by_label("North Side Crew").check()
    page.get_by_label("Motive").select_option("retaliation")
    page.get_by_label("Confidence").select_option("probable")
    page.get_by_role("button", name="Record the review and open the next").click()
    page.wait_for_url("**/staff/violence/reviews/")
    assert "0 to review" in page.get_by_test_id("pending").inner_text()

    page.goto(f"{live_server.url}/staff/violence/shooting-reviews/")
    page.get_by_label("Held on").fill(timezone.localdate().isoformat())
    page.get_by_label("patrol").check()
    page.get_by_label("outreach", exact=True).check()
    page.get_by_role("button", name="Start the review").click()
    agenda = page.get_by_test_id("agenda")
    agenda.wait_for()
    assert "Firearm assault" in agenda.inner_text() and "North Side Crew" in agenda.inner_text()
    page.get_by_label("Decision").fill("Custom notification to North Side Crew this week")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("button", name="Change the decision").wait_for()
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    page.get_by_label("Action").fill("Deliver the custom notification")
    page.get_by_label("Owner").select_option("outreach")
    page.get_by_label("Due").fill(due)
    page.get_by_label("For the incident").select_option(index=1)
    page.get_by_role("button", name="Add the action").click()
    actions = page.get_by_test_id("actions")
    actions.filter(has_text="Deliver the custom notification").wait_for()
    assert due in actions.inner_text() and "overdue" not in actions.inner_text()
    page.get_by_placeholder("what was done").fill("delivered at home, referral made")
    page.get_by_role("button", name="Done").click()
    actions.filter(has_text="delivered at home, referral made").wait_for()
