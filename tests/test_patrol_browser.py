"""The reorganization what-if in a real Chromium (issue 18): command staff open the
workload's need by district and hour, create a scenario, add a merger, a move to patrol and a
call type for civilians (one step refused on the way), and compare it with another scenario
beside today, then download the comparison."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.conftest import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
PASSWORD = "correct horse battery 1"


@pytest.fixture
def department():
    from safercity.core.actors import command_actor
    from safercity.core.roles import Role
    from safercity.emergency.models import Assignment, Incident, Unit
    from safercity.staffing import patrol, scenarios

    actor = command_actor("tests")
    make_user("cora", Role.COMMAND_STAFF)
    zone = timezone.get_current_timezone()
    unit = Unit.objects.create(call_sign="4A10", discipline="police")
    monday = date(2025, 3, 3)
    for day in range(14):
        for hour, call_type, minutes in ((10, "BURGLARY", 90), (20, "PARKING", 40)):
            received = datetime.combine(monday + timedelta(days=day), time(hour), zone)
            incident = Incident.objects.create(
                number=f"{call_type}-{day}", call_type=call_type, priority=2, district="4",
                received_at=received, entered_at=received, status=Incident.Status.CLOSED,
            )  # fmt: skip
            Assignment.objects.create(
                incident=incident,
                unit=unit,
                dispatched_at=received,
                cleared_at=received + timedelta(minutes=minutes),
            )
    patrol.workload_request(actor=actor, start=monday, end=monday + timedelta(days=14))
    for name, kind, sworn in (
        ("District 4 patrol", "patrol", 30),
        ("Mobile reserve", "specialized", 20),
        ("Special operations", "specialized", 25),
    ):
        scenarios.unit_save(actor=actor, unit=None, name=name, kind=kind, sworn=sworn)
    scenarios.scenario_create(actor=actor, name="Status quo")  # fmt: skip


def test_command_staff_build_a_scenario_and_compare_it_beside_today(live_server, department,
                                                                      page):  # fmt: skip
    base = live_server.url
    page.goto(f"{base}/staff/login/?next=/staff/staffing/patrol/")
    page.get_by_label("Username").fill("cora")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/staffing/patrol/")
    districts = page.get_by_test_id("districts")
    assert districts.get_by_role("row").nth(1).get_by_role("cell").first.inner_text() == "14"
    assert page.get_by_test_id("need").is_visible()  # the need by day and hour, district 4

    page.get_by_role("link", name="Reorganization what-if").first.click()
    page.get_by_label("Name").fill("Merge the reserve")
    page.get_by_label("Target share of time on workload").fill("0.55")
    page.get_by_role("button", name="Create the scenario").click()
    page.wait_for_url("**/scenarios/*/")
    assert page.get_by_role("heading", name="Merge the reserve").is_visible()

    page.get_by_label("Step:").select_option("move")  # nothing freed yet: refused, said why
    page.get_by_label("Officers to move:").fill("10")
    page.get_by_label("Move them to:").select_option("patrol")
    page.get_by_role("button", name="Add the step").click()
    page.get_by_role("alert").filter(has_text="Only 0 freed positions").wait_for()

    page.get_by_label("Step:").select_option("merge")
    page.get_by_label("Mobile reserve").check()
    page.get_by_label("Special operations").check()
    page.get_by_label("Sworn positions the merged unit keeps:").fill("30")
    page.get_by_role("button", name="Add the step").click()
    page.get_by_test_id("steps").filter(has_text="Merge Mobile reserve and Special").wait_for()
    page.get_by_label("Step:").select_option("move")
    page.get_by_label("Officers to move:").fill("10")
    page.get_by_label("Move them to:").select_option("patrol")
    page.get_by_role("button", name="Add the step").click()
    page.get_by_test_id("steps").filter(has_text="Move 10 freed officers to patrol").wait_for()
    page.get_by_label("Step:").select_option("civilianize")
    page.get_by_label("PARKING", exact=False).check()
    page.get_by_role("button", name="Add the step").click()
    page.get_by_test_id("steps").filter(has_text="Civilian responders take PARKING").wait_for()
    outcome = page.get_by_test_id("outcome")
    assert "Officers patrol gains\n10" in outcome.inner_text()
    fte = page.get_by_role("cell", name="Patrol FTE", exact=True)
    row = page.get_by_test_id("comparison").get_by_role("row").filter(has=fte)
    today, after = (float(c) for c in row.locator("td.num").all_inner_texts())
    assert after == pytest.approx(today + 10, abs=0.05)

    page.get_by_role("link", name="Reorganization what-if").first.click()
    page.get_by_label("Compare Merge the reserve").check()
    page.get_by_label("Compare Status quo").check()
    page.get_by_role("button", name="Compare the chosen scenarios").click()
    page.wait_for_url("**/compare/?**")
    header = page.get_by_test_id("comparison").get_by_role("row").first.inner_text()
    assert "Today" in header and "Merge the reserve" in header and "Status quo" in header
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "district,measure,today,Merge the reserve,Status quo"
