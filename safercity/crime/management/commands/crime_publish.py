from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from safercity.core.actors import command_actor
from safercity.core.audit import audit_write
from safercity.crime.publish import publish


class Command(BaseCommand):
    help = "Write the open crime data files (suppressed and generalised) for the public pages."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--out", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["out"] or settings.VAR_DIR / "public" / "crime"
        sizes = publish(folder)
        audit_write(actor=command_actor("crime_publish"), action="crime.publish", detail=sizes)
        for name, size in sizes.items():
            self.stdout.write(f"{folder / name}: {size:,} bytes")
