"""`safercity emergency_import {calls,intervals,cad} FILE... --mapping MAP.toml`: a centre's
history from any phone system's or CAD's export (see emergency/history.py and README)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.core.actors import command_actor
from safercity.core.importing import import_each_file
from safercity.core.tabular import FileRefused
from safercity.emergency.history import KINDS, history_import, mapping_read

SHIPPED = Path(__file__).resolve().parents[2] / "mappings"


def _mapping_path(given: str) -> Path:
    """A mapping file, or the name of a shipped one (demo-calls, anonbank-calls, ...)."""
    path = Path(given)
    if path.is_file():
        return path
    shipped = SHIPPED / f"{given.removesuffix('.toml')}.toml"
    if shipped.is_file():
        return shipped
    names = ", ".join(sorted(p.stem for p in SHIPPED.glob("*.toml")))
    raise CommandError(f"no mapping {given!r}: give a file, or one of the shipped: {names}")


class Command(BaseCommand):
    help = (
        "Import 911 history: per-call records (calls), interval answer-time reports "
        "(intervals) or CAD incidents with unit times (cad), as a mapping file reads them. "
        "Every row not imported is reported with its line and reason; a bad file changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("paths", type=Path, nargs="+", metavar="file")
        parser.add_argument("--mapping", required=True, help="a TOML file or a shipped name")
        parser.add_argument("--dry-run", action="store_true", help="check and count only")

    def handle(self, *args: Any, **options: Any) -> None:
        path = _mapping_path(options["mapping"])
        try:
            mapping = mapping_read(path.read_text(encoding="utf-8"))
        except (FileRefused, UnicodeDecodeError) as refused:
            raise CommandError(f"{path.name}: {refused}") from None
        if mapping.kind != options["kind"]:
            raise CommandError(f"{path.name} maps a {mapping.kind} file, not {options['kind']}")
        would = "would be " if options["dry_run"] else ""

        def one(file: Path) -> None:
            report = history_import(
                actor=command_actor("emergency_import"),
                data=file.read_bytes(),
                mapping=mapping,
                source=f"{options['kind']} export {file.name}",
                dry_run=options["dry_run"],
            )
            for row in report.rejected:
                self.stderr.write(f"{file.name}: rejected line {row.line}: {row.reason}")
            for (name, why), count in sorted(report.emptied.items()):
                self.stdout.write(f"{file.name}: {name}: {why}, on {count} rows")
            noun = {"calls": "calls", "intervals": "intervals", "cad": "incidents"}[report.kind]
            skipped = f", {report.skipped} not calls (skipped)" if report.skipped else ""
            self.stdout.write(
                f"{noun}: {report.created} {would}imported, {report.updated} {would}updated, "
                f"{report.unchanged} unchanged, {len(report.rejected)} rejected{skipped}"
            )

        import_each_file(self, options["paths"], one, dry_run=options["dry_run"])
