import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from safercity.accountability.commitments import COMMITMENTS
from safercity.accountability.models import Parameter
from safercity.accountability.registry import Figure, register, scorecard
from safercity.accountability.selectors import homicide_goal
from safercity.accountability.services import parameter_set
from safercity.core.models import AuditEntry
from safercity.core.roles import Role, role_required
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_public_home_page_lists_the_ten_commitments_with_measure_and_target(client):
    response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert len(COMMITMENTS) == 10
    for commitment in COMMITMENTS:
        assert escape(commitment.title) in page
        assert escape(commitment.measure) in page
        assert escape(commitment.target) in page


def test_commitments_whose_module_is_not_built_say_so_plainly(client):
    from safercity.accountability.registry import module_installed

    page = client.get("/").content.decode()
    unbuilt = [c for c in COMMITMENTS if not module_installed(c.module)]
    assert page.count("Not built yet") == len(unbuilt)  # none now: every module is built
    for commitment in unbuilt:
        assert f"the {commitment.module_name} module is planned" in page


def test_the_homicide_goal_shows_the_sourced_baseline_and_a_30_percent_cut(client):
    goal = homicide_goal()
    assert goal is not None
    assert goal.baseline.value == 263
    assert goal.target == 184  # 263 x 0.7 = 184.1
    page = client.get("/").content.decode()
    assert "FBI Uniform Crime Reporting" in page
    assert ">263<" in page and "184 or fewer a year" in page


def test_each_commitment_has_its_own_page_and_unknown_ones_are_404(client):
    assert (
        client.get(reverse("accountability:commitment", args=["answer-all-911"])).status_code == 200
    )
    assert client.get("/commitments/no-such-thing/").status_code == 404


def test_a_running_module_shows_its_figures_and_verdict(client, monkeypatch):
    from safercity.accountability import registry

    monkeypatch.setattr(registry, "_providers", {})
    monkeypatch.setattr(registry, "module_installed", lambda label: label == "emergency")
    register(4, lambda: [Figure("Answered within 15 s", "91.2%", True, "October 2026")])
    rows = {row.commitment.number: row for row in scorecard()}
    assert rows[4].built and rows[4].figures[0].value == "91.2%"
    assert rows[8].built and rows[8].figures == []  # same module, nothing registered yet
    page = client.get("/").content.decode()
    assert "91.2%" in page and "on target" in page
    assert "is running but has no figures yet" in page


def test_the_demo_calibration_page_is_public_and_cites_sources(client):
    page = client.get("/demo/calibration/").content.decode()
    assert "301578" in page.replace(",", "")
    assert "U.S. Census Bureau" in page


def test_staff_pages_send_anonymous_visitors_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_staff_sign_in_and_see_their_roles(client):
    make_user("dana", Role.DISPATCHER, Role.SUPERVISOR_911)
    response = client.post(
        "/staff/login/", {"username": "dana", "password": "correct horse battery 1"}, follow=True
    )
    page = response.content.decode()
    assert "Signed in as dana" in page
    assert "Dispatcher" in page and "911 supervisor" in page
    assert "Administration" not in page


def test_a_wrong_password_is_refused_with_a_message(client):
    make_user("dana", Role.DISPATCHER)
    response = client.post("/staff/login/", {"username": "dana", "password": "nope"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


def test_a_view_for_one_role_refuses_staff_without_it(carl_call_taker, alice_admin):
    @role_required(Role.ANALYST)
    def analysts_only(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/x")
    request.user = carl_call_taker
    with pytest.raises(PermissionDenied):
        analysts_only(request)
    request.user = make_user("ana", Role.ANALYST)
    assert analysts_only(request).status_code == 200


def test_the_admin_site_keeps_the_audit_log_read_only(client, alice_admin):
    alice_admin.is_staff = alice_admin.is_superuser = True
    alice_admin.save()
    client.force_login(alice_admin)
    assert client.get("/admin/core/auditentry/").status_code == 200
    assert client.get("/admin/core/auditentry/add/").status_code == 403


def test_changing_a_parameter_needs_an_administrator_a_source_and_is_audited(
    alice_admin, carl_call_taker
):
    when = datetime.date(2020, 12, 31)
    with pytest.raises(PermissionDenied):
        parameter_set(
            actor=carl_call_taker,
            key="homicides_baseline_2020",
            value=Decimal(1),
            source="x",
            as_of=when,
        )
    with pytest.raises(ValueError, match="source"):
        parameter_set(
            actor=alice_admin,
            key="homicides_baseline_2020",
            value=Decimal(262),
            source=" ",
            as_of=when,
        )
    parameter_set(
        actor=alice_admin,
        key="homicides_baseline_2020",
        value=Decimal(262),
        source="FBI revised",
        as_of=when,
    )
    assert Parameter.objects.get().value == 262
    entry = AuditEntry.objects.get(action="accountability.parameter.set")
    assert entry.actor == "alice"
    assert entry.detail["before"] == "263.0000" and entry.detail["after"] == "262"


@pytest.mark.parametrize(
    "path", ["/nowhere/", "/commitments/%00/", "/staff/login/?next=//evil.example"]
)
def test_odd_urls_never_cause_a_server_error(client, path):
    assert client.get(path).status_code < 500


def test_the_calibration_page_hides_small_crime_counts_and_their_complement(client):
    page = client.get("/demo/calibration/").content.decode()
    row_16 = page.split("crimes_2019_ucr_16")[1].split("</tr>")[0]
    row_20 = page.split("crimes_2019_ucr_20")[1].split("</tr>")[0]
    row_06 = page.split("crimes_2019_ucr_06")[1].split("</tr>")[0]
    assert ">*</abbr>" in row_16 and "small count" in row_16  # 3 offenses
    assert ">*</abbr>" in row_20 and "complementary" in row_20  # 75, the next smallest
    assert "12540" in row_06.replace(",", "")


def test_role_changes_in_the_admin_are_audited(client):
    from django.contrib.auth.models import Group, User

    boss = User.objects.create_superuser("boss", password="correct horse battery 1")
    worker = make_user("wes")
    client.force_login(boss)
    analyst = Group.objects.get(name=Role.ANALYST.value)
    response = client.post(
        f"/admin/auth/user/{worker.pk}/change/",
        {
            "username": "wes",
            "is_active": "on",
            "groups": [analyst.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="staff.roles.change")
    assert entry.actor == "boss"
    assert entry.detail == {"added": ["analyst"], "removed": []}


def test_a_superuser_counts_as_an_administrator():
    from django.contrib.auth.models import User

    from safercity.core.roles import roles_of

    assert Role.ADMINISTRATOR in roles_of(User.objects.create_superuser("root2", password="x" * 12))
