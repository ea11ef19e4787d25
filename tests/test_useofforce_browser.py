"""A use of force from the officer's report to a closed investigation, in a real Chromium
(issue 19): the officer reports an electronic control weapon on the page, the sergeant finds
it on the board's supervisor-review list and closes the review and the investigation, command
staff grant an extension with a reason and close the command review; the case is closed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct horse battery 1"


def _sign_in(page, base: str, username: str, then: str) -> None:
    page.goto(f"{base}/staff/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}")


def test_a_use_of_force_from_the_report_to_a_closed_investigation(live_server, page):
    from safercity.core.roles import Role
    from safercity.useofforce.models import ForceIncident, PolicyVersion

    PolicyVersion.objects.create(version="SO 1-01", effective_from=date(2020, 1, 1))
    for name, role in (("owen", Role.POLICE_OFFICER), ("sam", Role.POLICE_SUPERVISOR),
                       ("cora", Role.COMMAND_STAFF)):  # fmt: skip
        make_user(name, role)
    base = live_server.url
    _sign_in(page, base, "owen", "/staff/use-of-force/")
    page.get_by_role("link", name="Report a use of force").click()
    page.get_by_label("Case number:", exact=True).fill("25-020202")
    when = timezone.localtime() - timedelta(hours=1)
    page.get_by_label("When:", exact=True).fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Location type:", exact=True).select_option("residence or home")
    page.get_by_label("De-escalation was attempted").check()
    page.get_by_label("time and distance").check()
    subject = page.get_by_role("group", name="Subject 1", exact=True)
    subject.get_by_label("Age:", exact=True).fill("41")
    subject.get_by_label("mental health crisis").check()
    subject.get_by_label("electronic control weapon").check()
    officer = page.get_by_role("group", name="Officer 1", exact=True)
    officer.get_by_label("Employee number:", exact=True).fill("E3131")
    page.get_by_role("button", name="Send the report").click()
    page.get_by_role("alert").filter(has_text="The report was not sent").wait_for()
    assert "This field is required" in page.get_by_role("group", name="Officer 1").inner_text()
    officer = page.get_by_role("group", name="Officer 1", exact=True)  # the force was missing
    officer.get_by_label("electronic control weapon").check()
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url("**/staff/use-of-force/")
    assert "Case 25-020202 reported: level 2, supervisor investigation" in page.content()
    assert page.get_by_role("link", name="25-020202").count() == 0  # officers do not read cases

    _sign_in(page, base, "sam", "/staff/use-of-force/")
    page.get_by_label("Stage:", exact=True).select_option("supervisor review")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="25-020202").click()
    assert "mental health crisis" in page.get_by_test_id("subjects").inner_text()
    page.get_by_label("Finding:", exact=True).fill("report complete; camera footage reviewed")
    page.get_by_label("Next holder:", exact=True).fill("Sgt. Reyes")
    page.get_by_role("button", name="Close the stage").click()
    assert "unit investigation: Sgt. Reyes" in page.get_by_test_id("holder").inner_text()
    page.get_by_label("Finding:", exact=True).fill("within policy")
    page.get_by_label("Next holder:", exact=True).fill("Capt. Ng")
    page.get_by_role("button", name="Close the stage").click()
    assert "command review: Capt. Ng" in page.get_by_test_id("holder").inner_text()

    case = page.url
    _sign_in(page, base, "cora", case.removeprefix(base))
    page.get_by_label("Days:", exact=True).fill("7")
    page.get_by_label("Reason:", exact=True).fill("training records requested")
    page.get_by_role("button", name="Grant the extension").click()
    stages = page.get_by_test_id("stages")
    stages.filter(has_text="+7 days, approved by cora: training records requested").wait_for()
    page.get_by_label("Finding:", exact=True).fill("affirmed: within policy")
    page.get_by_role("button", name="Close the stage").click()
    page.get_by_text("Stage closed; the case is closed.").wait_for()
    assert "Who holds the file: closed" in page.get_by_test_id("holder").inner_text()
    incident = ForceIncident.objects.get()
    assert incident.status == ForceIncident.Status.CLOSED
    assert [s.stage for s in incident.stages.all()] == [
        "report", "supervisor review", "unit investigation", "command review"]  # fmt: skip
