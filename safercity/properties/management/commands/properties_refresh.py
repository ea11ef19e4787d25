from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from safercity.core.actors import SystemActor
from safercity.properties.services import (
    cases_from_311,
    nuisance_from_crime,
    occupancy_classify,
    portfolios_resolve,
    scores_compute,
    vacancy_apply,
)


class Command(BaseCommand):
    help = (
        "Rebuild the derived property data: vacancy on parcels, owner occupancy, portfolios, "
        "cases for new 311 property complaints, nuisance police reports at parcels, and the "
        "problem-property scores (run nightly)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--split-above", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("properties_refresh")
        self.stdout.write(f"vacancy: {vacancy_apply(actor=actor)} parcels changed")
        counts = occupancy_classify(actor=actor)
        self.stdout.write("occupancy: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        portfolios = portfolios_resolve(actor=actor, split_above=options["split_above"])
        self.stdout.write(f"portfolios: {portfolios:,}")
        opened, unplaced = cases_from_311(actor=actor)
        self.stdout.write(
            f"cases opened from 311: {opened} ({unplaced} complaints not on a parcel)"
        )
        attached, far = nuisance_from_crime(actor=actor)
        self.stdout.write(f"nuisance police reports: {attached} attached ({far} not at a parcel)")
        self.stdout.write(f"scores: {scores_compute(actor=actor):,} parcels changed")
