"""The Equity Indicators' arithmetic (issue 21): each published ratio from its two rates, to the
printed precision (../shared/data/golden/equity_indicators.csv); the Policing topic's published
score (53.75) as the mean of its eight published indicator scores; ratios at or below 1 are
equity; a loaded conversion table is checked against the city's published ratio-score pairs."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safercity.equity import engine
from tests.conftest import shared_data


def _golden() -> list[dict[str, str]]:
    with shared_data("golden", "equity_indicators.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.realdata
def test_every_published_ratio_comes_from_its_two_rates():
    rows = [r for r in _golden() if r["direction"]]
    assert len(rows) >= 7
    for row in rows:
        ratio = engine.disparity_ratio(
            engine.parse_rate(row["numerator_rate"]), engine.parse_rate(row["denominator_rate"])
        )
        printed = row["published_ratio"]
        places = len(printed.split(".")[1])
        assert round(ratio, places) == pytest.approx(float(printed)), row["indicator"]


@pytest.mark.realdata
def test_a_ratio_at_or_below_one_is_equity_whatever_the_table():
    table = engine.ScoreTable([engine.Band(1.01, 95), engine.Band(2.0, 40)])
    (equal,) = [r for r in _golden() if r["indicator"] == "Driving Status Violation Convictions"]
    ratio = engine.parse_rate(equal["numerator_rate"]) / engine.parse_rate(
        equal["denominator_rate"]
    )
    assert ratio < 1 and table.score(ratio) == int(equal["published_score"]) == 100


def test_a_topic_is_scored_only_when_every_indicator_is():
    assert engine.topic_score([40, 78, 30, 91, 44, 39, 34, 74], 8) == 53.75
    assert engine.topic_score([100], 3) is None  # one equal ratio does not score the topic
    assert engine.topic_score([100, None, 50], 3) is None
    assert engine.topic_score([], 0) is None


def test_a_theme_or_the_city_is_scored_only_when_every_part_with_figures_is():
    assert engine.level_score([(53.75, True), (None, False)]) == 53.75  # a theme added since
    assert engine.level_score([(None, True), (100, True)]) is None  # part figured, unscored
    assert engine.level_score([(40, True), (60, True)]) == 50
    assert engine.level_score([(None, False)]) is None


def test_two_rates_of_zero_are_equity_and_one_zero_has_no_ratio():
    assert engine.disparity_ratio(0.0, 0.0) == 1.0
    assert engine.disparity_ratio(0.0, 0.5) == 0.0
    with pytest.raises(ValueError, match="second group's rate is zero"):
        engine.disparity_ratio(0.2, 0.0)


def test_the_policing_topic_scores_the_mean_of_its_eight_indicators():
    # St. Louis Equity Indicators 2018, Policing: representation 40, applicants 78, academy
    # retention 30, promotions 91, traffic stops 44, municipal arrests 39, use of force 34,
    # crisis intervention training 74; the city published the topic's score as 53.75.
    assert engine.mean([40, 78, 30, 91, 44, 39, 34, 74]) == 53.75


def test_a_theme_and_the_city_are_means_of_the_level_below_and_change_is_a_difference():
    topics = [engine.mean([40, 60]), engine.mean([20, 30, 40]), None]
    assert engine.mean(topics) == 40
    assert engine.change(46, 44) == 2 and engine.change(None, 44) is None


@pytest.mark.realdata
def test_a_loaded_table_is_checked_against_the_published_pairs():
    published = [(float(r["published_ratio"]), int(r["published_score"])) for r in _golden()]
    coarse = engine.ScoreTable([engine.Band(1.0001, 90), engine.Band(2.0, 40), engine.Band(5, 20)])
    wrong = engine.check_table(coarse, published)
    assert {(d.ratio, d.published, d.table_gives) for d in wrong} >= {(1.048, 91, 90)}
    assert all(d.published != d.table_gives for d in wrong)
    assert (2.0, 40, 40) not in {(d.ratio, d.published, d.table_gives) for d in wrong}


@pytest.mark.parametrize(
    ("text", "value"), [("27/763", 27 / 763), ("1,124.0", 1124.0), ("62.5%", 0.625), ("0", 0)]
)
def test_rates_are_read_as_the_city_writes_them(text, value):
    assert engine.parse_rate(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "x", "1/0", "-3", "nan", "inf", "5/-2"])
def test_a_rate_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):  # noqa: PT011 - each says its own reason
        engine.parse_rate(text)


@pytest.mark.parametrize(
    "bands",
    [
        [],
        [engine.Band(1.5, 101)],
        [engine.Band(0.5, 90)],
        [engine.Band(1.2, 40), engine.Band(2, 60)],
    ],
)
def test_a_table_that_cannot_be_one_is_refused(bands):
    with pytest.raises(ValueError):  # noqa: PT011
        engine.ScoreTable(bands)


@given(st.floats(min_value=1.0, max_value=1000), st.floats(min_value=1.0, max_value=1000))
def test_a_wider_disparity_never_scores_higher(a, b):
    table = engine.ScoreTable(
        [engine.Band(1.01, 95), engine.Band(1.5, 60), engine.Band(3, 25), engine.Band(10, 1)]
    )
    low, high = sorted((a, b))
    assert table.score(high) <= table.score(low)
