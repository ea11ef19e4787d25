from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from safercity.accountability.commitments import HOMICIDE_BASELINE_KEY, HOMICIDE_REDUCTION
from safercity.accountability.models import Parameter


@dataclass(frozen=True)
class HomicideGoal:
    baseline: Parameter
    target: int  # homicides a year at the end of the term


def homicide_goal() -> HomicideGoal | None:
    baseline = Parameter.objects.filter(key=HOMICIDE_BASELINE_KEY).first()
    if baseline is None:
        return None
    target = (baseline.value * (1 - Decimal(str(HOMICIDE_REDUCTION)))).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return HomicideGoal(baseline=baseline, target=int(target))
