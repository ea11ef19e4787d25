from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.districts import district_votes, majority_assignment, read_assignment
from safercity.core.services import addresses_assign_areas, districts_from_neighborhoods


class Command(BaseCommand):
    help = (
        "Build police districts as unions of neighborhoods, from a neighborhood,district CSV "
        "or from SLMPD crime CSVs (each neighborhood goes to the district most records name)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--plan", default="2014")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--mapping", type=Path)
        source.add_argument("--from-crime-csv", type=Path, nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["mapping"]:
            assignment = read_assignment(options["mapping"])
            source = options["mapping"].name
        else:
            paths = [p for p in options["from_crime_csv"] if p.exists()]
            if not paths:
                raise CommandError("none of the crime CSVs exist")
            assignment = majority_assignment(district_votes(paths))
            source = f"majority district of {len(paths)} SLMPD crime files"
        actor = command_actor("geo_districts")
        report = districts_from_neighborhoods(
            actor=actor, plan=options["plan"], assignment=assignment, source=source
        )
        assigned = addresses_assign_areas(actor=actor)
        self.stdout.write(
            f"districts: {report.created} created, {report.updated} updated from "
            f"{len(assignment)} neighborhoods; {assigned} addresses re-assigned"
        )
