"""Offered call to the call-taker's screen: the time from the phone system's event to the
caller's number on the workstation, in headless Chromium, through the production server.

    .venv/bin/python bench/desk.py [--calls 40] [--only sqlite|postgres]

Setup (not timed): a fresh database (SQLite, or a durable throwaway PostgreSQL server), one
call-taker signed in at position P1 and ready, gunicorn as in production. Each round posts an
`offered` event to /api/911/events, waits until the number is on the page (the page asks every
500 ms and hears 204 while nothing changed), then answers and releases the call from the page.
Baseline in the same run: the event POST alone (the routing write, without the screen).
The target is under 1 s; the expected figure is about half the poll interval plus the POST.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import gunicorn  # noqa: E402

KEY = "bench-cti-" + "k" * 30
SHOWN = "n => (document.querySelector('[data-testid=ani]') || {}).textContent === n"
SETUP = """
from safercity.core.roles import Role
from django.contrib.auth.models import Group, User
from safercity.emergency.models import Position
user = User.objects.create_user("carl", password="bench-password-1")
user.groups.add(Group.objects.get(name=Role.CALL_TAKER.value))
Position.objects.create(name="P1")
"""


def _safercity(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(ROOT / ".venv" / "bin" / "safercity"), *args], env=env, check=True,
                   capture_output=True)  # fmt: skip


def _post(base: str, n: int) -> float:
    body = {"event_id": f"bench-o{n}", "call_id": f"bench-{n}", "kind": "offered",
            "at": datetime.now(UTC).isoformat(), "ani": f"31455{n:05d}"}  # fmt: skip
    request = urllib.request.Request(  # noqa: S310 - the bench's own server
        f"{base}/api/911/events", data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-CTI-Key": KEY},
    )  # fmt: skip
    begun = time.perf_counter()
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert json.load(answer)["call"]["position"] == "P1"
    return time.perf_counter() - begun


def run(backend: str, calls: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFERCITY_", "DJANGO_"))}
        env.update(
            DEBUG="0", SECRET_KEY="bench-only-" + "x" * 50, SAFERCITY_VAR=folder,
            DJANGO_SETTINGS_MODULE="safercity.settings", LOG_LEVEL="ERROR",
            SAFERCITY_ACCESS_LOG="/dev/null", ALLOWED_HOSTS="127.0.0.1",
            SAFERCITY_CTI_KEY=KEY, SAFERCITY_WRAP_UP_S="0",
        )  # fmt: skip
        server = None
        if backend == "postgres":
            from tests.pgserver import PostgresServer

            server = PostgresServer.start(durable=True)
            env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{server.port}/postgres"
        try:
            _safercity(env, "migrate", "--noinput", "-v", "0")
            _safercity(env, "collectstatic", "--noinput", "-v", "0")
            _safercity(env, "shell", "-v", "0", "-c", SETUP)
            with gunicorn(env) as base:
                shown, posted = _rounds(sync_playwright, base, calls)
        finally:
            if server:
                server.stop()
    shown.sort()
    p95 = shown[int(0.95 * (len(shown) - 1))]
    post = statistics.median(posted)
    print(
        f"| {backend} | {calls} offered calls | on screen p50 {statistics.median(shown):.0f} ms, "
        f"p95 {p95:.0f} ms, max {shown[-1]:.0f} ms | event POST alone p50 {post * 1000:.0f} ms |"
    )


def _rounds(sync_playwright: object, base: str, calls: int) -> tuple[list[float], list[float]]:
    shown, posted = [], []
    with sync_playwright() as playwright:  # type: ignore[operator]
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page()
        page.goto(f"{base}/staff/login/?next=/staff/911/")
        page.get_by_label("Username").fill("carl")
        page.get_by_label("Password").fill("bench-password-1")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/staff/911/")
        page.get_by_role("button", name="Sign in to P1").click()
        page.get_by_role("button", name="Ready", exact=True).click()
        page.get_by_text("Waiting for the next call").wait_for()
        for n in range(calls):
            page.wait_for_timeout(137 * (n % 4))  # land at different points of the poll cycle
            begun = time.perf_counter()
            posted.append(_post(base, n))
            # Checked every animation frame (a locator's wait polls only every 500 ms).
            page.wait_for_function(SHOWN, arg=f"31455{n:05d}", polling="raf", timeout=5000)
            shown.append((time.perf_counter() - begun) * 1000)
            page.get_by_role("button", name="Answer").click()
            page.get_by_role("button", name="Release the call").click()
            page.get_by_text("Waiting for the next call").wait_for()  # no wrap-up here
        browser.close()
    return shown, posted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print("| database | load | offered to on screen | baseline |")
    print("|---|---|---|---|")
    for backend in [args.only] if args.only else ["sqlite", "postgres"]:
        run(backend, args.calls)


if __name__ == "__main__":
    main()
