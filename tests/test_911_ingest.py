"""911 call events: stored once, durable, out of order, and every abandoned call called back."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from safercity.core.audit import audit_verify
from safercity.core.roles import Role
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.models import Call, Callback, CallEvent, Position
from safercity.emergency.services import (
    CallbackTaken,
    CallEventIn,
    EventInvalid,
    callback_claim,
    callback_record,
    event_ingest,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
CTI = PHONE_SYSTEM


def event(event_id, call_id, kind, seconds, **extra):
    return CallEventIn(
        event_id=event_id, call_id=call_id, kind=kind, at=T0 + timedelta(seconds=seconds), **extra
    )


def test_a_call_is_built_from_its_events_and_answer_time_runs_from_arrival():
    event_ingest(
        actor=CTI, event=event("e1", "c1", "offered", 0, ani="3145550100", ali="1200 MARKET ST")
    )
    event_ingest(actor=CTI, event=event("e2", "c1", "answered", 3, by_attendant=True))
    event_ingest(actor=CTI, event=event("e3", "c1", "answered", 12, position="P4"))
    event_ingest(actor=CTI, event=event("e4", "c1", "released", 95))
    call = Call.objects.get(call_id="c1")
    assert call.state == Call.State.RELEASED
    assert call.answer_seconds == 12, "the automated attendant does not stop the clock"
    assert (call.answered_by, call.ani, call.ali) == ("P4", "3145550100", "1200 MARKET ST")
    assert audit_verify().ok


def test_the_same_event_twice_is_stored_once():
    first, new, _ = event_ingest(actor=CTI, event=event("e1", "c1", "offered", 0))
    again, new_again, _ = event_ingest(actor=CTI, event=event("e1", "c1", "offered", 0))
    assert (new, new_again) == (True, False)
    assert first.pk == again.pk and CallEvent.objects.count() == 1


def test_events_out_of_order_give_the_same_call():
    event_ingest(actor=CTI, event=event("e3", "c2", "released", 60))
    event_ingest(actor=CTI, event=event("e2", "c2", "answered", 9, position="P1"))
    event_ingest(actor=CTI, event=event("e1", "c2", "offered", 0))
    call = Call.objects.get(call_id="c2")
    assert call.answer_seconds == 9 and call.state == Call.State.RELEASED


def test_every_abandoned_call_gets_a_callback_due_within_the_deadline(settings):
    settings.SAFERCITY_CALLBACK_DEADLINE_S = 300
    event_ingest(actor=CTI, event=event("e1", "c3", "offered", 0, ani="3145550123"))
    event_ingest(actor=CTI, event=event("e2", "c3", "abandoned", 40))
    callback = Callback.objects.get(call__call_id="c3")
    assert callback.due_at == T0 + timedelta(seconds=340)
    assert callback.outcome == Callback.Outcome.OPEN
    event_ingest(actor=CTI, event=event("e3", "c3", "abandoned", 41))
    assert Callback.objects.count() == 1


def test_a_call_taker_records_each_callback_attempt():
    event_ingest(actor=CTI, event=event("e1", "c4", "offered", 0))
    event_ingest(actor=CTI, event=event("e2", "c4", "abandoned", 5))
    callback = Callback.objects.get()
    carl = make_user("carl", Role.CALL_TAKER)
    with pytest.raises(CallbackTaken, match="claim"):
        callback_record(actor=carl, callback=callback, outcome="reached")
    callback_claim(actor=carl, callback=callback)
    callback_record(actor=carl, callback=callback, outcome="no_answer", notes="voicemail")
    callback_claim(actor=carl, callback=callback)
    done = callback_record(actor=carl, callback=callback, outcome="reached", notes="pocket dial")
    assert (done.attempts, done.outcome, done.completed_by) == (2, "reached", "carl")
    assert done.notes == "voicemail\npocket dial"
    with pytest.raises(PermissionDenied):
        callback_record(
            actor=make_user("ines", Role.INSPECTOR), callback=callback, outcome="reached"
        )
    with pytest.raises(ValueError, match="outcome"):
        callback_record(actor=carl, callback=callback, outcome="open")


def test_two_call_takers_never_call_the_same_person_back(settings):
    event_ingest(actor=CTI, event=event("e1", "c4", "offered", 0))
    event_ingest(actor=CTI, event=event("e2", "c4", "abandoned", 5))
    callback = Callback.objects.get()
    carl, cora = make_user("carl", Role.CALL_TAKER), make_user("cora", Role.CALL_TAKER)
    callback_claim(actor=carl, callback=callback)
    with pytest.raises(CallbackTaken, match="carl is calling back"):
        callback_claim(actor=cora, callback=callback)
    with pytest.raises(CallbackTaken, match="carl is calling back"):
        callback_record(actor=cora, callback=callback, outcome="reached")
    callback_record(actor=carl, callback=callback, outcome="no_answer")
    callback_claim(actor=cora, callback=callback)  # the next attempt is anyone's
    settings.SAFERCITY_CALLBACK_CLAIM_S = 0  # a claim left untouched lapses
    callback_claim(actor=carl, callback=callback)
    settings.SAFERCITY_CALLBACK_CLAIM_S = 600
    callback_record(actor=carl, callback=callback, outcome="reached")
    with pytest.raises(CallbackTaken, match="already done by carl"):
        callback_claim(actor=cora, callback=callback)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"kind": "ringing"}, "kind must be one of"),
        ({"event_id": " "}, "required"),
        ({"line": "sms"}, "line must be"),
        ({"kind": "answered"}, "names the position"),
    ],
)
def test_unusable_events_are_refused_with_a_reason(fields, words):
    values = {"event_id": "e1", "call_id": "c1", "kind": "offered", "at": T0, **fields}
    with pytest.raises(EventInvalid, match=words):
        event_ingest(actor=CTI, event=CallEventIn(**values))
    assert not CallEvent.objects.exists()


def test_the_api_needs_the_key_and_answers_duplicates_without_change(client, settings):
    settings.SAFERCITY_CTI_KEY = "k" * 32
    body = {"event_id": "e1", "call_id": "c1", "kind": "offered", "at": T0.isoformat()}
    assert client.post("/api/911/events", body, content_type="application/json").status_code == 401
    headers = {"HTTP_X_CTI_KEY": "k" * 32}
    first = client.post("/api/911/events", body, content_type="application/json", **headers)
    again = client.post("/api/911/events", body, content_type="application/json", **headers)
    assert (first.status_code, again.status_code) == (201, 200)
    routing = {"call_id": "c1", "state": "waiting", "position": None}
    routing |= {"assigned_at": None, "partner": None}
    assert again.json() == {
        "event_id": "e1",
        "call_id": "c1",
        "duplicate": True,
        "call": routing,
        "routed": [],
    }
    bad = client.post(
        "/api/911/events",
        {**body, "event_id": "e2", "at": "noon"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400 and "at" in bad.json()["detail"]
    naive = client.post(
        "/api/911/events",
        {**body, "event_id": "e3", "at": "2026-11-24T18:00:00"},
        content_type="application/json",
        **headers,
    )
    assert naive.status_code == 400 and "time zone" in naive.json()["detail"]
    garbage = client.post(
        "/api/911/events", "{not json", content_type="application/json", **headers
    )
    assert garbage.status_code == 400


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_deliveries_of_one_event_store_it_once():
    results = []

    def deliver():
        try:
            results.append(event_ingest(actor=CTI, event=event("same", "c9", "offered", 0))[1])
        finally:
            connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(results) == [False, False, False, True]
    assert CallEvent.objects.count() == 1 and Call.objects.count() == 1


def test_call_takers_work_the_callback_list(client):
    event_ingest(actor=CTI, event=event("o1", "c1", "offered", 0, ani="3145550199"))
    event_ingest(actor=CTI, event=event("x1", "c1", "abandoned", 8))
    callback = Callback.objects.get()
    client.force_login(make_user("carl", Role.CALL_TAKER))
    page = client.get("/staff/911/callbacks/").content.decode()
    assert "3145550199" in page and "overdue" in page
    assert "Choose the outcome" not in page, "no outcome form before the callback is claimed"
    claimed = client.post(f"/staff/911/callbacks/{callback.pk}/claim/", HTTP_HX_REQUEST="true")
    assert "Choose the outcome" in claimed.content.decode()
    row = client.post(
        f"/staff/911/callbacks/{callback.pk}/",
        {"outcome": "no_answer", "notes": "rang out"},
        HTTP_HX_REQUEST="true",
    )
    assert row.status_code == 200 and "<tr" in row.content.decode()
    client.post(f"/staff/911/callbacks/{callback.pk}/claim/")
    client.post(f"/staff/911/callbacks/{callback.pk}/", {"outcome": "reached"})
    assert "3145550199" not in client.get("/staff/911/callbacks/").content.decode()
    refused = client.post(f"/staff/911/callbacks/{callback.pk}/", {"outcome": "maybe"})
    page = refused.content.decode()
    assert refused.status_code == 400 and '<header class="site">' in page, "in the site's layout"
    assert 'role="alert"' in page and 'href="/staff/911/callbacks/"' in page, "and the way back"
    client.force_login(make_user("ines", Role.INSPECTOR))
    assert client.get("/staff/911/callbacks/").status_code == 403


def test_the_phone_system_learns_where_each_call_rings(client, settings):
    """The CTI contract: the event's answer names the position; polling shows the same."""
    settings.SAFERCITY_CTI_KEY = "k" * 32
    settings.SAFERCITY_WRAP_UP_S = 0
    headers = {"HTTP_X_CTI_KEY": "k" * 32}
    Position.objects.create(name="P1", state="ready")

    def post(event_id, call_id, kind, **extra):
        body = {"event_id": event_id, "call_id": call_id, "kind": kind}
        body |= {"at": timezone.now().isoformat(), **extra}
        return client.post("/api/911/events", body, content_type="application/json", **headers)

    first = post("o1", "c1", "offered").json()
    assert first["call"]["position"] == "P1" and first["routed"][0]["call_id"] == "c1"
    assert post("o2", "c2", "offered").json()["call"]["position"] is None, "P1 is ringing"
    rows = client.get("/api/911/assignments", **headers).json()
    assert [(r["call_id"], r["position"]) for r in rows] == [("c1", "P1"), ("c2", None)]
    post("a1", "c1", "answered", position="P1")
    released = post("r1", "c1", "released").json()
    assert [(r["call_id"], r["position"]) for r in released["routed"]] == [("c2", "P1")]
    assert client.get("/api/911/calls/c2", **headers).json()["position"] == "P1"
    assert client.get("/api/911/calls/nope", **headers).status_code == 404
    [position] = client.get("/api/911/positions", **headers).json()
    assert position["name"] == "P1" and position["state"] == "ready"
    assert client.get("/api/911/assignments").status_code == 401
