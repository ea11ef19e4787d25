from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.inputs import InputRefused
from safercity.equity import computed, indicators, residents


class Command(BaseCommand):
    help = (
        "The Equity Indicators: `indicators import KIND FILE` (framework, values or table), "
        "`indicators residents FILE --year Y --source S` (residents by neighborhood and race, "
        "CSV or GeoJSON), `indicators compute [--year Y]` (the indicators computed from "
        "SaferCity's records; last year by default)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="the framework, a year's values, the table")
        load.add_argument("kind", choices=("framework", "values", "table"))
        load.add_argument("file", type=Path)
        load.add_argument("--source", default="", help="values: where the figures come from")
        people = actions.add_parser("residents", help="residents by neighborhood and race")
        people.add_argument("file", type=Path)
        people.add_argument("--year", type=int, required=True, help="the census year")
        people.add_argument("--source", required=True, help="where the figures come from")
        people.add_argument(
            "--leave-out-unmapped",
            action="store_true",
            help="list areas not on the city's map instead of refusing",
        )
        compute = actions.add_parser("compute", help="compute a year from SaferCity's records")
        compute.add_argument("--year", type=int, default=timezone.localdate().year - 1)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = command_actor(f"indicators {options['action']}")
        found: residents.ResidentsReport | indicators.ImportReport
        try:
            if options["action"] == "compute":
                report = computed.indicators_compute(actor=actor, year=options["year"])
                for o in report.outcomes:
                    self.stdout.write(f"{o.indicator} {o.year}: {o.status}: {o.detail}")
                return
            data = self._read(options["file"])
            if options["action"] == "residents":
                found = residents.residents_import(
                    actor=actor, data=data, year=options["year"], source=options["source"],
                    leave_out_unmapped=options["leave_out_unmapped"])  # fmt: skip
                for left in found.left_out:
                    self.stdout.write(f"left out, line {left.line}: {left.neighborhood} "
                                      f"({left.residents} residents)")  # fmt: skip
            else:
                load = {"framework": indicators.framework_import,
                        "values": indicators.values_import,
                        "table": indicators.table_import}[options["kind"]]  # fmt: skip
                extra = {"source": options["source"]} if options["kind"] == "values" else {}
                found = load(actor=actor, data=data, **extra)
        except InputRefused as refused:
            raise CommandError(str(refused)) from None
        if found.rejected:
            for r in found.rejected[:200]:
                self.stderr.write(str(r))
            raise CommandError(f"nothing imported: {len(found.rejected)} of {found.rows} rows "
                               "could not be read")  # fmt: skip
        self.stdout.write(f"imported {found.saved} rows")

    @staticmethod
    def _read(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as problem:
            raise CommandError(f"cannot read {path}: {problem.strerror}") from None
