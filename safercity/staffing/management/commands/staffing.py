from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from safercity.core.textfiles import read_bytes_maybe_gzip
from safercity.staffing.anonbank import read_anonbank
from safercity.staffing.engine.replay import by_day, mean_errors, replay_days
from safercity.staffing.planning import plan_from_csv
from safercity.staffing.report import render_report, shifts_csv


class Command(BaseCommand):
    help = (
        "Call-taker staffing: `staffing plan CALLS.csv` writes a weekly plan and its report; "
        "`staffing replay TRACE.csv` compares a simulated day with the real one."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        plan = actions.add_parser("plan", help="plan next week's shifts from call history")
        plan.add_argument("calls", type=Path, help="CSV: arrived_at, handle_s[, wait_s, abandoned]")
        plan.add_argument("--out", type=Path, help="folder for shifts.csv and report.html")
        plan.add_argument("--aht", type=float, help="average handle time, s (default: the file's)")
        plan.add_argument("--patience", type=float, help="callers' mean patience, s")
        plan.add_argument("--shrinkage", type=float, default=0.3)
        plan.add_argument("--week-start", type=date.fromisoformat, help="a Monday, YYYY-MM-DD")
        replay = actions.add_parser(
            "replay", help="replay a real day through the simulator and compare"
        )
        replay.add_argument(
            "trace", type=Path, help="Anonymous Bank format call trace (CSV, or CSV.gz)"
        )
        replay.add_argument("--seeds", type=int, default=3, help="replays per staffing rule")
        replay.add_argument("--day", help="replay only this date of the trace (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "replay":
            self.replay(options["trace"], options["seeds"], options["day"])
        else:
            self.plan(**options)

    def replay(self, path: Path, seeds: int, day: str | None = None) -> None:
        """Each day of the trace replayed on its own (a month is thirty days, not one piled
        onto a single clock), then how far each staffing rule was off, on average, per day."""
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        try:
            calls, rejected = read_anonbank(read_bytes_maybe_gzip(path))
        except ValueError as error:
            raise CommandError(f"{path.name}: {error}") from None
        for row in rejected:
            self.stderr.write(f"not replayed, line {row.line}: {row.reason}")
        days = by_day(calls)
        if day is not None:
            if day not in days:
                raise CommandError(f"the trace has no calls on {day} (it has {', '.join(days)})")
            days = {day: days[day]}
        if not days:
            raise CommandError("the trace has no calls that reached the queue")
        header = f"{'':50} {'hung up':>8} {'mean wait':>10} {'in 20 s':>8} {'in 60 s':>8}"
        replays = replay_days(days, seeds)
        for replay in replays:
            if len(days) > 1:
                calls_that_day = len(days[replay.day])
                self.stdout.write(f"{replay.day or '(no date)'}: {calls_that_day:,} calls")
            rows = [("observed", replay.observed)]
            rows += [(f"simulated, {label}", found) for label, found in replay.simulated.items()]
            self.stdout.write(header)
            for label, outcome in rows:
                self.stdout.write(
                    f"{label:50} {outcome.abandonment:8.1%} {outcome.mean_wait_answered_s:9.0f}s "
                    f"{outcome.answered_within[20]:8.1%} {outcome.answered_within[60]:8.1%}"
                )
        if len(days) > 1:
            self.stdout.write(f"mean absolute error per day over {len(days)} days:")
            for rule, (hung_up, within) in mean_errors(replays).items():
                self.stdout.write(
                    f"  {rule:48} hung up {hung_up * 100:4.1f} points, "
                    f"in 20 s {within * 100:4.1f} points"
                )

    def plan(self, **options: Any) -> None:
        path: Path = options["calls"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        with Progress(transient=True, disable=options["verbosity"] == 0) as bar:
            task = bar.add_task("reading calls", total=6)

            def step(message: str) -> None:
                bar.update(task, advance=1, description=message)

            try:
                outcome = plan_from_csv(
                    read_bytes_maybe_gzip(path),
                    aht_s=options["aht"],
                    patience_s=options["patience"],
                    shrinkage=options["shrinkage"],
                    week_start=options["week_start"],
                    progress=step,
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            bar.update(task, completed=6)
        for row in outcome.history.rejected:
            self.stderr.write(f"rejected line {row.line}: {row.reason}")
        plan = outcome.plan
        out: Path = options["out"] or settings.VAR_DIR / "staffing" / f"plan-{plan.week_start}"
        out.mkdir(parents=True, exist_ok=True)
        (out / "shifts.csv").write_text(shifts_csv(plan), encoding="utf-8")
        report = render_report(
            plan,
            source=path.name,
            rejected=outcome.history.rejected,
            patience_note=outcome.patience_note,
        )
        (out / "report.html").write_text(report, encoding="utf-8")
        checked = plan.verification
        self.stdout.write(
            f"week of {plan.week_start}: {len(plan.plan.shifts)} shifts, "
            f"{plan.plan.staff_hours:.0f} staff-hours (lower bound "
            f"{plan.plan.lower_bound_hours:.1f}); simulated {checked.service_level[15]:.1%} "
            f"within 15 s, {checked.service_level[20]:.1%} within 20 s"
        )
        self.stdout.write(f"wrote {out / 'shifts.csv'} and {out / 'report.html'}")
