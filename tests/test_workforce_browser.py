"""A flagged step from the analysis to the recorded explanation, in a real Chromium (issue
20): personnel staff's import is on file; the chief equity officer opens the cycle, sees the
written test flagged for one group, opens its review and records the explanation and actions;
the scorecard's count of unexplained steps falls to none."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tests.test_workforce import MAPPING, _class_of_2025

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct horse battery 1"


def test_the_equity_officer_explains_a_flagged_step(live_server, page):
    from safercity.core.roles import Role
    from safercity.workforce import measures, services

    services.import_steps(actor=make_user("pat", Role.PERSONNEL_STAFF), data=_class_of_2025(),
                          mapping=MAPPING, cycle="2025 recruit class")  # fmt: skip
    make_user("eve", Role.EQUITY_OFFICER)
    page.goto(f"{live_server.url}/staff/login/?next=/staff/equity/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/equity/")
    written = page.get_by_test_id("stage-written-test")
    row = written.get_by_role("row").filter(has_text="Black or African American")
    assert "adverse impact" in row.inner_text() and "0.45" in row.inner_text()
    row.get_by_role("link", name="review awaiting explanation").click()
    page.get_by_role("heading", name="Black or African American at the written test").wait_for()
    page.get_by_label("Explanation:").fill("The reading section has not been validated since 2009.")
    page.get_by_label("Actions:").fill("A content-validity study before the 2026 class.")
    page.get_by_role("button", name="Record the explanation").click()
    page.get_by_text("Explanation recorded for Black or African American").wait_for()
    assert "validated since 2009" in page.get_by_test_id("explanation").inner_text()
    assert measures.figures()[0].meets_target is True
