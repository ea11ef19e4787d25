from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.importing import dry_run_or_commit
from safercity.core.tabular import FileRefused
from safercity.crime.services import nibrs_import


class Command(BaseCommand):
    help = "Import SLMPD NIBRS-era offenses from a Parquet file. Re-running is safe."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="read, check and count, then change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            with dry_run_or_commit(options["dry_run"]):
                report = nibrs_import(actor=command_actor("crime_import_nibrs"), path=path)
        except FileRefused as refused:
            raise CommandError(f"{path.name}: refused, nothing changed: {refused}") from None
        for row in report.rejected:
            self.stderr.write(f"rejected row {row.line}: {row.reason}")
        self.stdout.write(
            f"{report.created} offenses imported, {report.unchanged} already there, "
            f"{len(report.rejected)} rejected"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was changed")
