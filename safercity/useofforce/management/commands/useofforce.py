from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from safercity.core.actors import command_actor
from safercity.core.audit import audit_write
from safercity.useofforce import exports
from safercity.useofforce.services import overdue_stages, who_holds


def _month(text: str) -> date:
    try:
        return date.fromisoformat(text + "-01")
    except ValueError:
        raise CommandError(f"{text!r} is not a month: YYYY-MM") from None


class Command(BaseCommand):
    help = (
        "Use of force: `useofforce fbi YYYY-MM` writes the month's submission to the FBI "
        "collection (a zero report when nothing qualifies); `useofforce missouri YEAR` the "
        "year's report to Missouri's Department of Public Safety; both are checked against "
        "their schemas first. `useofforce overdue` lists the stages past their deadline."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        fbi = actions.add_parser("fbi", help="the FBI collection's month, as JSON")
        fbi.add_argument("month", type=_month, help="YYYY-MM")
        fbi.add_argument("--out", type=Path, help="write here (default: the terminal)")
        missouri = actions.add_parser("missouri", help="Missouri's annual report, as JSON")
        missouri.add_argument("year", type=int)
        missouri.add_argument("--out", type=Path, help="write here (default: the terminal)")
        actions.add_parser("overdue", help="stages past their deadline, oldest first")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "overdue":
            self.overdue()
            return
        try:
            if options["action"] == "fbi":
                if options["month"] > timezone.localdate():
                    raise CommandError("That month has not begun.")
                document = exports.fbi_month(options["month"])
                name = f"fbi-use-of-force-{options['month']:%Y-%m}"
            else:
                document = exports.missouri_year(options["year"])
                name = f"missouri-use-of-force-{options['year']}"
        except ValueError as refused:
            raise CommandError(str(refused)) from None
        audit_write(actor=command_actor("useofforce export"), action="useofforce.export",
                    detail={"file": name})  # fmt: skip
        text = json.dumps(document, indent=1)
        if options["out"]:
            options["out"].write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{name}: written to {options['out']}")
        else:
            self.stdout.write(text)

    def overdue(self) -> None:
        console = Console(file=cast("IO[str]", self.stdout), highlight=False)
        late = overdue_stages()
        if not late:
            console.print("No stage is past its deadline.")
            return
        table = Table("Case", "Stage", "Due", "Days late", "Who holds the file")
        now = timezone.now()
        for stage in late:
            table.add_row(stage.incident.case_number, stage.stage, f"{stage.due_at:%Y-%m-%d}",
                          f"{(now - stage.due_at).days}", who_holds(stage.incident))  # fmt: skip
        console.print(table)
