"""Peer cities' yearly homicides: read from a published table, stored, and set against the
home city's change (engine/peers.py).

Two shapes of table are read, as agencies and newsrooms publish them:
- wide: `city`, `state`, then a column per year (`2014_murders`, `2015 homicides`, `2016`);
- long: `city`, `state`, `year`, `homicides` (or `murders`).
A file with any rejected row changes nothing, and every rejected row is reported with why."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.importing import Upsert
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.tabular import FileRefused, Rejected, read_table
from safercity.crime.engine.peers import PeerComparison, peer_comparison
from safercity.crime.models import PeerHomicides

_YEAR_COLUMN = re.compile(r"^(\d{4})(?:[ _-]?(?:murders|homicides))?$")
_COUNT_NAMES = ("homicides", "murders")
FIRST_YEAR = 1930  # the first year of the FBI's Uniform Crime Reports


@dataclass
class PeerFile:
    figures: dict[tuple[str, str, int], int] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)
    years: set[int] = field(default_factory=set)


def _count(text: str) -> int:
    cleaned = text.replace(",", "").strip()
    if not cleaned.isdigit():
        raise ValueError(f"{text!r} is not a whole number of homicides")
    return int(cleaned)


def _year(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError(f"{text!r} is not a year")
    year = int(text)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValueError(f"{year} is not a year with published counts")
    return year


def read_peer_file(data: bytes | str) -> PeerFile:
    """Every city-year the table gives; FileRefused when it is not such a table at all."""
    table = read_table(data, required=("city",))
    wide = {name: int(m.group(1)) for name in table.names if (m := _YEAR_COLUMN.match(name))}
    count_name = next((name for name in _COUNT_NAMES if name in table.names), "")
    if not wide and not ("year" in table.names and count_name):
        raise FileRefused(
            "the file needs a column per year (like 2015_murders) or the columns year and homicides"
        )
    read = PeerFile(rejected=list(table.rejected))
    for row in table.rows:
        city, state = " ".join(row.get("city").split()), " ".join(row.get("state").split())
        if not city:
            read.rejected.append(Rejected(row.line, "no city"))
            continue
        try:
            if wide:
                pairs = [(year, _count(row.get(name))) for name, year in wide.items()]
            else:
                pairs = [(_year(row.get("year")), _count(row.get(count_name)))]
        except ValueError as error:
            read.rejected.append(Rejected(row.line, f"{city}: {error}"))
            continue
        for year, count in pairs:
            key = (city, state, year)
            if key in read.figures:
                read.rejected.append(Rejected(row.line, f"{city} {year} is given twice"))
                break
            read.figures[key] = count
            read.years.add(year)
    return read


@dataclass(frozen=True)
class PeerImport:
    stored: int  # city-years written (new or changed)
    unchanged: int
    rejected: list[Rejected]
    years: list[int]


@requires(Role.ADMINISTRATOR, Role.ANALYST, Role.PROGRAM_STAFF)
def import_peer_file(*, actor: Actor, data: bytes | str, source: str) -> PeerImport:
    """Store a peer table's counts (replacing earlier counts for the same city and year), or,
    when any row is rejected, store nothing and say which rows and why."""
    source = " ".join(source.split())
    if not source:
        raise FileRefused("say where the figures come from (the source)")
    read = read_peer_file(data)
    if read.rejected:
        return PeerImport(0, 0, read.rejected, sorted(read.years))
    now = timezone.now()
    with transaction.atomic():
        existing = PeerHomicides.objects.filter(year__in=read.years).select_for_update()
        upsert = Upsert(PeerHomicides, {(p.city, p.state, p.year): p for p in existing})
        for (city, state, year), count in read.figures.items():
            upsert.add(
                (city, state, year), {"homicides": count, "source": source},
                city=city, state=state, year=year, imported_at=now,
            )  # fmt: skip
        for changed in upsert.changed:  # a count replaced is stored again now
            changed.imported_at = now
        if upsert.changed:
            upsert.fields.add("imported_at")
        created, updated = upsert.save()
        stored, unchanged = created + updated, upsert.unchanged
        audit_write(
            actor=actor,
            action="crime.peers.import",
            detail={"stored": stored, "unchanged": unchanged, "years": sorted(read.years)},
        )
    return PeerImport(stored, unchanged, [], sorted(read.years))


def _key(name: str) -> str:
    """St. Louis, St Louis and Saint Louis are one city."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9 ]", " ", plain).split()
    return " ".join("st" if word == "saint" else word for word in words)


def peer_years() -> list[int]:
    return list(PeerHomicides.objects.values_list("year", flat=True).distinct().order_by("year"))


@dataclass(frozen=True)
class PeerResult:
    comparison: PeerComparison | None
    why_not: str
    home_from_table: bool  # the home city's counts came from the same table as its peers'
    source: str


def compare_with_peers(
    year_from: int, year_to: int, own_counts: dict[int, int] | None = None
) -> PeerResult:
    """The home city against every other city with counts for both years. The home city's own
    counts come from the peer table when it is there (the same counting rules as its peers),
    otherwise from `own_counts` (its crime records, by year)."""
    rows = PeerHomicides.objects.filter(year__in=(year_from, year_to))
    home_key = _key(settings.SAFERCITY_CITY_NAME)
    pairs: dict[tuple[str, str], dict[int, int]] = {}
    sources = set()
    for row in rows:
        pairs.setdefault((row.city, row.state), {})[row.year] = row.homicides
        sources.add(row.source)
    both = {k: (v[year_from], v[year_to]) for k, v in pairs.items() if len(v) == 2}
    home_rows = [pair for (city, _), pair in both.items() if _key(city) == home_key]
    peers = {f"{c}, {s}" if s else c: p for (c, s), p in both.items() if _key(c) != home_key}
    source = "; ".join(sorted(sources))
    from_table = len(home_rows) == 1  # two cities of that name: neither is taken for it
    home: tuple[int, int] | None = None
    if from_table:
        home = home_rows[0]
    elif own_counts and year_from in own_counts and year_to in own_counts:
        home = (own_counts[year_from], own_counts[year_to])
    if home is None:
        city = settings.SAFERCITY_CITY_NAME
        return PeerResult(
            None, f"there are no counts of {city}'s homicides for both {year_from} and {year_to}",
            False, source,
        )  # fmt: skip
    try:
        comparison = peer_comparison(home, peers, year_from, year_to)
    except ValueError as error:
        return PeerResult(None, str(error), from_table, source)
    return PeerResult(comparison, "", from_table, source)
