from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from safercity.core.actors import command_actor
from safercity.crime.services import FileReport, legacy_import


def csv_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".csv"))
        elif path.exists():
            found.append(path)
        else:
            raise CommandError(f"{path} does not exist")
    return found


class Command(BaseCommand):
    help = "Import SLMPD legacy monthly crime CSVs (files or folders). Re-running is safe."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", type=Path, nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        files = csv_files(options["paths"])
        if not files:
            raise CommandError("no CSV files found")
        totals = {"created": 0, "already": 0, "rejected": 0}
        with Progress(transient=True, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task("importing", total=len(files))

            def done(report: FileReport) -> None:
                totals["created"] += report.created
                totals["already"] += report.already
                totals["rejected"] += len(report.rejected)
                for row in report.rejected:
                    self.stderr.write(f"{report.name}: rejected line {row.line}: {row.reason}")
                bar.update(task, advance=1, description=report.name)

            legacy_import(
                actor=command_actor("crime_import_legacy"),
                files=((path.name, path.read_bytes()) for path in files),
                progress=done,
            )
        self.stdout.write(
            f"{len(files)} files: {totals['created']} records imported, {totals['already']} "
            f"already there, {totals['rejected']} rows rejected"
        )
