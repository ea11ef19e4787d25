"""Equity Indicators computed from SaferCity's own records, comparing the neighborhoods where
one group is the majority of residents with those where the other is (the way the city's 2018
report compared use of force in majority-Black and majority-white neighborhoods):

- use of force: incidents per resident (incidents in those neighborhoods over their residents);
- 911 answer times: the mean seconds a 911 caller waited, until answered or until they hung
  up, by where the caller was (the share answered within NENA's 15 seconds is often 100% on
  both sides, leaving no ratio; the wait always has one);
- 311 time to close: the median days from request to closed, for requests closed that year.

Each value stored says where its number came from (which records, how many, which census). A
value entered by hand for the same year is never replaced: the analyst's figure stands."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.rollups import rollups_stale
from safercity.core.selectors import city_index
from safercity.emergency.models import Call, Incident
from safercity.equity import engine
from safercity.equity.indicators import DIRECTION_GROUPS, KEEPERS
from safercity.equity.models import Indicator, IndicatorValue
from safercity.equity.residents import Majorities, majorities
from safercity.service311.models import ServiceRequest
from safercity.useofforce.models import ForceIncident

Computed = Indicator.Computed
CHUNK = 5000


@dataclass(frozen=True)
class GroupFigure:
    rate: str  # as the values are written: "442/125018", "3.25"
    note: str  # what it counts, for the source


@dataclass(frozen=True)
class Outcome:
    indicator: str
    year: int
    status: str  # "saved", "kept" or "not computed"
    detail: str


@dataclass
class ComputeReport:
    year: int
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def saved(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "saved")


def _year_window(year: int) -> tuple[datetime, datetime, bool]:
    """The year's start and end (local time), the end capped at now; and whether it is cut
    short (the year to date)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time(), zone)
    end = datetime.combine(date(year + 1, 1, 1), time(), zone)
    now = timezone.now()
    return start, min(end, now), now < end


def _placer() -> Callable[[list[tuple[float, float]]], list[int | None]]:
    """A function giving the neighborhood number holding each (lon, lat)."""
    index = city_index()
    return lambda points: index.neighborhood_numbers([p[0] for p in points],
                                                     [p[1] for p in points])  # fmt: skip


def _group_of(number: int | None, found: Majorities, groups: tuple[str, str]) -> str | None:
    if number is None:
        return None
    for group in groups:
        if number in found.neighborhoods[group]:
            return group
    return None


def _use_of_force(
    start: datetime, end: datetime, found: Majorities, groups: tuple[str, str]
) -> dict[str, GroupFigure]:
    incidents = list(ForceIncident.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
                     .values_list("neighborhood", "lon", "lat"))  # fmt: skip
    unplaced = [(lon, lat) for hood, lon, lat in incidents
                if hood is None and lon is not None and lat is not None]  # fmt: skip
    placed = iter(_placer()(unplaced))
    counts = dict.fromkeys(groups, 0)
    for hood, lon, lat in incidents:
        number = hood if hood is not None else (
            next(placed) if lon is not None and lat is not None else None)  # fmt: skip
        group = _group_of(number, found, groups)
        if group is not None:
            counts[group] += 1
    if not any(counts.values()):  # no records is no comparison (not equity)
        return {
            g: GroupFigure("", f"no use-of-force incidents in majority-{DIRECTION_GROUPS[g]} "
                               "neighborhoods")
            for g in groups
        }  # fmt: skip
    return {g: GroupFigure(f"{counts[g]}/{found.residents[g]}",
                           f"{_many(counts[g], 'incident')} in majority-{DIRECTION_GROUPS[g]} "
                           f"neighborhoods ({found.residents[g]:,} residents)")
            for g in groups}  # fmt: skip


def _many(count: int, thing: str) -> str:
    return f"{count:,} {thing}" + ("" if count == 1 else "s")


def _answer_911(
    start: datetime, end: datetime, found: Majorities, groups: tuple[str, str]
) -> dict[str, GroupFigure]:
    calls = Call.objects.filter(line=Call.Line.EMERGENCY, exercise="", arrived_at__gte=start,
                                arrived_at__lt=end)  # fmt: skip
    # A year of calls is hundreds of thousands: placed and summed a chunk at a time.
    total, count = dict.fromkeys(groups, 0.0), dict.fromkeys(groups, 0)
    chunk: list[tuple[tuple[float, float], float]] = []

    numbers_at = _placer()

    def place_chunk() -> None:
        for (_, waited), number in zip(chunk, numbers_at([w for w, _ in chunk]), strict=True):
            group = _group_of(number, found, groups)
            if group is not None:
                total[group] += waited
                count[group] += 1
        chunk.clear()

    # Where a call has no point of its own, its CAD incident's (read apart: no join, see
    # emergency.exercises), the incidents of the year and a day either side.
    incident_at = {
        call: (lat, lon)
        for call, lat, lon in Incident.objects.filter(
            call_id__isnull=False, lat__isnull=False, lon__isnull=False,
            received_at__gte=start - timedelta(days=1), received_at__lt=end + timedelta(days=1),
        ).values_list("call_id", "lat", "lon")
    }  # fmt: skip
    for pk, arrived, answered, abandoned, lat, lon in calls.values_list(
        "pk", "arrived_at", "answered_at", "abandoned_at", "lat", "lon"
    ).iterator(chunk_size=CHUNK):
        if lat is None or lon is None:
            lat, lon = incident_at.get(pk, (None, None))
        ended = answered or abandoned
        if lat is None or lon is None or arrived is None or ended is None:
            continue
        chunk.append(((lon, lat), max(0.0, (ended - arrived).total_seconds())))
        if len(chunk) >= CHUNK:
            place_chunk()
    place_chunk()
    figures = {}
    for g in groups:
        where = f"majority-{DIRECTION_GROUPS[g]} neighborhoods"
        if not count[g]:
            figures[g] = GroupFigure("", f"no 911 calls from {where}")
            continue
        mean = total[g] / count[g]
        figures[g] = GroupFigure(f"{mean:.1f}", f"{mean:.1f} s waited on average by "
                                 f"{_many(count[g], '911 call')} from {where}")  # fmt: skip
    return figures


def _close_311(
    start: datetime, end: datetime, found: Majorities, groups: tuple[str, str]
) -> dict[str, GroupFigure]:
    closed = ServiceRequest.objects.filter(
        status=ServiceRequest.Status.CLOSED,
        closed_datetime__gte=start,
        closed_datetime__lt=end,
        parent__isnull=True,
    ).values_list("requested_datetime", "closed_datetime", "neighborhood__number", "long", "lat")
    rows: list[tuple[float, int | None]] = []
    unplaced: list[tuple[int, tuple[float, float]]] = []
    for requested, done, hood, lon, lat in closed.iterator(chunk_size=CHUNK):
        if done is None:
            continue
        days = max(0.0, (done - requested).total_seconds() / 86400)
        rows.append((days, hood))
        if hood is None and lon is not None and lat is not None:
            unplaced.append((len(rows) - 1, (lon, lat)))
    for (index, _), found_at in zip(unplaced, _placer()([p for _, p in unplaced]), strict=True):
        rows[index] = (rows[index][0], found_at)
    days_by: dict[str, list[float]] = {g: [] for g in groups}
    for days, number in rows:
        group = _group_of(number, found, groups)
        if group is not None:
            days_by[group].append(days)
    figures = {}
    for g in groups:
        middle = engine.median(days_by[g])
        where = f"majority-{DIRECTION_GROUPS[g]} neighborhoods"
        if middle is None:
            figures[g] = GroupFigure("", f"no 311 requests closed in {where}")
        else:
            closed_here = _many(len(days_by[g]), "request")
            figures[g] = GroupFigure(
                f"{middle:.2f}", f"median {middle:.2f} days to close {closed_here} in {where}"
            )
    return figures


MEASURES: dict[str, tuple[str, Callable[..., dict[str, GroupFigure]]]] = {
    Computed.USE_OF_FORCE: ("its use-of-force reports", _use_of_force),
    Computed.ANSWER_911: ("its 911 calls", _answer_911),
    Computed.CLOSE_311: ("its closed 311 requests", _close_311),
}


def _compute_one(
    indicator: Indicator, year: int, found: Majorities | None, now: datetime
) -> tuple[str, str, str, str]:
    """(first rate, second rate, source, span) for an indicator's year; ValueError saying why
    not."""
    groups = tuple(indicator.direction.split("-"))
    if len(groups) != 2 or any(g not in ("B", "W", "H") for g in groups):
        raise ValueError(f"neighborhoods have a majority only of Black, white or Hispanic "
                         f"residents; the direction is {indicator.direction}")  # fmt: skip
    if found is None:
        raise ValueError("no residents by neighborhood and race are loaded")
    for g in groups:
        if not found.neighborhoods[g]:
            raise ValueError(f"no neighborhood has a {DIRECTION_GROUPS[g]} majority in the "
                             f"{found.census_year} residents")  # fmt: skip
    start, end, partial = _year_window(year)
    if end <= start:
        raise ValueError(f"{year} has not begun")
    records, measure = MEASURES[indicator.computed_from]
    figures = measure(start, end, found, groups)
    first, second = figures[groups[0]], figures[groups[1]]
    for figure in (first, second):
        if not figure.rate:
            raise ValueError(f"nothing to compare: {figure.note}")
    try:
        engine.disparity_ratio(engine.parse_rate(first.rate), engine.parse_rate(second.rate))
    except ValueError:
        raise ValueError(f"no ratio: {second.note}") from None
    today = timezone.localdate(now)
    span = f"1 January to {today.day} {today:%B} {year}" if partial else str(year)
    source = (f"Computed by SaferCity on {today:%Y-%m-%d} from {records}, "
              f"{span}: {first.note}; {second.note}. Residents: {found.census_year}, "
              f"{found.source}")  # fmt: skip
    return first.rate, second.rate, source[:300], span


@requires(*KEEPERS)
def indicators_compute(*, actor: Actor, year: int) -> ComputeReport:
    """Compute the year's value of every indicator the framework marks as computed from
    SaferCity's records, replacing earlier computed values and keeping entered ones."""
    if not 1990 <= year <= 2100:
        raise InputRefused(f"The year {year} is out of range.")
    report = ComputeReport(year)
    chosen = Indicator.objects.exclude(computed_from="").order_by("order", "name")
    if not chosen.exists():
        raise InputRefused(
            "No indicator in the framework is marked as computed from "
            "SaferCity's records (the framework's computed_from column)."
        )
    found = majorities(year)
    now = timezone.now()
    existing = {
        v.indicator_id: v for v in IndicatorValue.objects.filter(year=year, indicator__in=chosen)
    }
    with transaction.atomic():
        for indicator in chosen:
            kept = existing.get(indicator.pk)
            if kept is not None and kept.computed_at is None:
                report.outcomes.append(
                    Outcome(
                        indicator.name, year, "kept", f"entered by {kept.entered_by}: {kept.source}"
                    )
                )
                continue
            try:
                first, second, source, span = _compute_one(indicator, year, found, now)
            except ValueError as problem:
                why = str(problem)
                if kept is not None:
                    why += f" (the value computed on {timezone.localdate(kept.computed_at)} stays)"
                report.outcomes.append(Outcome(indicator.name, year, "not computed", why))
                continue
            IndicatorValue.objects.update_or_create(
                indicator=indicator, year=year,
                defaults={"first_rate": first, "second_rate": second, "published_score": None,
                          "source": source, "entered_by": actor_label(actor),
                          "entered_at": now, "computed_at": now},
            )  # fmt: skip
            report.outcomes.append(
                Outcome(indicator.name, year, "saved", f"{first} and {second} ({span})")
            )
        audit_write(actor=actor, action="equity.indicators.compute",
                    detail={"year": year, "outcomes": [(o.indicator, o.status)
                                                       for o in report.outcomes]})  # fmt: skip
        rollups_stale("equity:indicators", "scorecard")
    return report


def years_to_compute(today: date) -> Iterable[int]:
    """What the task worker keeps current: last year (complete) and this year so far."""
    return (today.year - 1, today.year)
