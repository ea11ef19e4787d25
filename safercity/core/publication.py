"""Publication rules for every public output: small-count suppression and location generalisation.

Plain Python. Counts from 1 to 10 are never published. Complementary suppression then hides
enough other cells that no hidden count can be worked out from the published ones: first no
row or column may hold a single hidden cell, then an exact audit (one linear programme per
hidden cell) adds cells until every hidden count has more than one possible value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_noop
from scipy.optimize import linprog

from safercity.core.geo import MISSOURI_EAST_METRES, WGS84, project_points

SMALL_MIN = 1
SMALL_MAX = 10
GENERALIZE_METRES = 250.0
SENSITIVE_CATEGORIES = frozenset({"sexual", "family", "juvenile"})

# Why a count is hidden, as the open data files say it (pages translate these words).
PRIMARY = gettext_noop("small count")
COMPLEMENTARY = gettext_noop("complementary")


@dataclass(frozen=True)
class Cell:
    """A published count: `value` is None when suppressed, and `reason` says why."""

    value: int | None
    reason: str = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return "*" if self.value is None else str(self.value)


def is_small(count: int) -> bool:
    return SMALL_MIN <= count <= SMALL_MAX


def _lines(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    """Each row and each column of a grid whose last row and column are totals."""
    rows, cols = shape
    return [[(r, c) for c in range(cols)] for r in range(rows)] + [
        [(r, c) for r in range(rows)] for c in range(cols)
    ]


def _cheapest(grid: np.ndarray, cells: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """The smallest count among `cells`, preferring non-zero ones: it protects at least cost."""
    ordered = sorted(cells, key=lambda cell: (int(grid[cell]) == 0, int(grid[cell]), cell))
    return ordered[0] if ordered else None


def _complete_lines(grid: np.ndarray, hidden: dict[tuple[int, int], str]) -> None:
    """No row or column may hold exactly one hidden cell: it would be its total minus the rest."""
    lines = _lines(grid.shape)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) == 1:
                extra = _cheapest(grid, (cell for cell in line if cell not in hidden))
                if extra is not None:
                    hidden[extra] = COMPLEMENTARY
                    changed = True


def _first_exposed(grid: np.ndarray, hidden: dict[tuple[int, int], str]) -> tuple[int, int] | None:
    """A hidden non-zero count that the published cells pin to one value, found by solving for
    each hidden cell's smallest and largest possible value (linear programmes, HiGHS)."""
    variables = sorted(hidden)
    position = {cell: i for i, cell in enumerate(variables)}
    equations, constants = [], []
    for line in _lines(grid.shape):
        *parts, total = line
        row = np.zeros(len(variables))
        constant = 0.0
        for cell, sign in [*((p, 1.0) for p in parts), (total, -1.0)]:
            if cell in position:
                row[position[cell]] += sign
            else:
                constant += sign * float(grid[cell])
        if row.any():
            equations.append(row)
            constants.append(-constant)
    if not equations:
        return None
    for cell in variables:
        if grid[cell] == 0:
            continue  # a hidden zero, if worked out, says nothing about anyone
        goal = np.zeros(len(variables))
        goal[position[cell]] = 1.0
        low = linprog(goal, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        high = linprog(-goal, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
        if high.status != 3 and (-high.fun) - low.fun < 1 - 1e-9:
            return cell
    return None


def _suppress(grid: np.ndarray, with_totals: bool) -> dict[tuple[int, int], str]:
    hidden = {(r, c): PRIMARY for (r, c), v in np.ndenumerate(grid) if is_small(int(v))}
    # Without published totals nothing hidden can be derived: primary suppression suffices.
    if not with_totals:
        return hidden
    while True:
        _complete_lines(grid, hidden)
        exposed = _first_exposed(grid, hidden)
        if exposed is None:
            return hidden
        r, c = exposed
        through = [cell for cell in np.ndindex(grid.shape) if cell[0] == r or cell[1] == c]
        extra = _cheapest(grid, (cell for cell in through if cell not in hidden))
        if extra is None:
            extra = _cheapest(grid, (cell for cell in np.ndindex(grid.shape) if cell not in hidden))
        if extra is None:
            return hidden  # everything is hidden already
        hidden[extra] = COMPLEMENTARY


def suppress_series(counts: Sequence[int], *, with_total: bool = True) -> tuple[list[Cell], Cell]:
    """A one-way table (e.g. counts by month) and its total."""
    table, _, _, grand = suppress_table([list(counts)], with_totals=with_total)
    return table[0], grand


def suppress_table(
    counts: Sequence[Sequence[int]], *, with_totals: bool = True
) -> tuple[list[list[Cell]], list[Cell], list[Cell], Cell]:
    """A two-way table. Returns cells, row totals, column totals and the grand total.

    With totals published, each row and column (its total included) must never hold exactly
    one hidden cell, or that cell is the total minus the rest.
    """
    body = np.asarray(counts, dtype=np.int64).reshape(len(counts), -1)
    if (body < 0).any():
        raise ValueError("counts cannot be negative")
    rows, cols = body.shape
    grid = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    grid[:rows, :cols] = body
    grid[:rows, cols] = body.sum(axis=1)
    grid[rows, :cols] = body.sum(axis=0)
    grid[rows, cols] = body.sum()
    hidden = _suppress(grid if with_totals else body, with_totals)

    def cell(r: int, c: int) -> Cell:
        reason = hidden.get((r, c), "")
        return Cell(None if reason else int(grid[r, c]), reason)

    table = [[cell(r, c) for c in range(cols)] for r in range(rows)]
    if not with_totals:
        return table, [], [], Cell(None, "not published")
    row_totals = [cell(r, cols) for r in range(rows)]
    col_totals = [cell(rows, c) for c in range(cols)]
    return table, row_totals, col_totals, cell(rows, cols)


def is_sensitive(category: str) -> bool:
    return category.strip().lower() in SENSITIVE_CATEGORIES


def generalize_points(
    lons: Sequence[float], lats: Sequence[float], *, metres: float = GENERALIZE_METRES
) -> tuple[list[float], list[float]]:
    """Move each point to the centre of its `metres`-wide grid square (Missouri East plane)."""
    x, y = project_points(lons, lats, WGS84, MISSOURI_EAST_METRES)
    cx = (np.floor(x / metres) + 0.5) * metres
    cy = (np.floor(y / metres) + 0.5) * metres
    lon, lat = project_points(cx, cy, MISSOURI_EAST_METRES, WGS84)
    return [float(v) for v in lon], [float(v) for v in lat]


def public_location(lon: float, lat: float, category: str) -> tuple[float, float]:
    """Where a record may be shown publicly: generalised to ~250 m if its category is sensitive."""
    if not is_sensitive(category):
        return lon, lat
    glon, glat = generalize_points([lon], [lat])
    return glon[0], glat[0]
