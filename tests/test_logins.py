"""Staff sign-in under attack: wrong passwords for one account from one address are
throttled (django-axes), the lockout is audited and an administrator can lift it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/staff/login/"
RIGHT = "correct horse battery 1"


@pytest.fixture
def dana():
    user = make_user("dana", Role.ANALYST)
    user.set_password(RIGHT)
    user.save()
    return user


def _try(client, password, username="dana", address="198.51.100.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_after_five_wrong_passwords_even_the_right_one_is_refused_for_a_while(client, dana):
    for _ in range(4):
        assert _try(client, "wrong").status_code == 200  # the form again, with its error
    locked = _try(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed sign-ins" in locked.content.decode()
    refused = _try(client, RIGHT)
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    [entry] = AuditEntry.objects.filter(action="core.login.locked_out")
    assert entry.detail == {"username": "dana", "address": "198.51.100.7"}


def test_the_lockout_holds_one_account_at_one_address_only(client, dana):
    for _ in range(5):
        _try(client, "wrong")
    colleague = make_user("erin", Role.ANALYST)
    colleague.set_password(RIGHT)
    colleague.save()
    assert _try(client, RIGHT, username="erin").status_code == 302, "a colleague in the office"
    client.logout()
    assert _try(client, RIGHT, address="203.0.113.9").status_code == 302, "dana elsewhere"


def test_the_pause_ends_after_the_cool_off_and_a_success_clears_the_count(client, dana):
    from axes.models import AccessAttempt

    for _ in range(5):
        _try(client, "wrong")
    assert _try(client, RIGHT).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )
    assert _try(client, RIGHT).status_code == 302
    client.logout()
    for _ in range(4):
        _try(client, "wrong")
    assert _try(client, RIGHT).status_code == 302, "four misses, then in: the count starts over"


def test_an_administrator_lifts_a_lockout_in_the_admin(client, dana, alice_admin):
    from axes.models import AccessAttempt

    for _ in range(5):
        _try(client, "wrong")
    attempt = AccessAttempt.objects.get()
    client.force_login(alice_admin)
    listed = client.get("/admin/axes/accessattempt/")
    assert listed.status_code == 200 and "dana" in listed.content.decode()
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert _try(client, RIGHT).status_code == 302


def test_the_admin_sign_in_is_throttled_too(client, alice_admin):
    for _ in range(5):
        client.post(
            "/admin/login/",
            {"username": alice_admin.username, "password": "wrong"},
            REMOTE_ADDR="198.51.100.8",
        )
    answer = client.post(
        "/admin/login/",
        {"username": alice_admin.username, "password": "anything"},
        REMOTE_ADDR="198.51.100.8",
    )
    assert answer.status_code == 429


def test_weak_passwords_are_refused_when_an_administrator_creates_an_account(client, alice_admin):
    client.force_login(alice_admin)
    answer = client.post(
        "/admin/auth/user/add/",
        {
            "username": "newbie",
            "password1": "password",
            "password2": "password",
            "usable_password": "true",
        },
    )
    assert answer.status_code == 200 and "too common" in answer.content.decode()
    assert not User.objects.filter(username="newbie").exists()
