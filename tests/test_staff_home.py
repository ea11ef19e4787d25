"""Each person sees the tools their roles open, a refusal explains itself, and the
administrator role runs the admin without Django's separate staff flags."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from safercity.core.models import AuditEntry
from safercity.core.navigation import TOOLS
from safercity.core.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _links(html: str) -> set[str]:
    return {tool.url for tool in TOOLS if f'href="{tool.url}"' in html}


@pytest.mark.parametrize("role", list(Role))
def test_the_staff_home_lists_exactly_the_tools_the_role_can_open(client, role):
    person = make_user(f"person-{role.value}", role)
    client.force_login(person)
    shown = _links(client.get("/staff/").content.decode())
    for tool in TOOLS:
        status = client.get(tool.url).status_code
        if tool.url in shown:
            assert status == 200, f"{role.value} is shown {tool.url} but gets {status}"
        else:
            assert status == 403, f"{role.value} can open {tool.url} but is not shown it"
    if role is not Role.PROGRAM_STAFF:
        assert shown, f"{role.value} has no tool at all"


def test_a_refused_page_says_why_and_where_to_go(client):
    client.force_login(make_user("omar", Role.AGENT_311))
    response = client.get("/staff/properties/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "SaferCity" in page and "Building inspector" in page
    assert 'href="/staff/"' in page


def test_the_administrator_role_manages_users_and_reads_the_audit_log(client):
    admin = make_user("alice", Role.ADMINISTRATOR)
    assert not admin.is_staff and not admin.is_superuser
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "permission to view or edit anything" not in index
    assert "/admin/auth/user/" in index and "/admin/core/auditentry/" in index
    assert client.get("/admin/core/auditentry/").status_code == 200
    created = client.post(
        "/admin/auth/user/add/",
        {"username": "newhire", "password1": "a long pass phrase 42", "password2":
         "a long pass phrase 42", "usable_password": "true"},
    )  # fmt: skip
    assert created.status_code == 302, created.content.decode()[:2000]
    newhire = User.objects.get(username="newhire")
    assert AuditEntry.objects.filter(action="staff.user.create", object_id=str(newhire.pk))
    form = client.get(f"/admin/auth/user/{newhire.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in form, "only a superuser makes superusers"
    assert 'name="groups"' in form


def test_other_roles_and_the_public_stay_out_of_the_admin(client):
    assert client.get("/admin/").status_code == 302
    client.force_login(make_user("ines", Role.INSPECTOR))
    assert client.get("/admin/").status_code == 302
