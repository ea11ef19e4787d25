"""The production mode as an operator runs it: DEBUG off, gunicorn, whitenoise, the shared
cache, and `check --deploy` clean. The server is a real gunicorn on this machine."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port, fresh_postgres_database, wait_for_port

BIN = Path(sys.executable).parent


def _production_env(var: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFERCITY_", "DJANGO_")) and key not in {"DATABASE_URL", "DEBUG"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        SAFERCITY_AUDIT_KEY=secrets.token_urlsafe(48),
        SAFERCITY_VAR=str(var),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="safercity.settings",
    )
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "safercity"), *args], env=env, capture_output=True, text=True, timeout=300
    )


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http only)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production(tmp_path_factory, django_db_setup):
    var = tmp_path_factory.mktemp("prod-var")
    env = _production_env(var)
    url = fresh_postgres_database("production")
    if url:
        env["DATABASE_URL"] = url
    for step in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        done = _run(env, *step)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "python:safercity.gunicorn", "safercity.wsgi"],
        env={
            **env,
            "SAFERCITY_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "SAFERCITY_ACCESS_LOG": str(var / "access.log"),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_port(port, process=server)
    yield base, env, var, url
    server.terminate()
    server.wait(timeout=30)


def test_the_scorecard_and_its_stylesheet_come_from_the_production_server(production):
    base, *_ = production
    status, _, body = _get(f"{base}/")
    page = body.decode()
    assert status == 200 and "Scorecard" in page
    [css] = re.findall(r'href="(/static/safercity/site\.[0-9a-f]{12}\.css)"', page)
    status, headers, body = _get(base + css)
    assert status == 200 and headers["Content-Type"].startswith("text/css") and body
    assert "immutable" in headers.get("Cache-Control", ""), "hashed names are cached for good"


def test_the_open311_api_answers_through_the_production_server(production):
    base, *_ = production
    status, headers, body = _get(f"{base}/open311/v2/services.json")
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert json.loads(body) == []
    status, _, body = _get(f"{base}/open311/v2/requests/nope.json")
    assert status == 404 and json.loads(body)[0]["code"] == 404


def test_the_access_log_keeps_no_address_or_device_of_anyone_on_the_tip_line(production):
    base, _, var, _ = production
    for path in ("/tips/", "/tips/follow/", "/311/"):
        agent = {"User-Agent": "TipsterPhone/1.0"}
        request = urllib.request.Request(base + path, headers=agent)  # noqa: S310 (http only)
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (http only)
            assert response.status == 200
    # gunicorn writes the line after the answer has gone: wait a moment for the last one.
    deadline = time.monotonic() + 10
    while True:
        lines = (var / "access.log").read_text().splitlines()
        tips = [line for line in lines if "GET /tips/" in line]
        others = [line for line in lines if "GET /311/ " in line]
        if (len(tips), len(others)) == (2, 1) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    [other] = others
    assert len(tips) == 2
    assert all("127.0.0.1" not in line and "TipsterPhone" not in line for line in tips)
    assert "127.0.0.1" in other and "TipsterPhone" in other  # the rest of the site as before


def test_a_missing_page_is_the_sites_own_404_not_a_debug_page(production):
    base, *_ = production
    status, _, body = _get(f"{base}/no-such-page/")
    assert status == 404 and b"Traceback" not in body and b"URLconf" not in body


def test_only_published_photos_are_served_and_only_as_images(production):
    base, _, var, _ = production
    media = var / "media" / "311"
    media.mkdir(parents=True, exist_ok=True)
    # Files nobody published (dropped in the folder, or waiting for review): never served.
    (media / "photo.html").write_bytes(b"GIF89a<script>alert(1)</script>")
    (media / "page.jpg").write_bytes(b"<html><script>alert(1)</script></html>")
    assert _get(f"{base}/media/311/photo.html")[0] == 404
    assert _get(f"{base}/media/311/page.jpg")[0] == 404
    assert _get(f"{base}/media/%2e%2e/%2e%2e/etc/passwd")[0] == 404
    assert _get(f"{base}/media/other/x.jpg")[0] == 404, "a folder no app vouches for"


def test_the_deployment_checklist_is_clean_with_the_documented_settings(production):
    _, env, *_ = production
    secure = {
        **env,
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "SECURE_COOKIES": "1",
    }
    done = _run(secure, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr


def test_workers_keep_their_database_connection_between_requests(production):
    base, _, _, url = production
    if url is None:
        pytest.skip("connections are counted on the PostgreSQL leg")
    import psycopg

    for _ in range(20):
        assert _get(f"{base}/open311/v2/services.json")[0] == 200
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        [(open_connections,)] = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]
        ).fetchall()
    # Two gunicorn workers: at most one connection each, kept after the requests ended
    # (with SAFERCITY_CONN_MAX_AGE=0 every request would open and close its own).
    assert 1 <= open_connections <= 2


def test_a_command_from_a_second_shell_finds_the_development_settings(tmp_path):
    env = _production_env(tmp_path)
    del env["DEBUG"], env["SECRET_KEY"]
    without = _run(env, "check")
    assert without.returncode != 0 and "Set SECRET_KEY" in without.stderr
    (tmp_path / "local.env").write_text(f"DEBUG=1\nSECRET_KEY={secrets.token_urlsafe(50)}\n")
    assert _run(env, "check").returncode == 0
