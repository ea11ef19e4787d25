from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from safercity.core.actors import command_actor
from safercity.core.importing import import_each_file
from safercity.service311.importers import import_csb, read_categories


class Command(BaseCommand):
    help = (
        "Import St. Louis Citizens' Service Bureau (CSB) CSV exports: the catalog of problem "
        "codes and divisions, then the requests. Each file is checked whole before anything "
        "changes; every row not imported is reported with its line and reason."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", type=Path, nargs="+", metavar="path")
        parser.add_argument(
            "--categories",
            type=Path,
            help="folder of <category>.csv code lists (without it, services keep their group)",
        )
        parser.add_argument("--catalog-only", action="store_true")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count, then change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        categories = read_categories(options["categories"]) if options["categories"] else None
        would = "would be " if options["dry_run"] else ""

        def one(path: Path) -> None:
            report = import_csb(
                actor=command_actor("csb_import"),
                data=path.read_bytes(),
                categories=categories,
                with_requests=not options["catalog_only"],
                dry_run=options["dry_run"],
                source=f"CSB export {path.name}",
            )
            for row in report.rejected:
                self.stderr.write(f"{path.name}: rejected line {row.line}: {row.reason}")
            for row in report.noted:
                self.stdout.write(f"{path.name}: corrected line {row.line}: {row.reason}")
            catalog = report.catalog
            self.stdout.write(
                f"catalog: {catalog['services_created']} services {would}created, "
                f"{catalog['services_updated']} {would}updated, "
                f"{catalog['services_unchanged']} unchanged, "
                f"{catalog['departments']} new departments"
            )
            if catalog["older_terms"]:
                self.stdout.write(
                    f"catalog: {catalog['older_terms']} services have later terms on record: "
                    "this file's deadlines and departments are kept as history from its first "
                    "request, and today's are unchanged"
                )
            if not options["catalog_only"]:
                self.stdout.write(
                    f"requests: {report.created} {would}imported, {report.updated} {would}"
                    f"updated, {report.unchanged} unchanged, {len(report.rejected)} rejected"
                )

        import_each_file(self, paths, one, dry_run=options["dry_run"])
