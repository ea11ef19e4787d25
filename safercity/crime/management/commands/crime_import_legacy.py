from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from safercity.core.actors import command_actor
from safercity.core.importing import dry_run_or_commit, progress_line
from safercity.crime.services import FileReport, legacy_import


def csv_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix.lower() == ".csv"))
        elif path.exists():
            found.append(path)
        else:
            raise CommandError(f"{path} does not exist")
    return found


class Command(BaseCommand):
    help = "Import SLMPD legacy monthly crime CSVs (files or folders). Re-running is safe."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", type=Path, nargs="+")
        parser.add_argument(
            "--dry-run", action="store_true", help="read, check and count, then change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = csv_files(options["paths"])
        if not files:
            raise CommandError("no CSV files found")
        counted = ("created", "changed", "unchanged", "withdrawn", "kept")
        totals = dict.fromkeys((*counted, "rejected", "files"), 0)
        with (
            dry_run_or_commit(options["dry_run"]),
            Progress(transient=True, disable=options["verbosity"] == 0) as bar,
        ):
            task = bar.add_task("importing", total=len(files))

            def done(report: FileReport) -> None:
                for name in counted:
                    totals[name] += getattr(report, name)
                totals["rejected"] += len(report.rejected)
                for row in report.rejected:
                    self.stderr.write(f"{report.name}: rejected line {row.line}: {row.reason}")
                bar.update(task, advance=1, description=report.name)
                totals["files"] += 1
                if options["verbosity"]:
                    progress_line(self.stdout, totals["files"], len(files), report.name)
                    if report.changed or report.withdrawn or report.kept:
                        self.stdout.write(
                            f"{report.name}: {report.summary()} (matched by {report.matched_by})"
                        )

            legacy_import(
                actor=command_actor("crime_import_legacy"),
                files=((path.name, path.read_bytes()) for path in files),
                progress=done,
            )
        would = "would be " if options["dry_run"] else ""
        kept = (
            f", {totals['kept']} missing from files with rejected lines kept"
            if totals["kept"]
            else ""
        )
        self.stdout.write(
            f"{len(files)} files: {totals['created']} new records {would}imported, "
            f"{totals['changed']} {would}changed, {totals['unchanged']} unchanged, "
            f"{totals['withdrawn']} {would}withdrawn{kept}, {totals['rejected']} rows rejected"
        )
        if options["dry_run"]:
            self.stdout.write("dry run: nothing was changed")
