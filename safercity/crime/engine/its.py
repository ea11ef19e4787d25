"""Interrupted time series for monthly counts (homicides): did the level change after a date?

A negative binomial GLM (statsmodels) with a linear trend, month-of-year seasonality, and a
step at the intervention; the step's rate ratio comes with its confidence interval. A
comparison series (a peer city, or the nation) may be given: its log enters as a covariate,
so shared swings are not credited to the intervention.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import HessianInversionWarning


@dataclass(frozen=True)
class ItsResult:
    rate_ratio: float  # counts after / counts expected without the change (1 = no change)
    low: float  # confidence interval of the rate ratio
    high: float
    p_value: float
    months_before: int
    months_after: int
    alpha_dispersion: float
    with_comparison: bool

    @property
    def percent_change(self) -> float:
        return (self.rate_ratio - 1) * 100

    def describe(self) -> str:
        return (
            f"{self.percent_change:+.1f}% (95% CI {(self.low - 1) * 100:+.1f}% to "
            f"{(self.high - 1) * 100:+.1f}%), p = {self.p_value:.3f}"
        )


def interrupted_time_series(
    months: Sequence[date],
    counts: Sequence[float],
    intervention: date,
    *,
    comparison: Sequence[float] | None = None,
    confidence: float = 0.95,
) -> ItsResult:
    if len(months) != len(counts):
        raise ValueError("one count per month")
    if comparison is not None and len(comparison) != len(counts):
        raise ValueError("the comparison needs one value per month")
    after = np.array([m >= intervention for m in months], dtype=float)
    before_n, after_n = int((after == 0).sum()), int(after.sum())
    if before_n < 24 or after_n < 6:
        raise ValueError("need at least 24 months before the change and 6 after")
    trend = np.arange(len(months), dtype=float) / 12.0
    seasons = np.zeros((len(months), 11))
    for row, month in enumerate(months):
        if month.month > 1:
            seasons[row, month.month - 2] = 1.0
    design = np.column_stack([np.ones(len(months)), trend, after, seasons])
    offset = None
    if comparison is not None:
        values = np.asarray(comparison, dtype=float)
        if (values <= 0).any():
            raise ValueError("comparison values must be positive")
        offset = np.log(values)
    y = np.asarray(counts, dtype=float)
    # Negative binomial: first estimate the dispersion, then fit the GLM with it.
    with warnings.catch_warnings():
        # The dispersion pre-fit may not invert its Hessian when a comparison series moves
        # with the trend; only its alpha is used, and the GLM below gives the intervals.
        warnings.simplefilter("ignore", HessianInversionWarning)
        nb = sm.NegativeBinomial(y, design, offset=offset).fit(disp=False, maxiter=200)
    alpha = float(np.asarray(nb.params)[-1])
    family = sm.families.NegativeBinomial(alpha=max(alpha, 1e-8))
    glm = sm.GLM(y, design, family=family, offset=offset).fit()
    step = float(glm.params[2])
    low, high = glm.conf_int(alpha=1 - confidence)[2]
    return ItsResult(
        rate_ratio=math.exp(step),
        low=math.exp(float(low)),
        high=math.exp(float(high)),
        p_value=float(glm.pvalues[2]),
        months_before=before_n,
        months_after=after_n,
        alpha_dispersion=alpha,
        with_comparison=comparison is not None,
    )
