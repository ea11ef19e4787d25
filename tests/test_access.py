"""Accessibility in the suite: axe-core (the engine Deque publishes, bundled by
axe-playwright-python) checks every page a visitor or a member of staff can reach by following
links on the demo city, in real Chromium; serious and critical violations fail.

The other browser tests check the page each one ends on the same way (conftest's `page`), so
the states that only an interaction reaches, such as a form shown again with its errors, are
checked too."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest

from safercity.core.roles import Role
from tests.access import NOT_FOLLOWED, page_kind, seeds, violations_on
from tests.conftest import make_user

# Like every live-server test here: the database is flushed after each test and what the
# migrations made (roles, content types) restored, so the tests after these still find them.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
LIMIT = 120  # pages per visitor; the demo's lists make many detail pages of the same kind


def _crawl(page, live_server, seeds: list[str]) -> dict[str, list[str]]:
    queue, seen_kinds, found = list(seeds), set(), {}
    while queue and len(found) < LIMIT:
        path = queue.pop(0)
        kind = page_kind(path)
        if kind in seen_kinds:
            continue
        seen_kinds.add(kind)
        first = page.request.get(live_server.url + path, max_redirects=0)
        if first.status == 405 and path in seeds:
            continue  # an address that only takes a form's POST
        if first.status >= 400:
            found[path] = [f"answered {first.status}"]
            continue
        if first.status >= 300 or "text/html" not in first.headers.get("content-type", ""):
            continue  # sent elsewhere (the sign-in page, checked under its own address), or a file
        if not first.text().lstrip().lower().startswith("<!doctype html"):
            continue  # a fragment htmx swaps into a page (the board's poll), checked in its page
        response = page.goto(live_server.url + path)
        assert response is not None and response.ok, path
        page.wait_for_load_state("networkidle")
        found[path] = violations_on(page)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            url = urlsplit(urldefrag(href)[0])
            if url.netloc != urlsplit(live_server.url).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            # Downloads (data.csv, map.geojson, ...) are files, not pages.
            if "." in url.path.rsplit("/", 1)[-1] or url.path.startswith(NOT_FOLLOWED):
                continue
            if page_kind(url.path) not in seen_kinds:
                queue.append(target)
    return found


@pytest.fixture
def everyone():
    return make_user("eve", *Role)


def _report(found: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{path}: {problem}" for path, problems in found.items() for problem in problems
    )


@pytest.fixture
def status_page(demo_history) -> str:
    """A resident's status page (its address is the resident's own, linked from nowhere)."""
    from safercity.service311.models import ServiceRequest

    request = ServiceRequest.objects.exclude(lat=None).order_by("pk").first()
    assert request is not None
    return f"/311/requests/{request.token}/"


def test_every_public_page_passes_axe(live_server, status_page, page):
    public = [path for path in seeds("/") if not path.startswith("/staff/")]
    found = _crawl(page, live_server, ["/", status_page, *public])
    assert status_page in found
    assert len(found) >= 10, f"the crawl reached only {sorted(found)}"
    assert not any(found.values()), _report(found)


def test_every_staff_page_passes_axe(live_server, demo_history, everyone, page):
    page.goto(live_server.url + "/staff/login/?next=/staff/")
    page.get_by_label("Username").fill("eve")
    page.get_by_label("Password").fill("correct horse battery 1")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/staff/")
    found = _crawl(page, live_server, ["/staff/", *seeds("/staff/")])
    staff_pages = [path for path in found if path.startswith("/staff/")]
    assert len(staff_pages) >= 15, f"the crawl reached only {sorted(found)}"
    assert not any(found.values()), _report(found)
