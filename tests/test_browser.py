"""Pages in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

import pytest

from tests.conftest import SCREENSHOTS, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def ines_inspector():
    from safercity.core.roles import Role

    return make_user("ines", Role.INSPECTOR)


def test_the_home_page_shows_ten_commitments_in_a_real_browser(live_server, page):
    page.goto(live_server.url + "/")
    assert page.title().startswith("Public scorecard")
    cards = page.get_by_test_id("commitment")
    assert cards.count() == 10
    assert "Answer all 911 calls" in cards.nth(3).inner_text()
    assert "911 calls answered within 15 s" in cards.nth(3).get_by_test_id("status").inner_text()
    assert "Problem Landlord Unit" in cards.nth(5).inner_text()
    landlords = cards.nth(5).get_by_test_id("status").inner_text()
    assert "Violations issued on non-owner-occupied units" in landlords
    assert "no baseline year is set" in landlords
    assert "Root causes" in cards.nth(6).inner_text()
    root_causes = cards.nth(6).get_by_test_id("status").inner_text()
    assert "module is running but has no figures yet" in root_causes  # every module is built
    assert page.get_by_test_id("homicide-target").inner_text() == "184 or fewer a year"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)


def test_a_commitment_page_opens_from_the_home_page(live_server, page):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Use-of-force transparency").click()
    page.wait_for_url("**/commitments/use-of-force/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Commitment 9: Use-of-force transparency"
    )


def test_staff_sign_in_through_the_form(live_server, ines_inspector, page):
    page.goto(live_server.url + "/staff/")
    assert "/staff/login/" in page.url
    page.get_by_label("Username").fill("ines")
    page.get_by_label("Password").fill("correct horse battery 1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    assert "Building inspector" in page.get_by_test_id("roles").inner_text()
    page.get_by_role("button", name="Sign out ines").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("link", name="Staff sign-in").is_visible()


def _sign_in(page, live_server, username, then):
    """Sign in on the staff login page and land on `then`."""
    page.goto(live_server.url + f"/staff/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery 1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{then}")


@pytest.fixture
def sue_supervisor():
    from safercity.core.roles import Role

    return make_user("sue", Role.SUPERVISOR_911)


def test_a_supervisor_makes_a_staffing_plan_in_the_browser(live_server, sue_supervisor, page):
    _sign_in(page, live_server, "sue", "/staff/staffing/")
    page.get_by_label("Use the demo city's 911 history").check()
    page.get_by_role("button", name="Make the plan").click()
    hours = page.get_by_test_id("staff-hours")
    hours.wait_for(timeout=60_000)
    assert int(hours.inner_text()) > 0
    assert page.locator("#result svg").count() == 3
    assert page.url.endswith("/staff/staffing/"), "HTMX swapped the result in place"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staffing.png"), full_page=True)


def test_a_staff_form_sent_with_mistakes_shows_them_in_place(live_server, sue_supervisor, page):
    _sign_in(page, live_server, "sue", "/staff/staffing/")
    page.get_by_role("button", name="Make the plan").click()  # nothing chosen
    problem = page.locator("#plan-form .errorlist.nonfield")
    problem.wait_for()
    assert "Choose a call history file" in problem.inner_text()
    assert page.locator("header.site").count() == 1, "the page was not replaced"
    assert page.evaluate("document.activeElement.classList.contains('nonfield')")
    page.get_by_label("Use the demo city's 911 history").check()
    page.locator("#id_week_start").fill("2026-03-03")  # a Tuesday
    page.get_by_role("button", name="Make the plan").click()
    page.locator("#id_week_start_error").wait_for()
    assert "starts on a Monday" in page.locator("#id_week_start_error").inner_text()
    assert page.evaluate("document.activeElement.id") == "id_week_start"
    described = page.locator("#id_week_start").get_attribute("aria-describedby") or ""
    assert "id_week_start_error" in described
    assert page.get_by_label("Use the demo city's 911 history").is_checked(), "nothing lost"


def test_a_resident_reports_by_clicking_the_map(live_server, demo_city, page):
    page.goto(live_server.url + "/311/")
    page.get_by_role("link", name="Street light out").click()
    page.wait_for_url("**/311/report/STREETLIGHT/")
    page.locator("#map path.hood").first.wait_for(timeout=15_000)
    page.locator("#map").click()  # the middle of the city
    assert page.locator("#id_lat").input_value() != ""
    assert page.locator("#chosen").inner_text() != ""
    page.get_by_label("What is wrong?").fill("The light at the corner is out")
    page.get_by_role("button", name="Send the report").click()
    thanks = page.get_by_test_id("thanks")
    thanks.wait_for()
    assert "Your request number is" in thanks.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "311-status.png"), full_page=True)


def test_a_resident_sets_the_map_point_from_the_keyboard(live_server, demo_city, page):
    page.goto(live_server.url + "/311/report/STREETLIGHT/")
    page.locator("#map path.hood").first.wait_for(timeout=15_000)
    # The map is one tab stop after the address field (its shapes are not tab stops).
    page.get_by_label("Address").focus()
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
        if stops[-1] == "map":
            break
    assert stops[-1] == "map", stops
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('id_lat').value !== ''")
    assert "Point set on the map" in page.locator("#chosen").inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#map").screenshot(path=str(SCREENSHOTS / "311-report-map.png"))
    # From the map, the rest of the form and "Send" are a few presses away, not 110.
    presses = 0
    while presses < 25:
        page.keyboard.press("Tab")
        presses += 1
        if page.evaluate("document.activeElement.textContent.trim()") == "Send the report":
            break
    assert presses < 15
    page.keyboard.press("Enter")
    page.get_by_test_id("thanks").wait_for()


@pytest.fixture
def published_crime(settings, tmp_path):
    from django.core.management import call_command

    from safercity.core.actors import command_actor
    from safercity.crime.services import legacy_import
    from tests.conftest import shared_data

    settings.VAR_DIR = tmp_path
    hoods = shared_data("boundaries", "geocrime_stl_pkg", "stl_neighborhoods.geojson")
    call_command("geo_import", "neighborhoods", str(hoods), verbosity=0)
    folder = shared_data("slmpd", "legacy", "2019")
    files = [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.csv"))[:3]]
    legacy_import(actor=command_actor("tests"), files=files)
    call_command("crime_publish", verbosity=0)


@pytest.mark.realdata
def test_the_crime_hot_spot_map_draws_the_hexagons(live_server, published_crime, page):
    page.goto(live_server.url + "/crime/")
    hexagons = page.locator("#hotspots path.leaflet-interactive")
    hexagons.first.wait_for(timeout=15_000)
    violent = hexagons.count()
    page.select_option("#hotspot-group", "property")
    page.wait_for_timeout(300)
    assert violent > 20 and hexagons.count() != violent
    page.select_option("#hotspot-unit", "neighborhoods")
    page.wait_for_timeout(300)
    assert 70 < hexagons.count() < 100, "one shape per neighborhood"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "crime.png"), full_page=True)


@pytest.fixture
def plu_worklist(demo_city):
    from safercity.core.roles import Role
    from safercity.properties.models import Case, Parcel
    from tests.conftest import make_user

    make_user("ines", Role.INSPECTOR)
    Parcel.objects.update(score=0)
    worst = Parcel.objects.filter(occupancy="non_owner", units__gt=0).order_by("pk").first()
    Case.objects.filter(parcel=worst).delete()
    Parcel.objects.filter(pk=worst.pk).update(score=42.5)
    return worst


def test_an_inspector_works_the_problem_landlord_queue(live_server, plu_worklist, page):
    _sign_in(page, live_server, "ines", "/staff/properties/")
    queue = page.get_by_test_id("plu-queue")
    assert plu_worklist.site_address in queue.inner_text()
    assert queue.get_by_test_id("score").first.inner_text() == "42.5"
    queue.get_by_role("button", name="Open a case").first.click()
    page.wait_for_url("**/staff/properties/cases/*/")
    # Opened by the unit, not by a complaint: the case says so.
    assert page.get_by_test_id("case-state").inner_text().startswith("Opened by the Problem")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_test_id("case-state").filter(has_text="Inspection scheduled").wait_for()
    page.get_by_label("Ordinance section 1").fill("25.32.020")
    page.get_by_label("Violation 1").fill("No heat supplied to a rental unit")
    page.get_by_label("Severity 1").fill("3")
    page.get_by_role("button", name="Record").click()
    page.get_by_test_id("case-state").filter(has_text="Violations found").wait_for()
    assert "No heat supplied" in page.get_by_test_id("violations").inner_text()
    page.get_by_role("button", name="Send the notice of violation").click()
    page.get_by_test_id("case-state").filter(has_text="Notice sent").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "plu-case.png"), full_page=True)


def test_the_api_docs_work_offline_from_bundled_assets(live_server, page):
    """Swagger UI comes from this server's static files: no request leaves it."""
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(live_server.url + "/open311/v2/docs")
    page.locator(".swagger-ui .info .title").wait_for(timeout=15_000)
    assert "GeoReport" in page.locator(".swagger-ui .info .title").inner_text()
    assert outside == []
