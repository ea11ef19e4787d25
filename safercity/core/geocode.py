"""The city's one geocoder: addresses as people type them, matched with the address list.

`lookup` reads a typed address ("1140 north twelfth street, St. Louis MO"), normalizes it to
Publication 28 (`core.addresses`) and matches house number and street; when nothing matches
exactly it offers the nearest candidates (the same street with another direction or type, a
street spelt nearly the same, the nearest house number on it). A corner ("12th and Market")
is placed where the two streets meet. `nearest` turns a map point into the nearest address.
Both the 311 and the properties apps use it.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, F, Max, Value
from django.db.models.functions import Abs

from safercity.core.addresses import (
    DIRECTIONS,
    SUFFIXES,
    corner_streets,
    parse_street_line,
    street_core,
)
from safercity.core.geo import distance_m
from safercity.core.models import Address

MAX_SUGGESTIONS = 5
NEAREST_WITHIN_M = 150.0
CORNER_WITHIN_M = 120.0
NUMBER_GAP = 200  # a suggested house number at most two blocks from the one typed


@dataclass(frozen=True)
class Place:
    """A located place: an address from the list, or a corner between two streets."""

    label: str
    lat: float
    lon: float
    address: Address | None = None


@dataclass(frozen=True)
class Lookup:
    text: str
    place: Place | None = None  # the match, when there is exactly one
    suggestions: list[Place] = field(default_factory=list)  # when there is none
    understood: bool = True  # False: no house number and street, and not a corner

    @property
    def found(self) -> bool:
        return self.place is not None


class _Streets:
    """The distinct streets of the address list, by their core name, and the streets drawn as
    lines: both rebuilt only when the address list has changed."""

    def __init__(self) -> None:
        self.version: tuple[int, int | None] = (-1, None)
        self.by_core: dict[str, set[str]] = {}
        self.lines: list[tuple[str, list[tuple[float, float]]]] | None = None

    def _refresh(self) -> None:
        stats = Address.objects.aggregate(n=Count("id"), last=Max("id"))
        version = (int(stats["n"]), stats["last"])
        if version != self.version:
            by_core: dict[str, set[str]] = defaultdict(set)
            for key in Address.objects.values_list("street_key", flat=True).distinct():
                by_core[street_core(key)].add(key)
            self.by_core, self.lines, self.version = dict(by_core), None, version

    def current(self) -> dict[str, set[str]]:
        self._refresh()
        return self.by_core

    def drawn(self) -> list[tuple[str, list[tuple[float, float]]]]:
        self._refresh()
        if self.lines is None:
            self.lines = _street_segments()
        return self.lines


_STREETS = _Streets()


def _place(address: Address) -> Place:
    return Place(label=str(address), lat=address.lat, lon=address.lon, address=address)


def _nearest_number(keys: set[str], number: int) -> list[Address]:
    """On each street, the address whose house number is nearest the one typed."""
    gap = Abs(F("house_number") - Value(number))
    out = []
    for key in sorted(keys):
        found = Address.objects.filter(street_key=key).order_by(gap, "house_number").first()
        if found is not None:
            out.append(found)
    return out


def _similar_streets(line_street: str, core: str, streets: dict[str, set[str]]) -> list[str]:
    """Street cores spelt nearly like the one typed, by its own name or its whole key (so a
    mistyped type, "12th Stret", still finds "12TH ST")."""
    found = difflib.get_close_matches(core, list(streets), n=3, cutoff=0.75)
    of_key = {key: c for c, keys in streets.items() for key in keys}
    for key in difflib.get_close_matches(line_street, list(of_key), n=3, cutoff=0.8):
        if of_key[key] not in found:
            found.append(of_key[key])
    return found


def _fits(typed: str, key: str) -> bool:
    """Whether a stored street agrees with every part that was typed (a direction or type
    left out agrees with any)."""
    typed_parts, stored = typed.split(), key.split()
    for end in (0, -1):
        directed = typed_parts[end] in DIRECTIONS.values() and len(typed_parts) > 1
        if directed and stored[end] != typed_parts[end]:
            return False
    suffix = [t for t in typed_parts[1:] if t in SUFFIXES.values()]
    return all(t in stored for t in suffix)


def lookup(text: str) -> Lookup:
    text = " ".join((text or "").split())
    line = parse_street_line(text)
    if line is None:
        corner = corner_streets(text)
        if corner is None:
            return Lookup(text, understood=False)
        return _corner(text, *corner)
    exact = list(Address.objects.filter(house_number=line.number, street_key=line.street))
    if line.unit:
        with_unit = [a for a in exact if a.unit.upper() == line.unit.upper()]
        exact = with_unit or exact
    if len(exact) == 1 or (exact and len({(a.lat, a.lon) for a in exact}) == 1):
        return Lookup(text, place=_place(exact[0]))
    if exact:  # several units at different points: let the person choose
        return Lookup(text, suggestions=[_place(a) for a in exact[:MAX_SUGGESTIONS]])
    streets = _STREETS.current()
    same_core = streets.get(line.core, set())
    cores = [line.core] if same_core else _similar_streets(line.street, line.core, streets)
    keys = set().union(*(streets[c] for c in cores)) if cores else set()
    numbered = Address.objects.filter(house_number=line.number, street_key__in=keys)
    if same_core:  # "1140 N 12th" is 1140 N 12th St when nothing else fits what was typed
        fits = [a for a in numbered if _fits(line.street, a.street_key)]
        if len(fits) == 1:
            return Lookup(text, place=_place(fits[0]))
    suggestions = [_place(a) for a in numbered.order_by("street_key")[:MAX_SUGGESTIONS]]
    if not suggestions:  # no such number: the nearest numbers, on the street typed if it exists
        on = {line.street} & keys or keys
        near = [
            a
            for a in _nearest_number(on, line.number)
            if abs(a.house_number - line.number) <= NUMBER_GAP
        ]
        suggestions = [_place(a) for a in near][:MAX_SUGGESTIONS]
    return Lookup(text, suggestions=suggestions)


def _street_points(key: str, streets: dict[str, set[str]]) -> np.ndarray:
    keys = streets.get(street_core(key), set())
    exact = {key} & keys or keys
    rows = list(Address.objects.filter(street_key__in=exact).values_list("lat", "lon"))
    return np.array(rows, dtype=np.float64).reshape(-1, 2)


def _corner(text: str, first: str, second: str) -> Lookup:
    """Where two streets meet: the closest pair of addresses, one on each, if close enough."""
    streets = _STREETS.current()
    a, b = _street_points(first, streets), _street_points(second, streets)
    if not len(a) or not len(b):
        return Lookup(text)
    # Metres on a local flat projection: exact enough over the few hundred metres that count.
    scale = np.array([111_320.0, 111_320.0 * math.cos(math.radians(float(a[0, 0])))])
    best, where = math.inf, (0.0, 0.0)
    for start in range(0, len(a), 512):
        chunk = a[start : start + 512]
        gaps = np.hypot(*((chunk[:, None, :] - b[None, :, :]) * scale).transpose(2, 0, 1))
        i, j = np.unravel_index(int(gaps.argmin()), gaps.shape)
        if gaps[i, j] < best:
            best = float(gaps[i, j])
            where = (float(chunk[i, 0] + b[j, 0]) / 2, float(chunk[i, 1] + b[j, 1]) / 2)
    if best > CORNER_WITHIN_M:
        return Lookup(text)
    label = f"{_title(first)} & {_title(second)}"
    return Lookup(text, place=Place(label=label, lat=where[0], lon=where[1]))


def _title(key: str) -> str:
    return " ".join(t.lower() if t[0].isdigit() else t.capitalize() for t in key.split())


def nearest(lat: float, lon: float, within_m: float = NEAREST_WITHIN_M) -> Address | None:
    """The address nearest a map point, or None when none is within `within_m` metres."""
    dlat = within_m / 111_000
    dlon = within_m / (111_000 * max(0.1, math.cos(math.radians(lat))))
    around = Address.objects.filter(
        lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon)
    ).values_list("pk", "lat", "lon")
    best, chosen = within_m, None
    for pk, alat, alon in around:
        gap = distance_m(lat, lon, alat, alon)
        if gap <= best:
            best, chosen = gap, pk
    return Address.objects.filter(pk=chosen).first() if chosen is not None else None


def street_lines() -> list[tuple[str, list[tuple[float, float]]]]:
    """Each street of the address list as a straight segment through its addresses (the
    principal axis of their points, from the first to the last): a street layer for maps
    with no tile source. (lon, lat) pairs. Every report page asks for it, so it is computed
    once per version of the address list."""
    return _STREETS.drawn()


def _street_segments() -> list[tuple[str, list[tuple[float, float]]]]:
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for key, lat, lon in Address.objects.values_list("street_key", "lat", "lon").iterator(
        chunk_size=5000
    ):
        points[key].append((lon, lat))
    lines = []
    for key, where in sorted(points.items()):
        if len(where) < 2:
            continue
        xy = np.array(where)
        middle = xy.mean(axis=0)
        scale = np.array([math.cos(math.radians(float(middle[1]))), 1.0])
        flat = (xy - middle) * scale
        _, _, axes = np.linalg.svd(flat, full_matrices=False)
        along = flat @ axes[0]
        ends = [middle + axes[0] * along.min() / scale, middle + axes[0] * along.max() / scale]
        lines.append((_title(key), [(round(float(x), 6), round(float(y), 6)) for x, y in ends]))
    return lines
