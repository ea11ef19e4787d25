from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core import geo
from safercity.core.actors import command_actor
from safercity.core.importing import dry_run_or_commit
from safercity.core.services import LAYERS, addresses_assign_areas, boundaries_import


def number_range(text: str) -> list[int]:
    """ "80-88,99" → [80, ..., 88, 99]"""
    numbers: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        low, _, high = part.partition("-")
        numbers.extend(range(int(low), int(high or low) + 1))
    return numbers


class Command(BaseCommand):
    help = (
        "Import boundaries (neighborhoods, wards, police districts or the city limit) "
        "from GeoJSON or a shapefile."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("layer", choices=LAYERS)
        parser.add_argument("path", type=Path)
        parser.add_argument("--plan", default="", help="ward or district map, e.g. 2023")
        parser.add_argument("--number-field")
        parser.add_argument("--name-field")
        parser.add_argument("--population-field")
        parser.add_argument(
            "--parks",
            default="80-88",
            help="neighborhood numbers that are parks (St. Louis: 80-88)",
        )
        parser.add_argument(
            "--dissolve", action="store_true", help="merge features sharing a number"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="read, check and count, then change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            read = geo.read_boundaries(path)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        actor = command_actor("geo_import")
        with dry_run_or_commit(options["dry_run"]):
            report = boundaries_import(
                actor=actor,
                layer=options["layer"],
                features=read.features,
                plan=options["plan"],
                source=path.name,
                number_field=options["number_field"],
                name_field=options["name_field"],
                population_field=options["population_field"],
                park_numbers=number_range(options["parks"]),
                dissolve=options["dissolve"],
            )
            assigned = addresses_assign_areas(actor=actor)
        for rejected in [*read.rejected, *report.rejected]:
            self.stderr.write(f"rejected feature {rejected.index}: {rejected.reason}")
        self.stdout.write(
            f"{options['layer']}: {report.created} created, {report.updated} updated, "
            f"{len(read.rejected) + len(report.rejected)} rejected (from {read.source_crs}); "
            f"{assigned} addresses re-assigned"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was changed")
