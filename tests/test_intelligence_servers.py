"""Two installations of SaferCity exchanging over the signed API (issue 17): two real
gunicorn servers on loopback, each with its own database, key and task worker. A request goes
from one department to the other, is answered with a record, gets its feedback; the record is
later found unreliable and the purge notice reaches the partner; both logs agree. A message
delivered twice is received once, and a forged or stale one is refused."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests

from tests.servers import free_port, fresh_postgres_database, wait_for_port

BIN = Path(sys.executable).parent


class Installation:
    def __init__(self, name: str, var: Path, key_id: str) -> None:
        self.name, self.var, self.key_id = name, var, key_id
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SAFERCITY_", "DJANGO_")) and key not in {"DATABASE_URL"}
        }
        self.env.update(
            DEBUG="1", SECRET_KEY=secrets.token_urlsafe(50), SAFERCITY_VAR=str(var),
            SAFERCITY_EXCHANGE_KEY_ID=key_id, SAFERCITY_AGENCY_NAME=name,
            ALLOWED_HOSTS="127.0.0.1,localhost", DJANGO_SETTINGS_MODULE="safercity.settings",
        )  # fmt: skip
        database = fresh_postgres_database(f"exchange_{key_id}")
        if database:
            self.env["DATABASE_URL"] = database
        self.server: subprocess.Popen[bytes] | None = None
        self.driver: subprocess.Popen[str] | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "safercity"), *args], env=self.env, capture_output=True, text=True,
            timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def python(self, code: str) -> object:
        """Run product code in this installation (as `safercity shell -c` would, in one
        process kept for the module so each step costs no start-up) and return the JSON the
        code printed last."""
        if self.driver is None:
            self.driver = subprocess.Popen(
                [sys.executable, "-u", "-c", DRIVER], env=self.env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            )  # fmt: skip
        assert self.driver.stdin and self.driver.stdout
        self.driver.stdin.write(json.dumps(textwrap.dedent(code)) + "\n")
        self.driver.stdin.flush()
        reply = json.loads(self.driver.stdout.readline())
        assert reply["ok"], reply["error"]
        return json.loads(reply["out"].strip().splitlines()[-1])

    def work(self) -> None:
        """The task worker runs what is queued (deliveries among it) and stops: the real
        command, run in the kept process."""
        self.python("""
            from django.core.management import call_command
            call_command("worker", "--batch", "--no-schedule")
            print(1)
        """)

    def start(self) -> None:
        self.server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "python:safercity.gunicorn", "safercity.wsgi"],
            env={
                **self.env,
                "SAFERCITY_BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": "1",
                "SAFERCITY_ACCESS_LOG": str(self.var / "access.log"),
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.server)

    def stop(self) -> None:
        if self.server:
            self.server.terminate()
            self.server.wait(timeout=30)

    def close(self) -> None:
        self.stop()
        if self.driver:
            self.driver.terminate()
            self.driver.wait(timeout=30)


# Reads one JSON string of Python per line, runs it with Django set up, and answers with
# what it printed (or the traceback), one JSON object per line.
DRIVER = """
import contextlib, io, json, sys, traceback
import django
django.setup()
from django.db import close_old_connections
for line in sys.stdin:
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(json.loads(line), {})
        reply = {"ok": True, "out": printed.getvalue()}
    except Exception:
        reply = {"ok": False, "out": printed.getvalue(), "error": traceback.format_exc()}
    close_old_connections()
    sys.stdout.write(json.dumps(reply) + "\\n")
    sys.stdout.flush()
"""

SETUP = """
import json
from datetime import timedelta
from django.utils import timezone
from safercity.core.actors import command_actor
from safercity.core.roles import Role
from safercity.intelligence import services
from django.contrib.auth.models import Group, User
for name, role in (("ana", Role.INTEL_ANALYST), ("sam", Role.INTEL_SUPERVISOR),
                   ("liz", Role.PARTNER_LIAISON)):
    user = User.objects.create_user(name, password=None)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
partner = services.partner_save(actor=command_actor("test"), entered=services.PartnerIn(
    name={name!r}, agreement_reference="Regional MOU 2026", binds_to_part_23=True,
    agreement_signed_on=timezone.localdate() - timedelta(days=10),
    exchange_url={url!r}, exchange_key_id={key_id!r}, exchange_public_key={pem!r}))
print(json.dumps(partner.pk))
"""


@pytest.fixture(scope="module")
def two(tmp_path_factory, django_db_setup):
    city = Installation("St. Louis Metropolitan Police Department", tmp_path_factory.mktemp("a"),
                        "slmpd")  # fmt: skip
    county = Installation("St. Louis County Police Department", tmp_path_factory.mktemp("b"),
                          "stlcopd")  # fmt: skip
    keys = {}
    for side in (city, county):
        side.run("migrate", "--noinput")
        printed = side.run("exchange_key")
        keys[side.key_id] = printed.split("\n", 1)[1].strip()
    for side, other in ((city, county), (county, city)):
        side.python(SETUP.format(name=other.name, url=other.url, key_id=other.key_id,
                                 pem=keys[other.key_id]))  # fmt: skip
        side.start()
    yield city, county
    for side in (city, county):
        side.close()


ASK = """
import json
from safercity.intelligence import rfi
from safercity.intelligence.models import Partner
from django.contrib.auth.models import User
made = rfi.request_make(actor=User.objects.get(username="ana"), entered=rfi.RequestIn(
    direction="outgoing", priority="urgent", partner=Partner.objects.get(),
    question="Who drives the grey minivan at the Natural Bridge garage sales?",
    purpose="Firearms trafficking case 26-014"))
print(json.dumps(made.pk))
"""


def test_a_request_its_answer_feedback_and_a_purge_notice_cross_between_two_installations(two):
    city, county = two
    asked = city.python(ASK)
    city.work()  # the city's worker delivers the request to the county's server
    incoming = county.python("""
        import json
        from safercity.intelligence.models import InfoRequest
        r = InfoRequest.objects.get()
        print(json.dumps([r.pk, r.direction, r.remote_reference, r.partner.name,
                          (r.due_at - r.made_at).total_seconds(), r.question]))
    """)
    assert incoming[1:] == [
        "incoming",
        str(asked),
        "St. Louis Metropolitan Police Department",
        86400.0,
        "Who drives the grey minivan at the Natural Bridge garage sales?",
    ]
    assert city.python(f"""
        import json
        from safercity.intelligence.models import InfoRequest
        print(json.dumps(InfoRequest.objects.get(pk={asked}).remote_reference))
    """) == str(incoming[0])

    # The county accepts a record and answers with it; the answer and the record reach the
    # city, and the county's dissemination log names the city.
    county.python(f"""
        import json
        from django.contrib.auth.models import User
        from safercity.intelligence import rfi, services
        from safercity.intelligence.models import InfoRequest
        ana, sam = User.objects.get(username="ana"), User.objects.get(username="sam")
        record = services.record_submit(actor=ana, entered=services.RecordIn(
            subject="Grey minivan, plate partly read 7K2", criminal_activity="Gun trafficking",
            predicate="Seen at three sales of traced guns by two officers this month",
            relevance="Ties the buyers to the garage", content="Driver known as Slim; buys weekly.",
            source_reliability="B", content_validity="2"))
        services.record_review(actor=sam, record=record,
                               answers={{k: True for k in services.CHECKLIST}})
        rfi.request_answer(actor=ana, request=InfoRequest.objects.get(pk={incoming[0]}),
            given=rfi.AnswerIn(answer="One record on the minivan.", records=[record]))
        print(json.dumps(record.pk))
    """)
    county.work()
    answered = city.python(f"""
        import json
        from safercity.intelligence.models import InfoRequest, ReceivedRecord
        r = InfoRequest.objects.get(pk={asked})
        got = ReceivedRecord.objects.get()
        print(json.dumps([r.status, r.answer, got.subject, got.source_reliability,
                          got.request_id]))
    """)
    assert answered == [
        "answered",
        "One record on the minivan.",
        "Grey minivan, plate partly read 7K2",
        "B",
        asked,
    ]

    # The city's analyst says it helped; the county's request shows the feedback.
    city.python(f"""
        import json
        from django.contrib.auth.models import User
        from safercity.intelligence import rfi
        from safercity.intelligence.models import InfoRequest
        rfi.request_feedback(actor=User.objects.get(username="ana"),
            request=InfoRequest.objects.get(pk={asked}),
            given=rfi.FeedbackIn(useful=True, led_to="A search warrant for the garage"))
        print(json.dumps(1))
    """)
    city.work()
    assert county.python(f"""
        import json
        from safercity.intelligence.models import InfoRequest
        r = InfoRequest.objects.get(pk={incoming[0]})
        print(json.dumps([r.useful, r.led_to]))
    """) == [True, "A search warrant for the garage"]

    # A record the county gives the city outside any request travels too, with its labels.
    county.python("""
        import json
        from django.contrib.auth.models import User
        from safercity.intelligence import services
        from safercity.intelligence.models import IntelRecord, Partner
        ana, sam = User.objects.get(username="ana"), User.objects.get(username="sam")
        second = services.record_submit(actor=ana, entered=services.RecordIn(
            subject="Blue sedan without plates", criminal_activity="Gun trafficking",
            predicate="Stopped twice leaving the garage with boxes of ammunition",
            relevance="A second vehicle of the same crew", content="Seen on Tuesdays at dusk.",
            source_reliability="A", content_validity="1"))
        services.record_review(actor=sam, record=second,
                               answers={k: True for k in services.CHECKLIST})
        services.record_disseminate(actor=ana, record=second, given=services.DisseminationIn(
                recipient="City gun unit", partner=Partner.objects.get(),
                need_to_know="Their case 26-014 follows the same van",
                right_to_know="Sworn unit under the regional MOU"))
        print(json.dumps(1))
    """)
    county.work()
    assert city.python("""
        import json
        from safercity.intelligence.models import ReceivedRecord
        got = ReceivedRecord.objects.get(subject="Blue sedan without plates")
        print(json.dumps([ReceivedRecord.objects.count(), got.request_id, got.content_validity]))
    """) == [2, None, "1"]

    # The county finds the record unreliable and purges it: the notice reaches the city,
    # which purges its copy, and the county's notice shows as delivered by the exchange.
    county.python("""
        import json
        from django.contrib.auth.models import User
        from safercity.intelligence import services
        from safercity.intelligence.models import IntelRecord
        sam = User.objects.get(username="sam")
        first = IntelRecord.objects.order_by("pk").first()
        record = services.record_flag_unreliable(actor=sam, record=first,
            reason="The plate belonged to another van")
        services.record_purge(actor=sam, record=record, reason="Found unreliable this morning")
        print(json.dumps(1))
    """)
    county.work()
    assert city.python("""
        import json
        from safercity.intelligence.models import ReceivedRecord
        got = ReceivedRecord.objects.order_by("pk").first()
        kept = ReceivedRecord.objects.order_by("pk").last()
        print(json.dumps([got.content, got.purged_at is not None, kept.purged_at is None]))
    """) == ["", True, True]
    notice = county.python("""
        import json
        from safercity.intelligence.models import RecipientNotice
        print(json.dumps(RecipientNotice.objects.get().delivered_by))
    """)
    assert notice.startswith("exchange receipt ")

    # Both logs agree: every message each side sent is in the other's inbox, same ids.
    for sender, receiver in ((city, county), (county, city)):
        sent = sender.python("""
            import json
            from safercity.intelligence.models import OutboundMessage
            print(json.dumps(sorted([str(m.id), m.kind, m.receipt["receipt"]]
                             for m in OutboundMessage.objects.all() if m.delivered_at)))
        """)
        got = receiver.python("""
            import json
            from safercity.intelligence.models import InboundMessage
            print(json.dumps(sorted([str(m.message_id), m.kind, m.pk]
                             for m in InboundMessage.objects.all())))
        """)
        assert sent == got and sent


def test_a_message_delivered_twice_is_received_once_and_forgeries_are_refused(two):
    city, county = two
    asked = city.python(ASK)
    # Deliver the same queued message twice, by hand, as a retry after a lost receipt would.
    receipts = city.python("""
        import json
        from safercity.intelligence import exchange
        from safercity.intelligence.models import OutboundMessage
        message = OutboundMessage.objects.filter(delivered_at=None).get()
        first = exchange.deliver(message)
        message.delivered_at = None
        second = exchange.deliver(message)
        print(json.dumps([first, second, message.receipt]))
    """)
    assert receipts[0] and receipts[1] and receipts[2]["duplicate"] is True
    count = county.python(f"""
        import json
        from safercity.intelligence.models import InfoRequest
        print(json.dumps(InfoRequest.objects.filter(remote_reference="{asked}").count()))
    """)
    assert count == 1

    body = json.dumps({"id": "6a9b1f0e-2f4c-4d55-9a51-0c1f8c3e0d11", "sent_at":
                       "2026-12-01T10:00:00+00:00", "reference": "1", "priority": "urgent",
                       "question": "q", "purpose": "p"}).encode()  # fmt: skip
    unsigned = requests.post(f"{county.url}/api/exchange/v1/requests", data=body, timeout=10,
                             headers={"Content-Type": "application/json"})  # fmt: skip
    assert unsigned.status_code == 401 and "signed" in unsigned.json()["detail"]
    # Signed by the city, then altered on the way: the digest no longer matches.
    forged = city.python(f"""
        import json
        from safercity.intelligence import exchange
        prepared = exchange.signed("POST", "{county.url}/api/exchange/v1/requests", {body!r})
        prepared.body = prepared.body.replace(b'"q"', b'"Q"')
        import requests
        answer = requests.Session().send(prepared, timeout=10)
        print(json.dumps(answer.status_code))
    """)
    assert forged == 401
    # A signature from a key the county does not know.
    stranger = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(f"""
            import requests
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
            from http_message_signatures import HTTPMessageSigner, algorithms
            from http_message_signatures.resolvers import MappingKeyResolver
            key = Ed25519PrivateKey.generate()
            resolver = MappingKeyResolver(public_keys={{}}, private_keys={{"slmpd": key}})
            prepared = requests.Request("POST", "{county.url}/api/exchange/v1/requests",
                data={body!r}, headers={{"Content-Type": "application/json"}}).prepare()
            HTTPMessageSigner(signature_algorithm=algorithms.ED25519, key_resolver=resolver).sign(
                prepared, key_id="slmpd", body={body!r})
            print(requests.Session().send(prepared, timeout=10).status_code)
        """)], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert stranger.stdout.strip() == "401", stranger.stderr
    # Signed properly but not a valid message: a 400 saying what is wrong, nothing stored.
    bad = city.python(f"""
        import json, requests
        from safercity.intelligence import exchange
        body = json.dumps({{"id": "not-a-uuid", "priority": "whenever"}}).encode()
        prepared = exchange.signed("POST", "{county.url}/api/exchange/v1/requests", body)
        answer = requests.Session().send(prepared, timeout=10)
        print(json.dumps([answer.status_code, answer.json()]))
    """)
    assert bad[0] == 400 and "priority" in bad[1]["detail"]
    # The county's log, read by the city with a signed GET, lists what it received from it.
    listed = city.python(f"""
        import json, requests
        from safercity.intelligence import exchange
        prepared = exchange.signed("GET", "{county.url}/api/exchange/v1/log")
        print(json.dumps(requests.Session().send(prepared, timeout=10).json()))
    """)
    assert {entry["kind"] for entry in listed} >= {"request", "feedback"}


def test_a_partner_that_is_down_gets_the_message_when_it_is_back(two, tmp_path):
    city, county = two
    county.stop()
    asked = city.python(ASK)
    city.work()
    waiting = city.python(f"""
        import json
        from safercity.intelligence.models import OutboundMessage
        m = OutboundMessage.objects.get(request_id={asked})
        print(json.dumps([m.attempts, m.delivered_at is None, m.given_up_at is None,
                          "could not reach" in m.last_error]))
    """)
    assert waiting == [1, True, True, True]
    county.start()
    city.python(f"""
        import json
        from django.utils import timezone
        from safercity.intelligence import exchange
        from safercity.intelligence.models import OutboundMessage
        OutboundMessage.objects.filter(request_id={asked}).update(next_attempt_at=timezone.now())
        print(json.dumps(exchange.deliver_due()))
    """)
    assert (
        county.python(f"""
        import json
        from safercity.intelligence.models import InfoRequest
        print(json.dumps(InfoRequest.objects.filter(remote_reference="{asked}").count()))
    """)
        == 1
    )


OPERATION = """
import json
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from safercity.intelligence import deconfliction
now = timezone.now()
operation, conflicts = deconfliction.operation_register(
    actor=User.objects.get(username="ana"), entered=deconfliction.OperationIn(
        kind={kind!r}, reference={reference!r}, place="Natural Bridge Ave garage",
        latitude={lat}, longitude=-90.2290, radius_m=150,
        starts_at=now + timedelta(hours={start}), ends_at=now + timedelta(hours={start} + 4),
        contact={contact!r}))
print(json.dumps([operation.pk, len(conflicts)]))
"""


def test_two_departments_planning_on_the_same_block_are_both_told(two):
    city, county = two
    county.python(
        OPERATION.format(
            kind="surveillance",
            reference="C-SURV-88",
            lat=38.6761,
            start=22,
            contact="County watch desk 314-555-0199",
        )
    )
    county.work()  # the county's operation reaches the city's board: nothing there yet
    city_op = city.python(
        OPERATION.format(
            kind="warrant",
            reference="W-26-0412",
            lat=38.6750,
            start=20,
            contact="District 4 desk 314-555-0104",
        )
    )
    # The city's own check found the county's operation (sent to it a moment ago).
    assert city_op[1] == 1
    city.work()  # the city's operation reaches the county, whose check answers at once
    on_county = county.python("""
        import json
        from safercity.intelligence.models import Conflict
        c = Conflict.objects.select_related("first", "second").get()
        print(json.dumps([c.first.reference, c.second.reference, c.second.contact,
                          c.first_told_at is None, c.second_told_at is not None]))
    """)
    # The county's owner has it on its board to acknowledge; the city's side was told by
    # the receipt, and the city's board lists the county's contact.
    assert on_county == ["C-SURV-88", "W-26-0412", "District 4 desk 314-555-0104", True, True]
    on_city = city.python("""
        import json
        from safercity.intelligence.models import Conflict
        rows = Conflict.objects.select_related("first", "second").order_by("pk")
        print(json.dumps([[c.first.reference, c.first.contact, c.second.reference,
                           c.first_told_at is not None] for c in rows]))
    """)
    assert on_city == [["C-SURV-88", "County watch desk 314-555-0199", "W-26-0412", True]]
