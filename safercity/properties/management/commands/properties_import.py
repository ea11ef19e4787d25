from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.importing import dry_run_or_commit
from safercity.core.tabular import FileRefused
from safercity.properties.importers import (
    ImportReport,
    events_import,
    lra_import,
    parcels_import,
    vacancy_import,
)


class Command(BaseCommand):
    help = (
        "Import the assessor's parcel file, the land bank (LRA) inventory, SLU's vacancy "
        "estimates, or nuisance reports and condemnations by parcel (events). "
        "Every rejected row is listed with its reason."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=["parcels", "lra", "vacancy", "events"])
        parser.add_argument("path", type=Path)
        parser.add_argument("--estimate", choices=["high", "low"], default="high")
        parser.add_argument("--year", type=int, default=2017)
        parser.add_argument("--show", type=int, default=50, help="rejected rows to print")
        parser.add_argument(
            "--dry-run", action="store_true", help="read, check and count, then change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = command_actor("properties_import")
        kind = options["kind"]
        try:
            with dry_run_or_commit(options["dry_run"]):
                report = self._run(kind, path, actor, options)
        except FileRefused as refused:
            raise CommandError(f"{path.name}: refused, nothing changed: {refused}") from None
        self._show(report, options)
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was changed")

    def _run(self, kind: str, path: Path, actor: Any, options: dict[str, Any]) -> ImportReport:
        if kind == "parcels":
            return parcels_import(actor=actor, text=path.read_bytes(), source=path.name)
        if kind == "events":
            return events_import(actor=actor, text=path.read_bytes(), source=path.name)
        if kind == "lra":
            return lra_import(actor=actor, path=path)
        return vacancy_import(
            actor=actor, text=path.read_bytes(), estimate=options["estimate"], year=options["year"]
        )

    def _show(self, report: ImportReport, options: dict[str, Any]) -> None:
        self.stdout.write(report.summary())
        for row in report.rejected[: options["show"]]:
            self.stdout.write(f"  line {row.line}: {row.reason}")
        if len(report.rejected) > options["show"]:
            self.stdout.write(f"  ... and {len(report.rejected) - options['show']:,} more")
