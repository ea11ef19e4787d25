"""No 911 staff page answers 500 to anything: unknown or absurd record numbers, junk in every
field, the wrong method."""

import pytest

from safercity.core.roles import Role
from safercity.emergency import urls
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
JUNK = {
    "state": "\x00", "reason": "x" * 5000, "unit": "99999999999999999999999", "incident": "²",
    "status": "cleared", "disposition": "\x7f", "to": "moon", "call_type": "SHOOTING",
    "handled_by": "none", "outcome": "x", "lat": "nan", "lon": "inf", "call_sign": "",
    "name": "P\x00", "languages": "klingon!!", "discipline": "navy", "notes": "\x00",
    "override": "on", "disciplines": "police", "from": "2026-02-30", "to_date": "x", "by": "year",
    "seen": "'", "status_token": "x", "format": "csv",
}  # fmt: skip
PKS = ["0", "7", "99999999999999999999999"]


def _paths():
    for pattern in urls.urlpatterns:
        route = str(pattern.pattern)
        if "<int:pk>" in route:
            for pk in PKS:
                yield "/staff/911/" + route.replace("<int:pk>", pk)
        else:
            yield "/staff/911/" + route


@pytest.mark.parametrize("path", sorted(set(_paths())))
def test_every_911_staff_page_takes_junk_without_a_server_error(client, path):
    client.force_login(make_user("alice", Role.ADMINISTRATOR))
    for answer in (
        client.get(path, JUNK),
        client.post(path, JUNK),
        client.post(path, JUNK, HTTP_HX_REQUEST="true"),
    ):
        assert answer.status_code < 500, (path, answer.status_code)
