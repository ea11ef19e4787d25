from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.progress import Progress

from safercity.core.actors import command_actor
from safercity.demo.stream import demo_events
from safercity.emergency.services import positions_on_duty


class Command(BaseCommand):
    help = (
        "Play a realistic 911 call stream (the demo city's calibrated demand, through the queue "
        "simulator) into the call event API, so the supervisor board moves. The calls are an "
        "exercise named by --run: the server shrinks their deadlines by --speed and leaves them "
        "out of every published figure."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/911/events")
        parser.add_argument("--key", default=None, help="X-CTI-Key (default: SAFERCITY_CTI_KEY)")
        parser.add_argument("--minutes", type=float, default=30)
        parser.add_argument("--positions", type=int, default=6)
        parser.add_argument("--scale", type=float, default=1.0, help="10 = a burst of 10x volume")
        parser.add_argument("--speed", type=float, default=1.0, help=">1 compresses time")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--run",
            default=None,
            help="the exercise's name and prefix of ids (default: the time now)",
        )
        parser.add_argument(
            "--hour",
            default=None,
            help="play today's calls of this time of day, HH:MM (default: now)",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["key"] or settings.SAFERCITY_CTI_KEY
        if not key and not options["dry_run"]:
            raise CommandError("set SAFERCITY_CTI_KEY (or --key) to the key the API expects")
        start = timezone.localtime()
        played = start
        if options["hour"]:
            try:
                hour, minute = (int(part) for part in options["hour"].split(":"))
                played = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
            except ValueError:
                raise CommandError(
                    f"--hour {options['hour']!r} is not a time of day, HH:MM"
                ) from None
        run = options["run"] or f"demo{start:%H%M%S}"
        events = demo_events(
            start=start,
            minutes=options["minutes"],
            positions=options["positions"],
            scale=options["scale"],
            seed=options["seed"],
            speed=options["speed"],
            run=run,
            played=played,
        )
        kinds = Counter(str(e.body["kind"]) for e in events)
        self.stdout.write(
            f"{len(events)} events: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
        )
        if options["dry_run"]:
            return
        positions_on_duty(
            actor=command_actor("emergency_demo_stream"),
            names=[f"P{n + 1}" for n in range(options["positions"])],
        )
        results: Counter[int] = Counter()
        with Progress(transient=True, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task("sending", total=len(events))
            for event in events:
                delay = (event.at - timezone.now()).total_seconds()
                if delay > 0:
                    time.sleep(delay)
                results[self._send(options["url"], key, event.body)] += 1
                bar.advance(task)
        self.stdout.write(
            "sent: " + ", ".join(f"{status} x {count}" for status, count in sorted(results.items()))
        )
        if any(status >= 400 for status in results):
            raise CommandError("some events were refused")

    @staticmethod
    def _send(url: str, key: str, body: dict[str, object]) -> int:
        return send_event(url, key, body)


def send_event(url: str, key: str, body: dict[str, object], retry_s: float = 30.0) -> int:
    """POST one event; while the server cannot be reached, try again (events are idempotent,
    so an event the server stored but could not acknowledge is simply stored once)."""
    deadline = time.monotonic() + retry_s
    while True:
        try:
            return _post(url, key, body)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _post(url: str, key: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(  # noqa: S310 - the operator names the URL
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-CTI-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:  # an answer from the server: no retry
        return int(error.code)
