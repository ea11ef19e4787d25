from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from safercity.core.actors import command_actor
from safercity.properties.services import properties_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the derived property data: vacancy on parcels, owner occupancy, portfolios, "
        "cases for new 311 property complaints, nuisance police reports at parcels, and the "
        "problem-property scores (the task worker runs it nightly)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--split-above", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor("properties_refresh")
        for line in properties_refresh(actor=actor, split_above=options["split_above"]):
            self.stdout.write(line)
