"""Residents by neighborhood and race: a census table the analyst imports (a CSV, or the
properties of a GeoJSON file such as the 2020 Census counts by St. Louis neighborhood), so that
indicators can compare majority-Black neighborhoods with majority-white ones, as the city's
2018 Equity Indicators compared use of force. One year's table replaces that year's; a file with
any bad row imports nothing, and every bad row is listed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.models import Neighborhood
from safercity.core.permissions import requires
from safercity.core.rollups import rollups_stale
from safercity.core.tabular import FileRefused, Rejected, read_table
from safercity.equity import engine
from safercity.equity.indicators import KEEPERS
from safercity.equity.models import NeighborhoodResidents

# Each of our columns and the names other exports give it (the Census Bureau's, the city's
# neighborhood layer's, the geocrime-stl package's), tried in order.
NUMBER_COLUMNS = ("neighborhood_id", "nhd_num", "neighborhood_number", "number", "neighborhood")
NAME_COLUMNS = ("neighborhood_name", "nhd_name", "name", "neighborhood")
COLUMNS = {
    "total": ("total", "total_population", "population", "tot_pop", "residents"),
    "white": ("white", "pop_white_alone", "white_alone", "white alone"),
    "black": ("black", "pop_black_alone", "black_alone", "black alone",
              "black or african american alone"),
    "hispanic": ("hispanic", "pop_hispanic_latino", "hispanic_latino", "hispanic or latino"),
}  # fmt: skip
LEFT_OUT_SHOWN = 200


@dataclass(frozen=True)
class LeftOut:
    line: int
    neighborhood: str
    residents: int


@dataclass
class ResidentsReport:
    rows: int = 0
    saved: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _rows(data: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[Rejected]]:
    """(line, values by lower-case column) for a CSV's rows or a GeoJSON's features (a
    feature's "line" is its place in the file, from 1)."""
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            raise InputRefused("The file looks like JSON but cannot be read as JSON.") from None
        features = document.get("features") if isinstance(document, dict) else None
        if not isinstance(features, list):
            raise InputRefused("A JSON file must be a GeoJSON FeatureCollection.")
        rows: list[tuple[int, dict[str, str]]] = []
        for index, feature in enumerate(features, start=1):
            properties = feature.get("properties") if isinstance(feature, dict) else None
            if not isinstance(properties, dict):
                rows.append((index, {}))
                continue
            rows.append((index, {str(k).strip().lower(): "" if v is None else str(v).strip()
                                 for k, v in properties.items()}))  # fmt: skip
        return rows, []
    try:
        table = read_table(data)
    except FileRefused as refused:
        raise InputRefused(f"The file cannot be read: {refused}.") from None
    return [(row.line, dict(row.values)) for row in table.rows], list(table.rejected)


def _first(values: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if values.get(name, "").strip():
            return values[name].strip()
    return ""


def _count(text: str, what: str) -> int:
    cleaned = text.replace(",", "").replace(" ", "")
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        raise ValueError(f"the {what} count {text!r} is not a whole number")
    return int(cleaned)


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@requires(*KEEPERS)
def residents_import(
    *, actor: Actor, data: bytes, year: int, source: str, leave_out_unmapped: bool = False
) -> ResidentsReport:
    """One year's residents by neighborhood: a neighborhood (its number or name), all
    residents, white, Black and (optionally) Hispanic residents. Neighborhoods not on the
    city's map are refused, or with `leave_out_unmapped` left out and listed."""
    if not 1990 <= year <= 2100:
        raise InputRefused(f"The year {year} is out of range.")
    source = source.strip()[:300]
    if not source:
        raise InputRefused("Say where the figures come from (the census table, its year).")
    rows, rejected = _rows(data)
    report = ResidentsReport(rows=len(rows), rejected=rejected)
    if not rows:
        raise InputRefused("The file has no rows.")
    columns = set().union(*(values.keys() for _, values in rows))
    missing = [ours for ours, names in COLUMNS.items()
               if ours != "hispanic" and not columns.intersection(names)]  # fmt: skip
    if missing:
        raise InputRefused("The file has no column for " + ", ".join(missing) + " residents "
                           f"(looked for {', '.join(COLUMNS[missing[0]])}).")  # fmt: skip
    by_number = {n.number: n for n in Neighborhood.objects.all()}
    by_name = {_key(n.name): n for n in by_number.values()}
    if not by_number:
        raise InputRefused("The city's map has no neighborhoods yet: import them first.")
    parsed: dict[int, tuple[Neighborhood, int, int, int, int | None]] = {}
    for line, values in rows:
        try:
            found, said = _neighborhood(values, by_number, by_name)
            counts = {ours: _first(values, names) for ours, names in COLUMNS.items()}
            total = _count(counts["total"], "total")
            white, black = _count(counts["white"], "white"), _count(counts["black"], "Black")
            hispanic = _count(counts["hispanic"], "Hispanic") if counts["hispanic"] else None
            for what, count in (("white", white), ("Black", black), ("Hispanic", hispanic)):
                if count is not None and count > total:
                    raise ValueError(f"more {what} residents ({count:,}) than residents "
                                     f"({total:,})")  # fmt: skip
            if found is None:
                if leave_out_unmapped:
                    report.left_out.append(LeftOut(line, said, total))
                    continue
                raise ValueError(f"no neighborhood {said!r} on the city's map")
            if found.pk in parsed:
                raise ValueError(f"{found.name} ({found.number}) is in the file twice")
            parsed[found.pk] = (found, total, white, black, hispanic)
        except ValueError as problem:
            report.rejected.append(Rejected(line, str(problem)))
    if report.rejected:
        return report
    now, who = timezone.now(), actor_label(actor)
    with transaction.atomic():
        NeighborhoodResidents.objects.filter(year=year).delete()
        NeighborhoodResidents.objects.bulk_create(
            NeighborhoodResidents(neighborhood=hood, year=year, total=total, white=white,
                                  black=black, hispanic=hispanic, source=source,
                                  entered_by=who, entered_at=now)
            for hood, total, white, black, hispanic in parsed.values()
        )  # fmt: skip
        report.saved = len(parsed)
        audit_write(actor=actor, action="equity.residents.import",
                    detail={"year": year, "rows": len(parsed), "source": source,
                            "left_out": [r.neighborhood for r in report.left_out]})  # fmt: skip
        rollups_stale("equity:indicators")
    return report


def _neighborhood(
    values: dict[str, str], by_number: dict[int, Neighborhood], by_name: dict[str, Neighborhood]
) -> tuple[Neighborhood | None, str]:
    """The neighborhood a row names, by number first, then by name; and what the row said."""
    number = _first(values, NUMBER_COLUMNS)
    if re.fullmatch(r"\d{1,9}(\.0+)?", number):
        return by_number.get(int(float(number))), number
    name = _first(values, NAME_COLUMNS)
    if not name:
        raise ValueError("the row names no neighborhood (a number or a name)")
    return by_name.get(_key(name)), name


@dataclass(frozen=True)
class Majorities:
    """Which neighborhoods (by number) have a majority of each group, and their residents."""

    census_year: int
    source: str
    neighborhoods: dict[str, frozenset[int]]
    residents: dict[str, int]


def majorities(year: int) -> Majorities | None:
    """The neighborhoods' majorities by the census nearest before `year` (the earliest loaded
    when none is before it); parks and other non-residential areas left out. None when no
    residents are loaded."""
    years = sorted(set(NeighborhoodResidents.objects.values_list("year", flat=True)))
    if not years:
        return None
    census = max((y for y in years if y <= year), default=years[0])
    hoods: dict[str, set[int]] = {"B": set(), "W": set(), "H": set()}
    residents = dict.fromkeys(hoods, 0)
    sources = set()
    rows = NeighborhoodResidents.objects.filter(year=census, neighborhood__is_park=False)
    for row in rows.select_related("neighborhood"):
        sources.add(row.source)
        group = engine.majority(row.total, {"B": row.black, "W": row.white, "H": row.hispanic})
        if group is not None:
            hoods[group].add(row.neighborhood.number)
            residents[group] += row.total
    return Majorities(census, "; ".join(sorted(sources))[:300],
                      {g: frozenset(n) for g, n in hoods.items()}, residents)  # fmt: skip


def residents_summary() -> list[dict[str, Any]]:
    """Each loaded year: neighborhoods, residents, and how many neighborhoods and residents
    have a Black, a white or a Hispanic majority (the staff page shows it)."""
    summary = []
    for year in sorted(set(NeighborhoodResidents.objects.values_list("year", flat=True))):
        found = majorities(year)
        rows = NeighborhoodResidents.objects.filter(year=year)
        summary.append({
            "year": year,
            "neighborhoods": rows.count(),
            "residents": sum(rows.values_list("total", flat=True)),
            "source": found.source if found else "",
            "groups": {g: (len(found.neighborhoods[g]), found.residents[g])
                       for g in ("B", "W", "H")} if found else {},
        })  # fmt: skip
    return summary
