"""`safercity demo_911_exports FOLDER [--days 2]`: the demo's 911 history as export files."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from safercity.demo.exports import write_911_exports


class Command(BaseCommand):
    help = "Write the demo city's 911 history as a phone system and a CAD export it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--days", type=int, default=1, help="ending yesterday")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(1, min(options["days"], 366))
        first = timezone.localdate() - timedelta(days=days)
        start = datetime.combine(first, time(), timezone.get_current_timezone())
        paths = write_911_exports(options["folder"], start, days, seed=options["seed"])
        for kind, path in paths.items():
            self.stdout.write(
                f"{path}  (safercity emergency_import {kind} {path} --mapping demo-{kind})"
            )
