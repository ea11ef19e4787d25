from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
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

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        actor = command_actor("properties_import")
        kind = options["kind"]
        report: ImportReport
        try:
            if kind == "parcels":
                report = parcels_import(actor=actor, text=path.read_bytes(), source=path.name)
            elif kind == "events":
                report = events_import(actor=actor, text=path.read_bytes(), source=path.name)
            elif kind == "lra":
                report = lra_import(actor=actor, path=path)
            else:
                report = vacancy_import(
                    actor=actor,
                    text=path.read_bytes(),
                    estimate=options["estimate"],
                    year=options["year"],
                )
        except FileRefused as refused:
            raise CommandError(f"{path.name}: refused, nothing changed: {refused}") from None
        self.stdout.write(report.summary())
        for row in report.rejected[: options["show"]]:
            self.stdout.write(f"  line {row.line}: {row.reason}")
        if len(report.rejected) > options["show"]:
            self.stdout.write(f"  ... and {len(report.rejected) - options['show']:,} more")
