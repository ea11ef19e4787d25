import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from safercity.core import publication
from safercity.core.geo import MISSOURI_EAST_METRES, WGS84, project_points
from safercity.core.publication import (
    COMPLEMENTARY,
    PRIMARY,
    public_location,
    suppress_series,
    suppress_table,
)


def test_counts_from_one_to_ten_are_never_published_but_zero_is():
    cells, total = suppress_series([0, 1, 10, 11, 500])
    assert [str(c) for c in cells] == ["0", "*", "*", "11", "500"]
    assert total.value == 522


def test_a_single_small_count_hides_the_next_smallest_so_the_total_cannot_reveal_it():
    cells, total = suppress_series([0, 5, 40, 60])
    assert [c.value for c in cells] == [0, None, None, 60]
    assert [c.reason for c in cells] == ["", PRIMARY, COMPLEMENTARY, ""]
    assert total.value == 105


def test_without_published_totals_only_small_counts_are_hidden():
    cells, total = suppress_series([5, 40, 60], with_total=False)
    assert [c.value for c in cells] == [None, 40, 60]
    assert total.suppressed


def test_a_small_total_is_itself_suppressed():
    table, row_totals, _, grand = suppress_table([[3, 0], [20, 30]])
    assert row_totals[0].suppressed
    assert table[0][0].suppressed
    assert grand.value == 53


def test_negative_counts_are_refused():
    with pytest.raises(ValueError, match="negative"):
        suppress_table([[1, -1]])


def _bounds_of_hidden_cell(grid, hidden, target):
    """Smallest and largest value the hidden cell can take given everything published."""
    rows, cols = grid.shape
    variables = sorted(hidden)
    position = {cell: i for i, cell in enumerate(variables)}
    equalities, rhs = [], []
    for r in range(rows - 1):
        line = [(r, c) for c in range(cols - 1)]
        _constraint(grid, line, (r, cols - 1), position, equalities, rhs)
    for c in range(cols - 1):
        line = [(r, c) for r in range(rows - 1)]
        _constraint(grid, line, (rows - 1, c), position, equalities, rhs)
    _constraint(
        grid,
        [(r, cols - 1) for r in range(rows - 1)],
        (rows - 1, cols - 1),
        position,
        equalities,
        rhs,
    )
    objective = np.zeros(len(variables))
    objective[position[target]] = 1
    low = linprog(objective, A_eq=equalities, b_eq=rhs, bounds=(0, None))
    high = linprog(-objective, A_eq=equalities, b_eq=rhs, bounds=(0, None))
    # status 3: unbounded, so the cell could be anything above its minimum.
    return low.fun, (np.inf if high.status == 3 else -high.fun)


def _constraint(grid, parts, total, position, equalities, rhs):
    row = np.zeros(len(position))
    constant = 0.0
    for cell in parts:
        if cell in position:
            row[position[cell]] += 1
        else:
            constant += grid[cell]
    if total in position:
        row[position[total]] -= 1
    else:
        constant -= grid[total]
    if row.any():
        equalities.append(row)
        rhs.append(-constant)


tables = st.integers(1, 4).flatmap(
    lambda rows: st.integers(1, 4).flatmap(
        lambda cols: st.lists(
            st.lists(
                st.sampled_from([0, 1, 3, 7, 10, 11, 14, 25, 60]), min_size=cols, max_size=cols
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@given(tables)
@settings(max_examples=150, deadline=None)
def test_no_suppressed_count_can_be_worked_out_from_what_is_published(counts):
    table, row_totals, col_totals, grand = suppress_table(counts)
    full = [[*row, rt] for row, rt in zip(table, row_totals, strict=True)] + [[*col_totals, grand]]
    body = np.asarray(counts)
    grid = np.zeros((body.shape[0] + 1, body.shape[1] + 1))
    grid[:-1, :-1] = body
    grid[:-1, -1] = body.sum(axis=1)
    grid[-1, :-1] = body.sum(axis=0)
    grid[-1, -1] = body.sum()
    hidden = {(r, c) for r, row in enumerate(full) for c, cell in enumerate(row) if cell.suppressed}
    for r, row in enumerate(full):
        for c, cell in enumerate(row):
            if not cell.suppressed:
                assert cell.value == grid[r, c]
                assert not publication.is_small(cell.value)
    for cell in hidden:
        if grid[cell] == 0:
            continue  # a hidden zero discloses nothing about people
        low, high = _bounds_of_hidden_cell(grid, hidden, cell)
        assert high - low > 0.5, f"hidden cell {cell} = {grid[cell]} is exactly determined"


def test_sensitive_locations_move_to_the_centre_of_a_250_metre_square():
    lon, lat = -90.2512, 38.6271
    moved = public_location(lon, lat, "Sexual")
    assert moved != (lon, lat)
    x, y = project_points([lon, moved[0]], [lat, moved[1]], WGS84, MISSOURI_EAST_METRES)
    distance = float(np.hypot(x[1] - x[0], y[1] - y[0]))
    assert distance <= 250 * np.sqrt(2) / 2 + 0.01
    assert (x[1] % 250, y[1] % 250) == pytest.approx((125, 125), abs=0.01)


def test_nearby_sensitive_locations_become_indistinguishable():
    a = public_location(-90.25120, 38.62710, "family")
    b = public_location(-90.25125, 38.62712, "family")
    assert a == b


def test_other_locations_are_published_as_they_are():
    assert public_location(-90.2512, 38.6271, "burglary") == (-90.2512, 38.6271)
