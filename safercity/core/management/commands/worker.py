"""`safercity worker`: runs queued tasks (django-tasks-db's worker) and, beside it, the
schedule that enqueues periodic jobs. `make run` starts one next to the server."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from safercity.core.tasks import TICKS, schedule_due


def _schedule_loop(every_s: float, stop: threading.Event, say: Any) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            for name in schedule_due():
                say(f"enqueued {name}")
        except Exception as error:  # a failed check must not stop the schedule
            say(f"schedule check failed: {error}")
        close_old_connections()
        stop.wait(every_s)


def _tick_loop(stop: threading.Event, say: Any) -> None:
    """Run each of the few-second jobs when its time comes (see core.tasks.every_few_seconds)."""
    due = {name: 0.0 for name in TICKS}
    while not stop.is_set():
        for name, tick in TICKS.items():
            if time.monotonic() < due[name]:
                continue
            due[name] = time.monotonic() + tick.every_s
            close_old_connections()
            try:
                tick.job()
            except Exception as error:  # one failed round must not stop the next
                say(f"{name} failed: {error}")
        close_old_connections()
        stop.wait(min([tick.every_s for tick in TICKS.values()] + [1.0]) / 2)


class Command(BaseCommand):
    help = "Run background tasks and the periodic schedule (Ctrl+C stops)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--no-schedule", action="store_true", help="run tasks only")
        parser.add_argument("--batch", action="store_true", help="stop when no task is left")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["no_schedule"] and not options["batch"]:
            thread = threading.Thread(
                target=_schedule_loop,
                args=(max(options["interval"], 1.0) * 5, stop, self._say),
                daemon=True,
            )
            thread.start()
            threading.Thread(target=_tick_loop, args=(stop, self._say), daemon=True).start()
        worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=options["interval"],
            batch=options["batch"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{os.uname().nodename}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        self._say("worker started: running queued tasks and the schedule")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()

    def _say(self, text: str) -> None:
        self.stdout.write(f"{time.strftime('%H:%M:%S')} {text}")
        self.stdout.flush()
