from __future__ import annotations

from argparse import ArgumentParser
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from safercity.core.actors import command_actor
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.tabular import FileRefused
from safercity.staffing.models import Scenario, Workload
from safercity.staffing.patrol import roster_import, workload_build, workload_failed
from safercity.staffing.scenarios import MEASURES, picture, result, results_csv, show


class Command(BaseCommand):
    help = (
        "Patrol staffing by workload: `patrol plan` builds the workload from the CAD and prints "
        "each district's need; `patrol roster FILE.csv` imports who was on duty; `patrol "
        "scenario NAME` prints a reorganization scenario beside today."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser("plan", help="build the workload from the CAD, print the need")
        plan.add_argument("--from", dest="start", type=date.fromisoformat,
                          help="first day (YYYY-MM-DD; default: a year before --to)")  # fmt: skip
        plan.add_argument("--to", dest="end", type=date.fromisoformat,
                          help="last day (default: yesterday)")  # fmt: skip
        roster = actions.add_parser("roster", help="import a roster CSV")
        roster.add_argument("file", type=Path)
        scenario = actions.add_parser("scenario", help="a scenario beside today")
        scenario.add_argument("name")
        scenario.add_argument("--csv", type=Path, help="also write the comparison here")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast("IO[str]", self.stdout), highlight=False)  # writes like one
        try:
            if options["action"] == "plan":
                self.plan(console, options["start"], options["end"])
            elif options["action"] == "roster":
                self.roster(console, options["file"])
            else:
                self.scenario(console, options["name"], options["csv"])
        except (InputRefused, FileRefused) as refused:
            raise CommandError(str(refused)) from None

    def plan(self, console: Console, start: date | None, end: date | None) -> None:
        last = end or timezone.localdate() - timedelta(days=1)
        first = start or last - timedelta(days=364)
        if last < first:
            raise CommandError("--to comes before --from")
        actor = command_actor("patrol plan")
        workload = Workload.objects.create(start=first, end=last + timedelta(days=1),
                                           requested_by="command: patrol plan")  # fmt: skip
        audit_write(actor=actor, action="patrol.workload.request", obj=workload,
                    detail={"start": first.isoformat(), "end": last.isoformat()})  # fmt: skip
        columns = (TextColumn("reading the CAD"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=console, transient=False) as bar:
            job = bar.add_task("incidents", total=None)

            def step(done: int, total: int) -> None:
                bar.update(job, completed=done, total=total)

            try:
                workload_build(workload, progress=step)
            except (ValueError, MemoryError) as problem:
                workload_failed(workload, problem)
                raise CommandError(f"the workload could not be built: {problem}") from None
        console.print(f"{workload.incidents:,} incidents from {first} to {last}, "
                      f"{workload.unit_times:,} unit times; {workload.without_district:,} "
                      "without a district left out")  # fmt: skip
        for reason, count in workload.defect_counts.items():
            console.print(f"  {count:,} unit times not used: {reason}")
        pic = picture(workload)
        if pic is None:  # a built workload always has a picture; said rather than asserted
            raise CommandError("the workload was built but cannot be read back")
        table = Table(title=f"Patrol need at {pic.settings.target_share:.0%} of time on workload")
        for heading in ("District", "Calls/week", "Workload h/week", "Officer-h needed/week",
                        "FTE needed", "Saturation", "Hours staffed to need"):  # fmt: skip
            table.add_column(heading, justify="left" if heading == "District" else "right")
        for d in pic.districts:
            table.add_row(
                d.district, f"{d.calls_week:,.0f}", f"{d.workload_week:,.0f}",
                f"{int(d.need.officers.sum()):,}", f"{d.fte_needed:,.1f}",
                "—" if d.saturation is None else f"{d.saturation:.0%}",
                "—" if d.covered is None else f"{d.covered:.0%}",
            )  # fmt: skip
        console.print(table)
        console.print(f"relief factor {pic.relief:.2f} officers per 24/7 post "
                      f"({pic.net_hours:,.0f} net hours an officer)")  # fmt: skip

    def roster(self, console: Console, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"{path} does not exist")
        report = roster_import(actor=command_actor("patrol roster"), data=path.read_bytes(),
                               source=path.name)  # fmt: skip
        for row in report.rejected:
            self.stderr.write(f"line {row.line}: {row.reason}")
        if report.rejected:
            raise CommandError(f"{len(report.rejected)} rows could not be read: nothing imported")
        console.print(f"{report.created} shifts added, {report.updated} changed, "
                      f"{report.unchanged} unchanged")  # fmt: skip

    def scenario(self, console: Console, name: str, out: Path | None) -> None:
        scenario = Scenario.objects.filter(name=name).first()
        if scenario is None:
            raise CommandError(f"no scenario named {name!r}")
        pic = picture()
        if pic is None:
            raise CommandError("no workload yet: run `safercity patrol plan` first")
        judged = result(scenario, pic)
        table = Table(title=f"{scenario.name} beside today")
        for heading in ("District", "Measure", "Today", scenario.name):
            table.add_column(heading)
        for today, after in judged.pairs():
            for attr, label, form in MEASURES:
                table.add_row(today.district, label, show(getattr(today, attr), form),
                              show(getattr(after, attr), form))  # fmt: skip
        console.print(table)
        for problem in judged.outcome.problems:
            console.print(f"not made: {problem}")
        if out:
            out.write_text(results_csv([judged]), encoding="utf-8")
            console.print(f"written to {out}")
