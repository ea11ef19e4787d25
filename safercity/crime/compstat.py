"""CompStat-style tables: the last week, 28 days and year to date, against the same periods a
year earlier, by police district or neighborhood; rates per 100,000; hot spots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

import h3
from django.db.models import Case, F, IntegerField, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from safercity.core.models import Neighborhood
from safercity.crime.models import CrimeRecord

Area = Literal["district", "neighborhood"]
# Window labels are English in the data; pages translate them (the catalog has them).
PERIODS = (gettext_noop("week"), gettext_noop("28 days"), gettext_noop("year to date"))
H3_RESOLUTION = 8  # hexagons of about 0.7 square kilometres


@dataclass(frozen=True)
class Window:
    label: str
    start: datetime
    end: datetime  # exclusive

    def year_before(self) -> Window:
        return Window(self.label, _year_back(self.start), _year_back(self.end))


def _year_back(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def windows(as_of: date) -> list[Window]:
    """The three periods ending with `as_of` (inclusive), in the city's time zone."""
    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time()))
    year_start = timezone.make_aware(datetime.combine(date(as_of.year, 1, 1), time()))
    return [
        Window("week", end - timedelta(days=7), end),
        Window("28 days", end - timedelta(days=28), end),
        Window("year to date", year_start, end),
    ]


def incomplete(as_of: date, first: date, last: date) -> list[str]:
    """What the records leave out of each period ending `as_of` and of its year-before
    period, given the first and last days they cover: a partial period said in words (in the
    active language)."""
    notes = []
    for window in windows(as_of):
        end = window.end.date() - timedelta(days=1)
        if end > last:
            notes.append(
                _("{period}: the records end {last}, {days} days before this period does").format(
                    period=_(window.label), last=f"{last:%Y-%m-%d}", days=(end - last).days
                )
            )
        before = window.year_before()
        if before.start.date() < first:
            notes.append(
                _(
                    "{period}, a year before: the records begin {first}, after that period "
                    "began ({began})"
                ).format(
                    period=_(window.label),
                    first=f"{first:%Y-%m-%d}",
                    began=f"{before.start.date():%Y-%m-%d}",
                )
            )
    return notes


@dataclass(frozen=True)
class CompstatRow:
    area: str
    current: list[int]  # one per period
    prior: list[int]

    def change(self, index: int) -> float | None:
        before = self.prior[index]
        return None if before == 0 else (self.current[index] - before) / before


def _summed(window: Window) -> Sum:
    return Sum(
        Case(
            When(occurred_at__gte=window.start, occurred_at__lt=window.end, then=F("count")),
            default=0,
            output_field=IntegerField(),
        )
    )


def compstat(
    as_of: date, *, by: Area = "district", ucr_classes: list[int] | None = None
) -> list[CompstatRow]:
    periods = windows(as_of)
    earliest = min(w.year_before().start for w in periods)
    records = CrimeRecord.objects.filter(occurred_at__gte=earliest, occurred_at__lt=periods[0].end)
    if ucr_classes:
        records = records.filter(ucr_class__in=ucr_classes)
    if by == "district":
        # Districts changed in 2014; a comparison over the change uses each record's own plan.
        key = ["district_plan", "district"]
        records = records.exclude(district=0)
    else:
        key = ["neighborhood_number"]
        records = records.exclude(neighborhood_number=0)
    sums = {f"c{i}": _summed(w) for i, w in enumerate(periods)}
    sums |= {f"p{i}": _summed(w.year_before()) for i, w in enumerate(periods)}
    rows = records.values(*key).annotate(**sums).order_by(*key)
    names = dict(Neighborhood.objects.values_list("number", "name"))
    table = []
    for row in rows:
        if by == "district":
            label = f"District {row['district']} ({row['district_plan']} map)"
        else:
            label = names.get(
                row["neighborhood_number"], f"Neighborhood {row['neighborhood_number']}"
            )
        table.append(
            CompstatRow(
                area=label,
                current=[row[f"c{i}"] or 0 for i in range(len(periods))],
                prior=[row[f"p{i}"] or 0 for i in range(len(periods))],
            )
        )
    return table


def occurred_between(start: date, end: date) -> Q:
    """Occurred on local days [start, end): a range on the column itself, so its index is used
    (a lookup on the column's date would wrap it in a function on SQLite)."""
    zone = timezone.get_current_timezone()
    return Q(
        occurred_at__gte=datetime.combine(start, time(), zone),
        occurred_at__lt=datetime.combine(end, time(), zone),
    )


@dataclass(frozen=True)
class RateRow:
    number: int
    name: str
    count: int
    population: int | None
    per_100k: float | None  # None where the population is too small to rate


MIN_POPULATION = 500


def rates_per_100k(start: date, end: date, ucr_classes: list[int] | None = None) -> list[RateRow]:
    """Crimes per 100,000 residents by neighborhood, for records that occurred in [start, end)."""
    records = CrimeRecord.objects.filter(occurred_between(start, end), neighborhood_number__gt=0)
    if ucr_classes:
        records = records.filter(ucr_class__in=ucr_classes)
    counts = dict(
        records.values("neighborhood_number")
        .annotate(total=Sum("count"))
        .values_list("neighborhood_number", "total")
    )
    rows = []
    for hood in Neighborhood.objects.order_by("number"):
        count = counts.get(hood.number, 0) or 0
        rated = hood.population is not None and hood.population >= MIN_POPULATION
        rows.append(
            RateRow(
                hood.number,
                hood.name,
                count,
                hood.population,
                count / hood.population * 100_000 if rated and hood.population else None,
            )
        )
    return rows


def hexagon_counts(
    start: date, end: date, ucr_classes: list[int] | None = None, resolution: int = H3_RESOLUTION
) -> dict[str, int]:
    """Crimes per H3 hexagon (located records only)."""
    records = CrimeRecord.objects.filter(occurred_between(start, end)).exclude(
        Q(lat=None) | Q(lon=None)
    )
    if ucr_classes:
        records = records.filter(ucr_class__in=ucr_classes)
    totals: dict[str, int] = {}
    for lat, lon, count in records.values_list("lat", "lon", "count").iterator(chunk_size=20_000):
        cell = h3.latlng_to_cell(lat, lon, resolution)
        totals[cell] = totals.get(cell, 0) + count
    return {cell: total for cell, total in totals.items() if total != 0}


def hexagon_feature(cell: str, value: int | None) -> dict[str, Any]:
    ring = [[lon, lat] for lat, lon in h3.cell_to_boundary(cell)]
    ring.append(ring[0])
    return {
        "type": "Feature",
        "properties": {"cell": cell, "count": value},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
