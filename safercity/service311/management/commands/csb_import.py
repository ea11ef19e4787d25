from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.textfiles import read_text_any
from safercity.service311.importers import import_csb, read_categories


class Command(BaseCommand):
    help = (
        "Import a St. Louis Citizens' Service Bureau (CSB) CSV export: the catalog of problem "
        "codes and divisions, then the requests. Every row not imported is reported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--categories", type=Path, help="folder of <category>.csv code lists")
        parser.add_argument("--catalog-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        report = import_csb(
            actor=command_actor("csb_import"),
            text=read_text_any(path),
            categories=read_categories(options["categories"]),
            with_requests=not options["catalog_only"],
        )
        for row in report.rejected:
            self.stderr.write(f"rejected line {row.line}: {row.reason}")
        catalog = report.catalog
        self.stdout.write(
            f"catalog: {catalog['services_created']} services created, "
            f"{catalog['services_updated']} updated, {catalog['departments']} new departments"
        )
        self.stdout.write(
            f"requests: {report.created} imported, {report.unchanged} already there, "
            f"{len(report.rejected)} rejected"
        )
