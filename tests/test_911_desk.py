"""The call-taker workstation at /staff/911/: sign in, ready, the routed call appears, answer,
triage, incident, transfers and release, with the page's half-second poll."""

from datetime import timedelta

import pytest
from django.utils import timezone

from safercity.core.roles import Role
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.models import Call, CallEvent, Incident, Position
from safercity.emergency.services import CallEventIn, event_ingest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def offer(call_id, seconds_ago=1, **extra):
    at = timezone.now() - timedelta(seconds=seconds_ago)
    event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn(f"o-{call_id}", call_id, "offered", at, **extra)
    )
    return Call.objects.get(call_id=call_id)


@pytest.fixture
def carl(client):
    user = make_user("carl", Role.CALL_TAKER)
    client.force_login(user)
    return user


def post(client, url, data=None):
    return client.post(url, data or {}, HTTP_HX_REQUEST="true")


def test_a_call_taker_signs_in_goes_ready_and_works_a_call(client, carl, settings):
    settings.SAFERCITY_WRAP_UP_S = 60
    position = Position.objects.create(name="P1")
    page = client.get("/staff/911/").content.decode()
    assert "Sign in to P1" in page
    desk = post(client, f"/staff/911/desk/positions/{position.pk}/sign-in/").content.decode()
    assert "P1</strong>: not ready (signed in)" in desk
    offer("early", ani="3145550111")
    assert Call.objects.get(call_id="early").position is None, "not ready: nothing rings"
    post(client, "/staff/911/desk/state/", {"state": "ready"})
    call = Call.objects.get(call_id="early")
    assert call.position == position, "going ready takes the waiting caller at once"
    page = client.get("/staff/911/").content.decode()
    assert "3145550111" in page and "ringing" in page and ">Answer<" in page

    answered = post(client, f"/staff/911/desk/calls/{call.pk}/answer/").content.decode()
    assert "Recommend who goes" in answered
    call.refresh_from_db()
    assert call.state == "answered" and call.answered_by == "P1"
    assert CallEvent.objects.filter(call=call, kind="answered").exists(), "recorded as an event"

    triaged = post(
        client,
        f"/staff/911/desk/calls/{call.pk}/triage/",
        {"call_type": "MENTAL", "description": "my brother is not himself"},
    ).content.decode()
    assert "Eligible for a clinician" in triaged and "clinician" in triaged
    made = post(client, f"/staff/911/desk/calls/{call.pk}/incident/").content.decode()
    incident = Incident.objects.get(call=call)
    assert f"Incident {incident.pk}" in made and incident.disciplines == ["clinician"]

    post(client, f"/staff/911/desk/calls/{call.pk}/release/")
    position.refresh_from_db()
    assert position.state == "wrap_up"
    page = client.get("/staff/911/").content.decode()
    assert "The call has ended" in page, "the ended call stays on the desk during wrap-up"


def test_the_poll_says_nothing_until_something_changes(client, carl):
    position = Position.objects.create(name="P1")
    post(client, f"/staff/911/desk/positions/{position.pk}/sign-in/")
    post(client, "/staff/911/desk/state/", {"state": "ready"})
    first = client.get("/staff/911/desk/poll/", {"status": "", "work": ""}, HTTP_HX_REQUEST="true")
    html = first.content.decode()
    status = html.split('id="seen-status" name="status" value="')[1].split('"')[0]
    work = html.split('id="seen-work" name="work" value="')[1].split('"')[0]
    quiet = client.get("/staff/911/desk/poll/", {"status": status, "work": work})
    assert quiet.status_code == 204
    offer("c1", ani="3145550122")
    news = client.get("/staff/911/desk/poll/", {"status": status, "work": work})
    assert news.status_code == 200 and news["HX-Retarget"] == "#desk"
    assert "3145550122" in news.content.decode()


def test_prior_calls_from_the_number_or_address_show_on_the_desk(client, carl):
    offer("old-same-number", 3600, ani="3145550133")
    offer("old-same-place", 7200, ali="1200 MARKET ST")
    offer("old-other", 60, ani="3145550999")
    offer("too-old", 90_000, ani="3145550133")
    Call.objects.update(state="released", released_at=timezone.now())
    position = Position.objects.create(name="P1")
    post(client, f"/staff/911/desk/positions/{position.pk}/sign-in/")
    post(client, "/staff/911/desk/state/", {"state": "ready"})
    offer("now", ani="3145550133", ali="1200 Market St", lat=38.6270, lon=-90.1994)
    page = client.get("/staff/911/").content.decode()
    prior = page.split('data-testid="prior-calls"')[1].split("</ul>")[0]
    assert prior.count("<li>") == 2
    assert "(same number)" in prior and "(same address)" in prior
    assert 'class="call-map map"' in page


def test_a_routine_concern_goes_to_311_and_the_call_is_transferred(client, carl, settings):
    from tests.factories import ServiceFactory

    ServiceFactory(service_code="NOISE", service_name="Noise")
    position = Position.objects.create(name="P1")
    post(client, f"/staff/911/desk/positions/{position.pk}/sign-in/")
    post(client, "/staff/911/desk/state/", {"state": "ready"})
    call = offer("noise", ani="3145550144", lat=38.61, lon=-90.25)
    post(client, f"/staff/911/desk/calls/{call.pk}/answer/")
    page = post(
        client, f"/staff/911/desk/calls/{call.pk}/triage/", {"call_type": "NOISE"}
    ).content.decode()
    assert "311 request" in page
    post(client, f"/staff/911/desk/calls/{call.pk}/transfer/", {"to": "311"})
    call.refresh_from_db()
    assert call.state == "transferred" and call.transferred_to == "311 city services"


def test_the_desk_refuses_what_cannot_be_done_and_says_why(client, carl):
    position = Position.objects.create(name="P1")
    other = Position.objects.create(name="P2", state="ready", staffed_by="cora")
    refused = post(client, f"/staff/911/desk/positions/{other.pk}/sign-in/").content.decode()
    assert "P2 is staffed by cora" in refused
    post(client, f"/staff/911/desk/positions/{position.pk}/sign-in/")
    not_ready = post(client, "/staff/911/desk/state/", {"state": "not_ready", "reason": "nap"})
    assert "say why" in not_ready.content.decode()
    cora_call = offer("theirs")
    assert cora_call.position == other
    answer = post(client, f"/staff/911/desk/calls/{cora_call.pk}/answer/").content.decode()
    assert "ringing at another position" in answer
    post(client, "/staff/911/desk/state/", {"state": "ready"})
    mine = offer("mine")
    post(client, f"/staff/911/desk/calls/{mine.pk}/answer/")
    empty = post(client, f"/staff/911/desk/calls/{mine.pk}/triage/", {}).content.decode()
    assert "choose the call type" in empty
    out = post(client, "/staff/911/desk/sign-out/").content.decode()
    assert "on a call: release it" in out
    plain = client.post("/staff/911/desk/state/", {"state": "sleeping"})
    assert plain.status_code == 400, "without htmx the full page says why, as a 400"


def test_other_staff_cannot_open_the_workstation(client):
    client.force_login(make_user("ines", Role.INSPECTOR))
    assert client.get("/staff/911/").status_code == 403


def test_a_call_taker_changes_who_goes_only_with_a_reason(client, carl):
    position = Position.objects.create(name="P1")
    post(client, f"/staff/911/desk/positions/{position.pk}/sign-in/")
    post(client, "/staff/911/desk/state/", {"state": "ready"})
    call = offer("welfare")
    post(client, f"/staff/911/desk/calls/{call.pk}/answer/")
    change = {"call_type": "WELFARE", "override": "on", "disciplines": ["police", "clinician"]}
    refused = post(client, f"/staff/911/desk/calls/{call.pk}/triage/", change).content.decode()
    assert "changing who goes needs a reason" in refused
    done = post(
        client,
        f"/staff/911/desk/calls/{call.pk}/triage/",
        {**change, "override_reason": "caller's son has a history of violence"},
    ).content.decode()
    call.refresh_from_db()
    assert call.disciplines == ["police", "clinician"]
    assert "changed by carl: caller&#x27;s son has a history of violence" in done
    bad = post(
        client, f"/staff/911/desk/calls/{call.pk}/triage/", {**change, "disciplines": ["navy"]}
    )
    assert "unknown discipline" in bad.content.decode()


def test_only_a_call_that_just_ended_stays_on_the_desk(client, carl):
    position = Position.objects.create(name="P1", staffed_by="carl", state="not_ready")
    long_ago = timezone.now() - timedelta(hours=2)
    Call.objects.create(
        call_id="old", position=position, state="transferred", arrived_at=long_ago,
        answered_at=long_ago, transferred_at=long_ago, transferred_to="311 city services",
    )  # fmt: skip
    page = client.get("/staff/911/").content.decode()
    assert "Go ready to take calls." in page and "The call has ended" not in page
