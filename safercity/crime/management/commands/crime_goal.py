from __future__ import annotations

import csv
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safercity.accountability.selectors import homicide_goal
from safercity.core.textfiles import read_text_any
from safercity.crime.engine.its import interrupted_time_series
from safercity.crime.selectors import (
    YearToDate,
    homicides_by_month,
    homicides_by_year,
    homicides_year_to_date,
)


def month(text: str) -> date:
    try:
        year, number = text.strip()[:7].split("-")
        return date(int(year), int(number), 1)
    except ValueError:
        raise CommandError(f"not a month (YYYY-MM): {text!r}") from None


def read_comparison(path: Path) -> dict[date, float]:
    """A CSV with columns month (YYYY-MM) and value: a peer city's or the nation's series."""
    rows = csv.DictReader(read_text_any(path).splitlines())
    if not rows.fieldnames or {"month", "value"} - set(rows.fieldnames):
        raise CommandError("the comparison file needs the columns month and value")
    values = {}
    for line, row in enumerate(rows, start=2):
        try:
            values[month(row["month"])] = float(row["value"])
        except (CommandError, ValueError) as error:
            raise CommandError(f"comparison line {line}: {error}") from None
    return values


def _through(so_far: YearToDate) -> str:
    return f"January to {so_far.through:%B}" if so_far.months > 1 else "January"


class Command(BaseCommand):
    help = (
        "The homicide goal: yearly counts against the sourced 2020 baseline and the -30% target, "
        "and an interrupted-time-series estimate of the change since a month you name."
    )

    def _partial(self, so_far: YearToDate, target: int | None) -> str:
        """A partial year is compared with the same months, never with a whole year's target."""
        text = f"{so_far.year} ({_through(so_far)} only): {so_far.count}"
        if so_far.last_year is not None:
            text += f"; the same months of {so_far.year - 1}: {so_far.last_year}"
        if target is not None:
            text += f"; on pace for the target: at most {so_far.pace(target)} by now"
        return text

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--intervention", type=month, help="YYYY-MM the change began")
        parser.add_argument("--comparison", type=Path, help="CSV month,value of a peer or nation")

    def handle(self, *args: Any, **options: Any) -> None:
        goal = homicide_goal()
        if goal:
            self.stdout.write(
                f"baseline {goal.baseline.value:.0f} ({goal.baseline.source}); "
                f"target {goal.target} a year"
            )
        so_far = homicides_year_to_date()
        for year, count in homicides_by_year().items():
            if so_far and year == so_far.year and so_far.partial:
                self.stdout.write(self._partial(so_far, goal.target if goal else None))
                continue
            against = f" ({count - goal.target:+d} against the target)" if goal else ""
            self.stdout.write(f"{year}: {count}{against}")
        if not options["intervention"]:
            return
        series = homicides_by_month()
        months = sorted(series)
        comparison = None
        if options["comparison"]:
            values = read_comparison(options["comparison"])
            missing = [m for m in months if m not in values]
            if missing:
                raise CommandError(f"the comparison has no value for {missing[0]:%Y-%m}")
            comparison = [values[m] for m in months]
        try:
            result = interrupted_time_series(
                months, [series[m] for m in months], options["intervention"], comparison=comparison
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        against = " relative to the comparison" if comparison else ""
        self.stdout.write(
            f"change since {options['intervention']:%Y-%m}{against}: {result.describe()} "
            f"({result.months_before} months before, {result.months_after} after)"
        )
