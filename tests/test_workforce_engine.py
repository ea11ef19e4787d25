"""The adverse-impact engine (issue 20) against published worked examples
(`../shared/data/golden/adverse_impact.csv`), to their printed precision, and the rules
around them: the reference group, small groups, the shortfall."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from safercity.workforce import engine
from safercity.workforce.engine import Tally

GOLDEN = Path(__file__).resolve().parents[2] / "shared/data/golden/adverse_impact.csv"


def _examples() -> list[dict[str, str]]:
    if not GOLDEN.exists():
        pytest.skip("../shared/data/golden is not here")
    with GOLDEN.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _places(printed: str) -> int:
    return len(printed.split(".")[1]) if "." in printed else 0


def test_the_published_examples_to_their_printed_precision():
    for row in _examples():
        a, n1 = int(row["focal_selected"]), int(row["focal_total"])
        b, n2 = int(row["reference_selected"]), int(row["reference_total"])
        ratio = engine.impact_ratio(a / n1, b / n2)
        assert round(ratio, _places(row["impact_ratio"])) == float(row["impact_ratio"])
        assert ratio < engine.FOUR_FIFTHS, row["example"]
        if row["z"]:
            z, p = engine.pooled_z(a, n1, b, n2)
            assert round(z, _places(row["z"])) == float(row["z"])
            assert round(p, _places(row["z_p_two_sided"])) == float(row["z_p_two_sided"])
        if row["fisher_p_two_sided"]:
            fisher = engine.fisher_p(a, n1, b, n2)
            places = _places(row["fisher_p_two_sided"])
            assert round(fisher, places) == float(row["fisher_p_two_sided"])


def test_each_group_is_judged_against_the_highest_rate_and_small_groups_are_not():
    results = {r.group: r for r in engine.analyze([
        Tally("White", 60, 100), Tally("Black", 30, 80), Tally("Hispanic", 9, 12),
        Tally("Asian", 2, 4),
    ])}  # fmt: skip
    assert results["Hispanic"].status == "reference"  # 75%, the highest judged rate
    black = results["Black"]
    assert black.status == "adverse impact" and black.four_fifths and black.significant
    assert black.impact_ratio == pytest.approx(0.375 / 0.75)
    assert black.shortfall == pytest.approx(0.75 * 80 - 30)
    assert results["White"].impact_ratio == pytest.approx(0.8)
    assert results["White"].status == "no adverse impact"  # exactly four-fifths: not below
    assert results["Asian"].status == "insufficient numbers" and results["Asian"].z is None


def test_undefined_tests_and_bad_counts_say_so():
    assert engine.pooled_z(0, 20, 0, 30) is None  # nobody selected: no spread
    assert engine.pooled_z(1, 0, 2, 10) is None
    assert engine.analyze([Tally("A", 1, 3)])[0].status == "insufficient numbers"
    with pytest.raises(ValueError, match="12 selected of 10"):
        Tally("A", 12, 10)
    with pytest.raises(ValueError, match="twice"):
        engine.analyze([Tally("A", 1, 20), Tally("A", 2, 20)])
    assert engine.per_100(3, 150) == 2.0 and engine.per_100(3, 0) is None
    assert engine.representation(0.3, 0.45) == pytest.approx(2 / 3)
