from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Model

from safercity.core import selectors
from safercity.core.actors import SystemActor, command_actor
from safercity.core.roles import Role

SHARED_DATA = Path(
    os.environ.get("SAFERCITY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def pytest_configure(config: pytest.Config) -> None:
    # Test users need no slow password hash; the real hashers are Django's, tested upstream.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def shared_data(*parts: str) -> Path:
    """A file from ../shared/data, or skip the test cleanly when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data not available: {path}")
    return path


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> Iterator[None]:
    """With SAFERCITY_TEST_DB=postgres (and a postgres DATABASE_URL, so Django loads the
    PostgreSQL backend), run the suite on a real server started here and stopped after."""
    wanted = os.environ.get("SAFERCITY_TEST_DB", "sqlite")
    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if wanted == "postgres" and engine != "postgresql":
        raise RuntimeError("SAFERCITY_TEST_DB=postgres needs DATABASE_URL=postgres://... too")
    if wanted != "postgres":
        yield
        return
    from tests.pgserver import PostgresServer

    server = PostgresServer.start()
    # Update in place: the connection objects share this very dict.
    database.update(USER="postgres", PASSWORD="", HOST="127.0.0.1", PORT=str(server.port))
    try:
        yield
    finally:
        server.stop()


@contextmanager
def loaded_once(django_db_blocker: Any, *made: type[Model]) -> Iterator[None]:
    """Real data loaded once for a whole test module: committed before its tests (each test's
    own transaction rolls back over it), and removed after them: the rows of `made`, in that
    order, and the audit entries the load wrote (the audit head is put back as it was)."""
    from django.db import connection

    from safercity.core.guards import install_audit_guard, remove_audit_guard
    from safercity.core.models import AuditEntry, AuditHead, Snapshot

    with django_db_blocker.unblock():
        Snapshot.objects.all().delete()  # a rollup left by an interrupted run would be served
        head = AuditHead.objects.filter(pk=1).first()
        before = (head.last_id, head.last_hash) if head else None
        last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            for model in (*made, Snapshot):
                model.objects.all().delete()
            # The load's own entries go: lift the append-only triggers just for that.
            remove_audit_guard(connection)
            AuditEntry.objects.filter(id__gt=last)._raw_delete(AuditEntry.objects.db)
            if before is None:
                AuditHead.objects.all().delete()
            else:
                AuditHead.objects.filter(pk=1).update(last_id=before[0], last_hash=before[1])
            install_audit_guard(connection)


@pytest.fixture(autouse=True)
def _audit_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every database test runs with the append-only triggers in place. After a transactional
    test Django empties every table, which the triggers rightly refuse: lift them just for that."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not (marker or {"db", "transactional_db"} & set(request.fixturenames)):
        yield
        return
    from django.db import connection

    from safercity.core.guards import install_audit_guard, remove_audit_guard

    request.getfixturevalue("transactional_db" if transactional else "db")
    install_audit_guard(connection)
    yield
    if transactional:
        remove_audit_guard(connection)


@pytest.fixture(autouse=True)
def _fresh_city_index() -> Iterator[None]:
    # Test transactions roll back, so a cached index could outlive the rows it was built from.
    selectors._cache.clear()
    yield
    selectors._cache.clear()


@pytest.fixture
def system() -> SystemActor:
    return command_actor("tests")


def make_user(username: str, *roles: Role) -> User:
    from tests.factories import UserFactory

    user: User = UserFactory(username=username, roles=list(roles))
    return user


# One named person per role (healthchecks' habit): tests read as who did what.
PERSONAS = {
    Role.ADMINISTRATOR: "alice",
    Role.CALL_TAKER: "carl",
    Role.DISPATCHER: "dina",
    Role.SUPERVISOR_911: "sofia",
    Role.AGENT_311: "omar",
    Role.INSPECTOR: "ines",
    Role.ANALYST: "ana",
    Role.PROGRAM_STAFF: "pablo",
    Role.CLINICIAN: "cleo",
    Role.OUTREACH_PARTNER: "olivia",
    Role.POLICE_PARTNER: "pete",
    Role.INTEL_ANALYST: "ivan",
    Role.INTEL_SUPERVISOR: "sara",
    Role.PARTNER_LIAISON: "lena",
    Role.COMMAND_STAFF: "cora",
    Role.POLICE_OFFICER: "owen",
    Role.POLICE_SUPERVISOR: "sam",
    Role.FORCE_INVESTIGATOR: "fia",
    Role.INTERNAL_AFFAIRS: "ira",
    Role.OVERSIGHT_LIAISON: "lou",
    Role.EQUITY_OFFICER: "eve",
    Role.PERSONNEL_STAFF: "pat",
    Role.REFERRAL_COORDINATOR: "rita",
    Role.SERVICE_PROVIDER: "paula",
}


@pytest.fixture
def personas(db: None) -> dict[Role, User]:
    """Every role's person at once (for tests that try each role in turn)."""
    return {role: make_user(name, role) for role, name in PERSONAS.items()}


@pytest.fixture
def olivia_outreach(db: None) -> User:
    return make_user("olivia", Role.OUTREACH_PARTNER)


@pytest.fixture
def pete_police(db: None) -> User:
    return make_user("pete", Role.POLICE_PARTNER)


@pytest.fixture
def alice_admin(db: None) -> User:
    return make_user("alice", Role.ADMINISTRATOR)


@pytest.fixture
def carl_call_taker(db: None) -> User:
    return make_user("carl", Role.CALL_TAKER)


@pytest.fixture
def dina_dispatcher(db: None) -> User:
    return make_user("dina", Role.DISPATCHER)


@pytest.fixture
def sofia_supervisor(db: None) -> User:
    return make_user("sofia", Role.SUPERVISOR_911)


@pytest.fixture
def omar_agent(db: None) -> User:
    return make_user("omar", Role.AGENT_311)


@pytest.fixture
def ines_inspector(db: None) -> User:
    return make_user("ines", Role.INSPECTOR)


@pytest.fixture
def ana_analyst(db: None) -> User:
    return make_user("ana", Role.ANALYST)


@pytest.fixture
def pablo_program_staff(db: None) -> User:
    return make_user("pablo", Role.PROGRAM_STAFF)


@pytest.fixture
def ivan_intel_analyst(db: None) -> User:
    return make_user("ivan", Role.INTEL_ANALYST)


@pytest.fixture
def sara_intel_supervisor(db: None) -> User:
    return make_user("sara", Role.INTEL_SUPERVISOR)


@pytest.fixture
def lena_liaison(db: None) -> User:
    return make_user("lena", Role.PARTNER_LIAISON)


# Pages in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    """A browser page, started after the database is ready.

    Playwright's sync API runs an event loop in this thread, and Django's connection handle is
    context-local: set up test data in fixtures listed before `page`, not in the test body.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        # Access is checked on the page every browser test ends on (tests/test_access.py
        # crawls the rest). A test that failed already says why; this adds nothing then.
        if page.url.startswith(live_server.url):
            from tests.access import violations_on

            problems = violations_on(page)
            browser.close()
            assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)
        else:
            browser.close()


@pytest.fixture
def demo_city(settings: Any, tmp_path: Path) -> None:
    """A small demo city (geography, addresses, services) with no history."""
    from safercity.demo.services import demo_load

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)


@pytest.fixture
def demo_history(settings: Any, tmp_path: Path) -> None:
    """A small demo city with what has happened in it: 311 requests, 911 calls, crime."""
    from safercity.demo.services import demo_load

    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    demo_load(actor=command_actor("tests"), scale=0.01, with_staff=False, histories=True)
