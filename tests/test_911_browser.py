"""The 911 floor's whole work in a real Chromium: a call-taker takes a routed call, triages it
and creates the incident; a dispatcher sends the recommended units and walks them to cleared
(by button and by keyboard); an abandoned call's callback is claimed and closed."""

import json
import re
import urllib.request
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import SCREENSHOTS, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
KEY = "browser-cti-" + "k" * 24
PASSWORD = "correct horse battery 1"


@pytest.fixture
def floor(settings):
    from safercity.core.roles import Role
    from safercity.emergency.models import Position, Unit

    settings.SAFERCITY_CTI_KEY = KEY
    settings.SAFERCITY_WRAP_UP_S = 60
    make_user("carl", Role.CALL_TAKER)
    make_user("dina", Role.DISPATCHER)
    make_user("cleo", Role.CLINICIAN)
    make_user("sofia", Role.SUPERVISOR_911)
    Position.objects.create(name="P1")
    Unit.objects.create(call_sign="1A12", discipline="police", lat=38.630, lon=-90.200)
    Unit.objects.create(call_sign="3C31", discipline="police", lat=38.600, lon=-90.250)
    Unit.objects.create(call_sign="M7", discipline="ems", lat=38.64, lon=-90.26)


@contextmanager
def database_in_the_test_body():
    """Playwright's event loop gives the test body its own database connection: close it
    when done, or PostgreSQL cannot drop the test database."""
    from django.db import connections

    try:
        yield
    finally:
        connections.close_all()


def sign_in(page, live_server, username, path):
    page.goto(f"{live_server.url}/staff/login/?next={path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{path}")


def phone_event(live_server, **body):
    body.setdefault("at", timezone.now().isoformat())
    request = urllib.request.Request(  # noqa: S310 (http to the test server)
        f"{live_server.url}/api/911/events",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CTI-Key": KEY},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.load(answer)


def test_a_call_is_taken_triaged_dispatched_and_cleared(live_server, floor, page):
    sign_in(page, live_server, "carl", "/staff/911/")
    page.get_by_role("button", name="Sign in to P1").click()
    page.get_by_role("button", name="Ready", exact=True).click()
    page.get_by_test_id("no-call").filter(has_text="Waiting for the next call").wait_for()
    state = page.get_by_test_id("desk-state")
    assert state.inner_text() == "P1: ready"

    answer = phone_event(
        live_server, event_id="o1", call_id="c1", kind="offered", ani="3145550100",
        ali="1200 MARKET ST", lat=38.627, lon=-90.199,
    )  # fmt: skip
    assert answer["call"]["position"] == "P1", "the phone system is told where it rings"
    page.get_by_test_id("ani").filter(has_text="3145550100").wait_for(timeout=5000)
    assert "ringing" in state.inner_text()
    page.locator(".call-map .leaflet-interactive").first.wait_for()  # the caller on the map
    page.get_by_role("button", name="Answer").click()
    page.get_by_label("Call type").select_option("ASSAULT")
    page.get_by_label("A weapon is involved").check()
    page.get_by_role("button", name="Recommend who goes").click()
    decision = page.get_by_test_id("decision")
    decision.wait_for()
    assert "police, ems" in page.get_by_test_id("disciplines").inner_text()
    assert "the call type's rule" in decision.inner_text(), "every decision says why"
    assert page.get_by_label("A weapon is involved").is_checked(), "what the caller said stays"
    page.get_by_role("button", name="Create the incident").click()
    page.get_by_test_id("incident").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "911-call-taker.png"), full_page=True)
    page.get_by_role("button", name="Release the call").click()
    page.get_by_test_id("call-ended").wait_for()
    assert state.inner_text().startswith("P1: wrap-up")

    dispatcher = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    desk = dispatcher.new_page()
    sign_in(desk, live_server, "dina", "/staff/911/dispatch/")
    waiting = desk.get_by_test_id("waiting")
    assert "P1 ASSAULT" in waiting.inner_text()
    desk.get_by_role("button", name="Send 1A12").click()
    desk.get_by_role("button", name="Send M7").click()
    desk.get_by_text("No incident is waiting for a unit.").wait_for()
    desk.wait_for_function("document.getElementById('dispatch-map').dataset.points >= 4")

    police = desk.get_by_role("row", name="1A12 on incident")
    police.get_by_role("button", name="En route").click()
    desk.get_by_role("row", name="1A12 on incident").get_by_test_id("stage").filter(
        has_text="en route"
    ).wait_for()
    police = desk.get_by_role("row", name="1A12 on incident")
    police.get_by_role("button", name="On scene").click()
    desk.get_by_role("row", name=re.compile(r"1A12 on incident \d+, on scene")).wait_for()
    desk.get_by_label("Disposition for 1A12").select_option("report taken")
    desk.get_by_role("row", name="1A12 on incident").get_by_role("button", name="Clear").click()
    desk.get_by_role("row", name="1A12 on incident").wait_for(state="detached")

    medics = desk.get_by_role("row", name="M7 on incident")
    medics.focus()
    desk.keyboard.press("e")
    desk.get_by_role("row", name=re.compile(r"M7 on incident \d+, en route")).wait_for()
    desk.keyboard.press("s")
    desk.get_by_role("row", name=re.compile(r"M7 on incident \d+, on scene")).wait_for()
    desk.keyboard.press("c")
    disposition = desk.get_by_label("Disposition for M7")
    assert disposition.evaluate("e => e === document.activeElement")
    disposition.select_option("transported to a hospital")
    disposition.press("Enter")
    desk.get_by_text("No unit is on an incident.").wait_for()
    desk.screenshot(path=str(SCREENSHOTS / "911-dispatcher.png"), full_page=True)
    dispatcher.close()

    from safercity.emergency.models import Incident

    with database_in_the_test_body():
        incident = Incident.objects.get()
        assert (incident.status, incident.disposition) == ("closed", "transported to a hospital")
        times = [(a.dispatched_at, a.en_route_at, a.on_scene_at, a.cleared_at) for a in
                 incident.assignments.all()]  # fmt: skip
        assert all(None not in row and list(row) == sorted(row) for row in times)


@pytest.fixture
def abandoned(floor):
    from safercity.core.actors import command_actor
    from safercity.emergency.services import CallEventIn, event_ingest

    at = timezone.now() - timedelta(minutes=2)
    cti = command_actor("tests")
    event_ingest(actor=cti, event=CallEventIn("o9", "c9", "offered", at, ani="3145550199"))
    event_ingest(actor=cti, event=CallEventIn("x9", "c9", "abandoned", at + timedelta(seconds=9)))


def test_an_abandoned_calls_callback_is_claimed_and_closed(live_server, abandoned, page):
    sign_in(page, live_server, "carl", "/staff/911/callbacks/")
    row = page.get_by_role("row").filter(has_text="3145550199")
    assert row.get_by_role("link", name="3145550199").get_attribute("href") == "tel:3145550199"
    row.get_by_role("button", name="Claim and call back").click()
    outcome = page.get_by_label("Outcome")
    outcome.wait_for()
    assert outcome.input_value() == "", "no outcome is chosen for the call-taker"
    page.get_by_role("button", name="Record").click()
    assert outcome.evaluate("e => !e.validity.valid"), "the browser asks for an outcome"
    outcome.select_option("no_emergency")
    page.get_by_label("Notes").fill("child playing with the phone")
    page.get_by_role("button", name="Record").click()
    page.get_by_text("reached: no emergency by carl").wait_for()


def test_an_eligible_call_goes_to_a_crisis_counselor_and_its_outcome_is_recorded(
    live_server, floor, page
):
    sign_in(page, live_server, "carl", "/staff/911/")
    page.get_by_role("button", name="Sign in to P1").click()
    page.get_by_role("button", name="Ready", exact=True).click()
    page.get_by_test_id("no-call").filter(has_text="Waiting for the next call").wait_for()
    phone_event(live_server, event_id="o2", call_id="c2", kind="offered", ani="3145550177")
    page.get_by_role("button", name="Answer").click()
    page.get_by_label("Call type").select_option("MENTAL")
    page.get_by_role("button", name="Recommend who goes").click()
    page.get_by_test_id("clinician-eligible").wait_for()
    crisis = page.get_by_role("button", name="Transfer to the crisis line")
    assert "primary" in crisis.get_attribute("class"), "the crisis line is the suggested step"
    crisis.click()
    page.get_by_test_id("call-ended").filter(has_text="Behavioral Health Response").wait_for()

    page.context.clear_cookies()
    sign_in(page, live_server, "cleo", "/staff/911/crisis/")
    row = page.get_by_role("row").filter(has_text="call c2")
    assert row.get_by_label("Who handled it").input_value() == "counselor"
    row.get_by_label("Outcome").select_option("referred")
    row.get_by_role("button", name="Record the outcome").click()
    page.get_by_role("alert").filter(has_text="which service").wait_for()
    row = page.get_by_role("row").filter(has_text="call c2")
    row.get_by_label("Outcome").select_option("referred")
    row.get_by_label("Referred to (which service)").fill("community mental-health centre")
    row.get_by_role("button", name="Record the outcome").click()
    page.get_by_test_id("crisis-recorded").wait_for()
    assert "crisis counselor" in page.get_by_test_id("crisis-recorded").inner_text()


def test_a_supervisor_sets_up_positions_and_units(live_server, floor, page):
    sign_in(page, live_server, "sofia", "/staff/911/setup/")
    page.get_by_label("New position's name").fill("P2")
    page.get_by_label("New position's languages").fill("es, vi")
    page.get_by_role("button", name="Add the position").click()
    page.get_by_label("Name of P2").wait_for()
    assert page.get_by_label("Languages of P2").input_value() == "es vi"
    page.get_by_label("New unit's call sign").fill("1p10")
    page.get_by_label("New unit's discipline").select_option("police")
    page.get_by_label("New unit is a co-responder team").check()
    page.get_by_role("button", name="Add the unit").click()
    assert (
        "a co-responder team is a clinician unit" in page.get_by_test_id("setup-error").inner_text()
    )
    page.get_by_label("New unit's call sign").fill("1c10")
    page.get_by_label("New unit's discipline").select_option("clinician")
    page.get_by_label("New unit is a co-responder team").check()
    page.get_by_label("New unit's latitude").fill("38.63")
    page.get_by_label("New unit's longitude").fill("-90.2")
    page.get_by_role("button", name="Add the unit").click()
    page.get_by_label("Call sign of 1C10").wait_for()
    page.get_by_label("Latitude of M7").fill("38.61")
    page.get_by_label("Longitude of M7").fill("-90.21")
    page.get_by_role("button", name="Save M7").click()
    assert page.get_by_label("Latitude of M7").input_value() == "38.61"

    from safercity.emergency.models import Position, Unit

    with database_in_the_test_body():
        assert Position.objects.get(name="P2").languages == ["es", "vi"]
        team = Unit.objects.get(call_sign="1C10")
        assert (team.discipline, team.co_responder, team.status) == ("clinician", True, "available")


def test_the_board_tells_a_screen_reader_only_what_changed(live_server, floor, settings, page):
    """The board refreshes every 2 s; its live region speaks only when a call starts waiting
    too long (or stops), not at each refresh."""
    settings.SAFERCITY_ALERT_S = 15
    sign_in(page, live_server, "sofia", "/staff/911/board/")
    page.evaluate(
        """() => {
            window.spoken = [];
            const region = document.getElementById("announcer");
            new MutationObserver(() => window.spoken.push(region.textContent))
                .observe(region, {childList: true, characterData: true, subtree: true});
        }"""
    )  # fmt: skip
    page.wait_for_timeout(4_500)  # two refreshes with nothing new
    assert page.evaluate("window.spoken") == []
    long_ago = (timezone.now() - timedelta(seconds=60)).isoformat()
    phone_event(live_server, event_id="o-long", call_id="long", kind="offered", at=long_ago)
    page.get_by_test_id("alerts").wait_for(timeout=10_000)
    page.wait_for_timeout(4_500)  # more refreshes, the same call still waiting too long
    assert page.evaluate("window.spoken") == ["1 call waiting too long: long."]
    page.get_by_role("button", name=re.compile("^Send to")).click()
    page.wait_for_function("window.spoken.length === 2", timeout=10_000)
    assert page.evaluate("window.spoken")[-1] == "No call is waiting too long."
