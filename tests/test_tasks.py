"""Background work as it runs in production: tasks stored in the database and run by
`safercity worker`, the periodic schedule, and e-mail that is tried again when it fails."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from safercity.core.models import ScheduledRun, Snapshot
from safercity.core.tasks import SCHEDULE, schedule_due

BIN = Path(sys.executable).parent


@pytest.mark.django_db
def test_the_schedule_enqueues_each_job_once_a_period_however_often_it_is_checked():
    first = schedule_due()
    assert "rollup:scorecard" in first and "properties:intake" in first
    assert "properties:refresh" not in first, "the nightly job waits its first night"
    assert Snapshot.objects.filter(key="scorecard").exists(), "the job ran (at once, in tests)"
    assert schedule_due() == [], "checked again within the minute: nothing is due"
    assert set(ScheduledRun.objects.values_list("name", flat=True)) == set(SCHEDULE)


@pytest.mark.django_db
def test_a_new_record_makes_the_scorecard_recompute_after_the_transaction(
    django_capture_on_commit_callbacks,
):
    from django.core.cache import cache

    from safercity.core.rollups import rollups_stale

    cache.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rollups_stale("scorecard")
        rollups_stale("scorecard")
    assert len(callbacks) == 2
    assert Snapshot.objects.get(key="scorecard").data["figures"]


def _env(var: Path, **extra: str) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFERCITY_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.update(DEBUG="1", SECRET_KEY=secrets.token_urlsafe(40), SAFERCITY_VAR=str(var), **extra)
    return env


def _safercity(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "safercity"), *args], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _shell(env: dict[str, str], code: str) -> str:
    return _safercity(env, "shell", "-v", "0", "-c", code)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once this closes


def test_the_worker_runs_queued_tasks_and_retries_an_email_the_server_refused(tmp_path):
    env = _env(
        tmp_path,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(_closed_port()),
    )
    _safercity(env, "migrate", "--noinput", "-v", "0")
    _shell(
        env,
        "from safercity.core.rollups import refresh_rollup\n"
        "from safercity.core.tasks import email_send\n"
        "refresh_rollup.enqueue('scorecard')\n"
        "email_send.enqueue('Your 311 request', 'It was closed.', ['resident@example.org'])\n",
    )
    assert _shell(env, "from safercity.core.models import Snapshot; print(Snapshot.objects.count())"
                  ).strip() == "0", "nothing runs until the worker does"  # fmt: skip
    _safercity(env, "worker", "--batch", "--interval", "0")
    state = json.loads(
        _shell(
            env,
            "import json\n"
            "from django_tasks_db.models import DBTaskResult\n"
            "from safercity.core.models import Snapshot\n"
            "rows = [dict(name=r.task_path.rsplit('.', 1)[1], status=r.status,"
            " args=r.args_kwargs, later=r.run_after is not None)"
            " for r in DBTaskResult.objects.order_by('enqueued_at')]\n"
            "print(json.dumps(dict(tasks=rows, snapshots=list(Snapshot.objects.values_list("
            "'key', flat=True)))))\n",
        )
    )
    assert state["snapshots"] == ["scorecard"]
    by_name = [(t["name"], t["status"]) for t in state["tasks"]]
    assert by_name[:2] == [("refresh_rollup", "SUCCESSFUL"), ("email_send", "FAILED")]
    [retry] = [t for t in state["tasks"][2:] if t["name"] == "email_send"]
    assert retry["status"] == "READY" and retry["later"], "tried again a minute later"
    assert retry["args"]["args"][3] == 2, "as the second attempt"


@pytest.mark.django_db
def test_old_records_of_finished_tasks_are_pruned_nightly_and_recent_ones_kept():
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from safercity.core.tasks import results_prune

    now = timezone.now()

    def result(status: str, age_days: float) -> DBTaskResult:
        finished = now - timedelta(days=age_days)
        return DBTaskResult.objects.create(
            status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
            backend_name="default", run_after=finished, finished_at=finished,
        )  # fmt: skip

    old_success, new_success = result("SUCCESSFUL", 20), result("SUCCESSFUL", 1)
    old_failure, older_failure = result("FAILED", 20), result("FAILED", 90)
    assert results_prune.call() == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {new_success.pk, old_failure.pk}, "failures are kept longer, to be read"
    assert old_success.pk not in left and older_failure.pk not in left
    assert SCHEDULE["tasks:prune"].every == timedelta(days=1)
