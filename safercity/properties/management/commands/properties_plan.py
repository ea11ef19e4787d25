from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.properties.services import CaseError, inspections_plan


class Command(BaseCommand):
    help = "Schedule a day's inspections for every building inspector (see inspections_plan)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("day", type=date.fromisoformat)
        parser.add_argument("--per-inspector", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            made = inspections_plan(
                actor=command_actor("properties_plan"),
                day=options["day"],
                per_inspector=options["per_inspector"],
            )
        except CaseError as error:
            raise CommandError(str(error)) from error
        plural = "" if len(made) == 1 else "s"
        self.stdout.write(f"{len(made)} inspection{plural} scheduled on {options['day']:%Y-%m-%d}")
