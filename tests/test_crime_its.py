from datetime import date

import numpy as np
import pytest

from safercity.crime.engine.its import interrupted_time_series


def months(start_year, count):
    return [date(start_year + (i // 12), i % 12 + 1, 1) for i in range(count)]


def simulate(effect, seed, comparison_shock=None):
    rng = np.random.default_rng(seed)
    when = months(2012, 120)
    season = 1 + 0.25 * np.sin(2 * np.pi * (np.array([m.month for m in when]) - 4) / 12)
    trend = np.exp(0.02 * np.arange(120) / 12)
    base = 15 * season * trend
    shock = np.ones(120) if comparison_shock is None else comparison_shock
    after = np.array([m >= date(2018, 1, 1) for m in when])
    mean = base * shock * np.where(after, effect, 1.0)
    counts = rng.negative_binomial(20, 20 / (20 + mean))
    # A peer's series is its own noisy count, not an exact copy of this city's pattern.
    comparison = base * shock * rng.lognormal(0, 0.05, 120)
    return when, counts, comparison


@pytest.mark.parametrize("effect", [0.7, 1.0, 1.3])
def test_a_known_change_is_found_within_its_interval(effect):
    when, counts, _ = simulate(effect, seed=3)
    result = interrupted_time_series(when, counts, date(2018, 1, 1))
    assert result.low < effect < result.high
    assert result.months_before == 72 and result.months_after == 48
    if effect != 1.0:
        assert result.p_value < 0.05


def test_a_shock_shared_with_the_comparison_is_not_credited_to_the_intervention():
    shock = np.where(np.arange(120) >= 72, 1.4, 1.0)  # everyone rose in 2018
    when, counts, comparison = simulate(1.0, seed=5, comparison_shock=shock)
    alone = interrupted_time_series(when, counts, date(2018, 1, 1))
    compared = interrupted_time_series(when, counts, date(2018, 1, 1), comparison=comparison)
    assert alone.low > 1.0, "without the comparison the shared rise looks like an effect"
    assert compared.low < 1.0 < compared.high
    assert compared.with_comparison


def test_too_short_a_series_is_refused():
    with pytest.raises(ValueError, match="24 months before"):
        interrupted_time_series(months(2020, 20), [5] * 20, date(2021, 1, 1))
    with pytest.raises(ValueError, match="one value per month"):
        interrupted_time_series(months(2010, 40), [5] * 40, date(2012, 6, 1), comparison=[1] * 3)
