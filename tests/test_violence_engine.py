"""The focused-deterrence evaluation engine: treated groups against matched comparison groups
(the Boston re-evaluation's design)."""

import math

import pytest

from safercity.violence.engine.evaluation import GroupHistory, matched_comparison


def test_treated_groups_that_halve_their_shootings_show_about_half_against_their_matches():
    groups = [
        GroupHistory(1, True, before=20, after=10, covariates=(3,)),
        GroupHistory(2, True, before=10, after=5, covariates=(1,)),
        GroupHistory(3, False, before=21, after=20, covariates=(3,)),
        GroupHistory(4, False, before=9, after=9, covariates=(1,)),
        GroupHistory(5, False, before=2, after=30, covariates=(0,)),  # unlike any treated one
    ]
    result = matched_comparison(groups)
    assert result.pairs == ((1, 3), (2, 4))
    assert result.rate_ratio == pytest.approx((15 / 30) / (29 / 30))
    assert result.low < result.rate_ratio < result.high < 1.2
    assert "treated groups" in result.describe()


def test_a_rival_of_a_treated_group_is_not_its_comparison():
    groups = [
        GroupHistory(1, True, 20, 10),
        GroupHistory(2, False, 20, 20, connected_to=frozenset({1})),  # the closest, but a rival
        GroupHistory(3, False, 15, 15),
    ]
    result = matched_comparison(groups)
    assert result.pairs == ((1, 3),) and result.left_out == (2,)


def test_zero_counts_get_a_continuity_correction_and_no_group_is_an_error():
    result = matched_comparison([GroupHistory(1, True, 4, 0), GroupHistory(2, False, 4, 4)])
    assert result.rate_ratio == pytest.approx((0.5 / 4.5) / (4.5 / 4.5))
    assert math.isfinite(result.low) and math.isfinite(result.high)
    with pytest.raises(ValueError, match="no treated group"):
        matched_comparison([GroupHistory(1, False, 1, 1)])
    with pytest.raises(ValueError, match="no untreated group"):
        matched_comparison(
            [GroupHistory(1, True, 3, 1), GroupHistory(2, False, 3, 3, frozenset({1}))]
        )
