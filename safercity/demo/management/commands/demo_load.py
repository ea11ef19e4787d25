from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.demo.services import demo_city_exists, demo_load


class Command(BaseCommand):
    help = "Load the deterministic synthetic demo city (calibrated to St. Louis)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiply volumes (addresses, calls...)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when a geography is loaded"
        )
        parser.add_argument("--no-staff", action="store_true", help="create no demo accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and demo_city_exists():
            self.stdout.write("a geography is already loaded; the demo city was not loaded")
            return
        if options["scale"] <= 0:
            raise CommandError("--scale must be positive")
        started = time.monotonic()

        def say(step: str) -> None:
            self.stdout.write(f"[{time.monotonic() - started:5.0f} s] loading {step}...")
            self.stdout.flush()

        try:
            report = demo_load(
                actor=command_actor("demo_load"),
                seed=options["seed"],
                scale=options["scale"],
                with_staff=not options["no_staff"],
                histories=True,
                progress=say,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"demo city loaded: {report.neighborhoods} neighborhoods, {report.wards} wards, "
            f"{report.districts} police districts, {report.addresses} addresses, "
            f"{report.parcels} parcels, {report.crimes:,} crime records, "
            f"{report.calls_911:,} 911 calls of history, {report.requests_311:,} 311 requests"
        )
        volumes = ", ".join(f"{k} {v:,}" for k, v in report.volumes.items())
        self.stdout.write(f"calibrated yearly volumes for the demo streams: {volumes}")
        if report.credentials_path:
            self.stdout.write(f"demo staff accounts and passwords: {report.credentials_path}")
