"""911 under stress: a burst of ten times normal volume, and the server killed mid-burst.
Every call is still answered or called back, none is lost, none is assigned twice."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from safercity.demo.management.commands.emergency_demo_stream import send_event
from safercity.demo.stream import demo_events
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.models import Call, Callback, CallEvent, Position
from safercity.emergency.services import CallEventIn, event_ingest
from safercity.emergency.services.queue import queue_tick
from tests.servers import free_port, fresh_postgres_database, wait_for_port

EVENING = datetime(2026, 7, 10, 18, 0, tzinfo=ZoneInfo("America/Chicago"))
KEY = "reliability-" + "k" * 24


@pytest.mark.django_db
def test_a_burst_of_ten_times_normal_volume_leaves_no_call_untracked():
    events = demo_events(start=EVENING, minutes=20, positions=6, scale=10, run="burst")
    for n in range(6):
        Position.objects.create(name=f"P{n + 1}", state="ready")
    cti = PHONE_SYSTEM
    for number, event in enumerate(events):
        body = dict(event.body)
        at = datetime.fromisoformat(str(body.pop("at")))
        event_ingest(actor=cti, event=CallEventIn(at=at, **body))
        if number % 25 == 0:
            queue_tick()  # as the worker does, every few seconds
    offered = sum(1 for e in events if e.body["kind"] == "offered")
    assert offered > 300
    assert CallEvent.objects.count() == len(events), "no event lost"
    assert Call.objects.count() == offered
    abandoned = Call.objects.filter(state="abandoned")
    assert abandoned.exists()
    assert Callback.objects.filter(call__in=abandoned).count() == abandoned.count()
    untracked = Call.objects.exclude(state__in=["released", "abandoned"])
    assert not untracked.exists(), "every call ended answered-and-released or called back"
    live = Call.objects.filter(state__in=["waiting", "answered"]).exclude(position=None)
    assert live.values("position").distinct().count() == live.count()


def _serve(env, port):
    process = subprocess.Popen(
        [sys.executable, "-m", "safercity", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, seconds=30, process=process)
    except RuntimeError:
        process.kill()
        raise
    return process


def _own_database(tmp_path: Path) -> tuple[dict[str, str], Callable[[str], list[tuple]]]:
    """A database of the server's own for this test, on the suite's engine: a SQLite file, or a
    new database on the suite's PostgreSQL server. Returns its settings and a query function."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = Path(tmp_path) / "safercity.sqlite3"
        return {}, lambda sql: sqlite3.connect(path).execute(sql).fetchall()
    import psycopg

    url = fresh_postgres_database("kill")
    assert url is not None

    def query(sql: str) -> list[tuple]:
        with psycopg.connect(url) as connection:
            return connection.execute(sql).fetchall()

    return {"DATABASE_URL": url}, query


def test_killing_the_server_mid_burst_loses_and_doubles_nothing(
    tmp_path, django_db_modify_db_settings
):
    own, query = _own_database(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"SAFERCITY_VAR": str(tmp_path), "DEBUG": "1", "SAFERCITY_CTI_KEY": KEY, **own}
    subprocess.run([sys.executable, "-m", "safercity", "migrate", "-v", "0"], env=env, check=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/911/events"
    events = demo_events(start=EVENING, minutes=10, positions=6, scale=10, run="kill")
    servers = [_serve(env, port)]
    acknowledged, statuses = [], []
    third = len(events) // 3

    def kill_and_restart():
        # From another thread, while the sender goes on: a request may be cut off mid-way.
        while len(acknowledged) < third:
            time.sleep(0.005)
        servers[-1].send_signal(signal.SIGKILL)
        servers[-1].wait()
        servers.append(_serve(env, port))

    killer = threading.Thread(target=kill_and_restart)
    killer.start()
    try:
        for event in events:
            status = send_event(url, KEY, event.body)
            statuses.append(status)
            if status in (200, 201):
                acknowledged.append(event.body["event_id"])
        killer.join()
    finally:
        for server in servers:
            server.send_signal(signal.SIGKILL)
            server.wait()
    assert len(servers) == 2, "the server was killed and restarted during the burst"
    assert set(statuses) <= {200, 201}
    stored = [row[0] for row in query("SELECT event_id FROM emergency_callevent")]
    assert len(stored) == len(set(stored)) == len(events), "every event stored exactly once"
    assert set(acknowledged) <= set(stored), "nothing acknowledged was lost"
    [(calls,)] = query("SELECT COUNT(*) FROM emergency_call")
    offered = sum(1 for e in events if e.body["kind"] == "offered")
    [(abandoned,)] = query("SELECT COUNT(*) FROM emergency_call WHERE state='abandoned'")
    [(callbacks,)] = query("SELECT COUNT(*) FROM emergency_callback")
    assert calls == offered and abandoned == callbacks
