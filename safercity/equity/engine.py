"""The Equity Indicators' arithmetic, as CUNY ISLG designed it and St. Louis used it in 2018.

Each indicator compares two groups' rates. Its direction names the groups in order, "B-W": the
ratio is the first group's rate over the second's, written so that a ratio above 1 means the
group expected to be worse off is worse off (Black residents' mortality over white residents';
white officers' promotion rate over Black officers'). A ratio at or below 1 is equity (score
100). Otherwise the ratio is turned into a score from 1 to 100 by CUNY ISLG's ratio-to-score
conversion table, which the city loads (the table is data, not code: see `ScoreTable`). A topic
scores the mean of its indicators, a theme the mean of its topics, the city the mean of its
themes: a topic only when all its indicators are scored that year, a theme or the city only
when every part with figures that year is scored (`topic_score`, `level_score`); a change score
is this year's score less the baseline year's.

Pure Python: no Django."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

EQUITY = 100
LOWEST = 1


def parse_rate(text: str) -> float:
    """A rate as the city writes it: a number ("1124.0", "62.5%") or a count over its base
    ("27/763"). Raises ValueError for anything else, or a base of zero."""
    text = text.strip().replace(",", "")
    if not text:
        raise ValueError("no rate")
    if "/" in text:
        top, _, bottom = text.partition("/")
        count, base = _number(top), _number(bottom)
        if base <= 0 or count < 0:
            raise ValueError(f"{text!r}: a count of zero or more over a base above zero")
        return count / base
    if text.endswith("%"):
        return _number(text[:-1]) / 100
    value = _number(text)
    if value < 0:
        raise ValueError(f"{text!r}: a rate cannot be negative")
    return value


def _number(text: str) -> float:
    value = float(Fraction(text.strip()))  # exact decimal text, no "nan" or "inf"
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a number")
    return value


def disparity_ratio(first_rate: float, second_rate: float) -> float:
    """The first group's rate over the second's (the indicator's direction says which is
    which). Two rates of zero are the same outcome: 1, equity. Raises ValueError when only the
    second rate is zero (the ratio has no value)."""
    if first_rate == 0 and second_rate == 0:
        return 1.0
    if second_rate <= 0:
        raise ValueError("the second group's rate is zero: the ratio has no value")
    return first_rate / second_rate


@dataclass(frozen=True)
class Band:
    """Ratios from `low` (inclusive) up to the next band's low score `score`."""

    low: float
    score: int


class ScoreTable:
    """A ratio-to-score conversion table: bands of ratios, each with its score, rising ratios
    with falling scores. Ratios at or below 1 score 100 whatever the table says."""

    def __init__(self, bands: Iterable[Band]) -> None:
        self.bands = sorted(bands, key=lambda b: b.low)
        if not self.bands:
            raise ValueError("a table needs at least one band")
        for band in self.bands:
            if not LOWEST <= band.score <= EQUITY:
                raise ValueError(f"a score is from 1 to 100 (got {band.score})")
            if band.low < 1:
                raise ValueError(f"a band starts at a ratio of 1 or more (got {band.low})")
        lows = [b.low for b in self.bands]
        if len(set(lows)) < len(lows):
            raise ValueError("two bands start at the same ratio")
        scores = [b.score for b in self.bands]
        if any(later > earlier for earlier, later in itertools.pairwise(scores)):
            raise ValueError("scores must not rise as ratios rise")

    def score(self, ratio: float) -> int:
        if ratio <= 1:
            return EQUITY
        found = EQUITY
        for band in self.bands:
            if ratio + 1e-12 >= band.low:
                found = band.score
            else:
                break
        return found


def mean(scores: Sequence[float | None]) -> float | None:
    """A topic's, theme's or city's score: the plain mean of the scores below it (None when
    none has a score)."""
    present = [s for s in scores if s is not None]
    return sum(present) / len(present) if present else None


def topic_score(scores: Sequence[float | None], indicators: int) -> float | None:
    """A topic's score for a year: the mean of its indicators' scores, only when every one of
    its indicators has a score that year (a topic is not scored from some of its indicators:
    one computed ratio that shows equity would otherwise score the whole topic 100)."""
    if indicators == 0 or len(scores) < indicators or any(s is None for s in scores):
        return None
    return mean(scores)


def level_score(children: Sequence[tuple[float | None, bool]]) -> float | None:
    """A theme's score (of its topics) or the city's (of its themes) for a year, from each
    child's (score, whether it has any figure that year): the mean of the children with
    figures, only when every one of them is scored. A child with no figures that year (a
    topic added since) is left out; one with figures but no score leaves the level unscored,
    so a year where only some of the framework is scored has no theme or city score."""
    present = [score for score, has_figures in children if has_figures]
    if not present or any(score is None for score in present):
        return None
    return mean(present)


def change(current: float | None, baseline: float | None) -> float | None:
    """The change score: this year's score less the baseline year's."""
    if current is None or baseline is None:
        return None
    return current - baseline


@dataclass(frozen=True)
class Disagreement:
    ratio: float
    published: int
    table_gives: int


def check_table(table: ScoreTable, published: Iterable[tuple[float, int]]) -> list[Disagreement]:
    """Where a table gives another score than the city published for a ratio (the published
    pairs are the check that the table loaded is the one the city used)."""
    return [
        Disagreement(ratio, score, table.score(ratio))
        for ratio, score in published
        if table.score(ratio) != score
    ]


def majority(total: int, by_group: dict[str, int | None]) -> str | None:
    """The group that is more than half of an area's residents, if any (None for an area with
    no majority, or no residents)."""
    if total <= 0:
        return None
    for group, count in by_group.items():
        if count is not None and count * 2 > total:
            return group
    return None


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count); None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
