from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from safercity.core.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Verify the audit log's hash chain and its signed checkpoints; exits 1 and says what "
        "does not hold."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="a copy of the checkpoint file kept off this machine (default: the local one)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_verify(checkpoints=options["checkpoints"])
        if not verdict.ok:
            where = (
                f"at entry #{verdict.first_broken_id}"
                if verdict.first_broken_id is not None
                else ""
            )
            raise CommandError(
                f"audit log broken{' ' + where if where else ''}: {verdict.reason} "
                f"({verdict.checked} entries verified in the chain)",
                returncode=1,
            )
        self.stdout.write(f"audit log intact: {verdict.checked} entries verified")
        if settings.SAFERCITY_AUDIT_KEY:
            self.stdout.write(verdict.reason)
        else:
            self.stdout.write(
                "no SAFERCITY_AUDIT_KEY: without signed checkpoints a cut, wiped or "
                "rewritten log cannot be told from an intact one"
            )
