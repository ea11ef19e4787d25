from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.tabular import FileRefused
from safercity.crime.peers import import_peer_file


class Command(BaseCommand):
    help = (
        "Import peer cities' yearly homicides (a column per year, like FiveThirtyEight's table "
        "of the FBI's counts, or the columns city, state, year, homicides) to compare the "
        "city's change with theirs. A file with any bad row changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="who published the figures, where")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            result = import_peer_file(
                actor=command_actor("crime_import_peers"), data=data, source=options["source"]
            )
        except FileRefused as error:
            raise CommandError(f"{path.name}: {error}") from None
        if result.rejected:
            for rejected in result.rejected:
                self.stderr.write(f"{path.name} {rejected}")
            raise CommandError(f"{len(result.rejected)} rows rejected: nothing was imported")
        years = ", ".join(str(y) for y in result.years)
        self.stdout.write(
            f"{result.stored} city-years stored, {result.unchanged} unchanged ({years})"
        )
