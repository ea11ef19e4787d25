"""The Equity Indicators as data: the framework (themes, topics, indicators with their direction,
definition and source), each year's two rates with their source, and the ratio-to-score table,
each imported from a CSV (all or nothing, every bad row listed by its line); and the report
computed from them: each indicator's ratio and score by year, topic, theme and city scores as
means, change from the baseline year. An indicator's score comes from the loaded table; where
no table is loaded, from the score the city published, said so."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollup, rollups_stale
from safercity.core.tabular import FileRefused, Rejected, Table, read_table
from safercity.equity import engine
from safercity.equity.models import Indicator, IndicatorValue, ScoreBand, Theme, Topic

KEEPERS = (Role.ADMINISTRATOR, Role.ANALYST)
DIRECTION_GROUPS = {"B": "Black", "W": "white", "H": "Hispanic", "A": "Asian", "O": "other"}


@dataclass
class ImportReport:
    rows: int = 0
    saved: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    disagreements: list[engine.Disagreement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _table(data: bytes, required: tuple[str, ...]) -> Table:
    try:
        table = read_table(data)
    except FileRefused as refused:
        raise InputRefused(f"The file cannot be read: {refused}.") from None
    missing = [c for c in required if c not in table.names]
    if missing:
        raise InputRefused("The file has no column " + ", ".join(missing) + ".")
    return table


def _computed(text: str) -> str:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    if key and key not in Indicator.Computed.values:
        known = ", ".join(v for v in Indicator.Computed.values if v)
        raise ValueError(f"computed_from {text!r} is not one of {known} (or blank)")
    return key


def _direction(text: str) -> str:
    parts = text.upper().replace(" ", "").split("-")
    if len(parts) != 2 or any(p not in DIRECTION_GROUPS for p in parts) or parts[0] == parts[1]:
        raise ValueError(f"the direction {text!r} is not two groups such as B-W")
    return "-".join(parts)


@requires(*KEEPERS)
def framework_import(*, actor: Actor, data: bytes) -> ImportReport:
    """Themes, topics and indicators: theme, topic, indicator, direction[, definition,
    source, computed_from]. Existing indicators are updated by name. `computed_from` names
    SaferCity's records an indicator is computed from (use_of_force, answer_911, close_311),
    blank for one whose values are entered."""
    table = _table(data, ("theme", "topic", "indicator", "direction"))
    report = ImportReport(rows=len(table.rows), rejected=list(table.rejected))
    parsed = []
    for row in table.rows:
        try:
            names = [row.get(c)[:120] for c in ("theme", "topic", "indicator")]
            if not all(names):
                raise ValueError("a theme, a topic and an indicator name are needed")
            parsed.append((*names, _direction(row.get("direction")), row.get("definition"),
                           row.get("source")[:300],
                           _computed(row.get("computed_from"))))  # fmt: skip
        except ValueError as problem:
            report.rejected.append(Rejected(row.line, str(problem)))
    if report.rejected:
        return report
    with transaction.atomic():
        for order, (theme_name, topic_name, name, direction, definition, source,
                    computed) in enumerate(parsed):  # fmt: skip
            theme, _ = Theme.objects.get_or_create(name=theme_name[:100],
                                                   defaults={"order": order})  # fmt: skip
            topic, _ = Topic.objects.get_or_create(theme=theme, name=topic_name[:100],
                                                   defaults={"order": order})  # fmt: skip
            defaults = {
                "topic": topic,
                "direction": direction,
                "definition": definition,
                "source": source,
                "order": order,
                "computed_from": computed,
            }
            if "computed_from" not in table.names:  # a file without the column leaves it be
                del defaults["computed_from"]
            Indicator.objects.update_or_create(name=name, defaults=defaults)  # fmt: skip
        report.saved = len(parsed)
        audit_write(actor=actor, action="equity.indicators.framework", detail={"rows": len(parsed)})
        rollups_stale("equity:indicators")
    return report


@requires(*KEEPERS)
def values_import(*, actor: Actor, data: bytes, source: str = "") -> ImportReport:
    """A year's values: indicator, year, first_rate, second_rate[, published_score, source].
    Rates as the city writes them (27/763, 1124.0, 62.5%); a row may give only a published
    score. The file's `source` applies to rows that name none."""
    table = _table(data, ("indicator", "year"))
    report = ImportReport(rows=len(table.rows), rejected=list(table.rejected))
    indicators = {i.name.lower(): i for i in Indicator.objects.all()}
    parsed = []
    for row in table.rows:
        try:
            parsed.append(_value(row, indicators, source))
        except ValueError as problem:
            report.rejected.append(Rejected(row.line, str(problem)))
    if report.rejected:
        return report
    now = timezone.now()
    with transaction.atomic():
        for indicator, year, first, second, published, where in parsed:
            IndicatorValue.objects.update_or_create(
                indicator=indicator, year=year,
                defaults={"first_rate": first, "second_rate": second,
                          "published_score": published, "source": where,
                          "entered_by": actor_label(actor), "entered_at": now,
                          "computed_at": None},
            )  # fmt: skip
        report.saved = len(parsed)
        audit_write(actor=actor, action="equity.indicators.values", detail={"rows": len(parsed)})
        rollups_stale("equity:indicators", "scorecard")
    return report


def _value(row: Any, indicators: dict[str, Indicator], source: str) -> tuple[Any, ...]:
    indicator = indicators.get(row.get("indicator").lower())
    if indicator is None:
        raise ValueError(f"no indicator {row.get('indicator')!r} in the framework")
    try:
        year = int(row.get("year"))
    except ValueError:
        raise ValueError(f"the year {row.get('year')!r} is not a year") from None
    if not 1990 <= year <= 2100:
        raise ValueError(f"the year {year} is out of range")
    first, second = row.get("first_rate"), row.get("second_rate")
    published_text = row.get("published_score")
    published = None
    if published_text:
        if not published_text.isdigit() or not 1 <= int(published_text) <= 100:
            raise ValueError(f"a score is a whole number from 1 to 100 (got {published_text!r})")
        published = int(published_text)
    if first or second:
        engine.disparity_ratio(engine.parse_rate(first), engine.parse_rate(second))
    elif published is None:
        raise ValueError("give the two rates, or the score the city published")
    where = (row.get("source") or source).strip()[:300]
    if not where:
        raise ValueError("say where the figures come from (a source column, or the file's)")
    return indicator, year, first[:40], second[:40], published, where


@requires(*KEEPERS)
def table_import(*, actor: Actor, data: bytes) -> ImportReport:
    """The ratio-to-score table: low, score (ratios from `low` up to the next row's score
    `score`). Replaces the table; the report lists every published ratio-score pair the new
    table scores otherwise."""
    table = _table(data, ("low", "score"))
    report = ImportReport(rows=len(table.rows), rejected=list(table.rejected))
    bands = []
    for row in table.rows:
        try:
            bands.append(engine.Band(engine.parse_rate(row.get("low")), int(row.get("score"))))
        except ValueError as problem:
            report.rejected.append(Rejected(row.line, str(problem)))
    if report.rejected:
        return report
    try:
        checked = engine.ScoreTable(bands)
    except ValueError as problem:
        raise InputRefused(f"The table cannot be used: {problem}.") from None
    with transaction.atomic():
        ScoreBand.objects.all().delete()
        ScoreBand.objects.bulk_create(ScoreBand(low=b.low, score=b.score) for b in checked.bands)
        report.saved = len(bands)
        audit_write(actor=actor, action="equity.indicators.table", detail={"bands": len(bands)})
        rollups_stale("equity:indicators", "scorecard")
    report.disagreements = engine.check_table(checked, published_pairs())
    return report


def published_pairs() -> list[tuple[float, int]]:
    """Every stored value with both rates and a published score: (ratio, score)."""
    pairs = []
    for value in IndicatorValue.objects.filter(published_score__isnull=False).exclude(
        first_rate=""
    ):
        ratio = _ratio(value)
        if ratio is not None and value.published_score is not None:
            pairs.append((round(ratio, 3), value.published_score))
    return pairs


def _ratio(value: IndicatorValue) -> float | None:
    if not value.first_rate or not value.second_rate:
        return None
    return engine.disparity_ratio(
        engine.parse_rate(value.first_rate), engine.parse_rate(value.second_rate)
    )


def score_table() -> engine.ScoreTable | None:
    bands = [engine.Band(b.low, b.score) for b in ScoreBand.objects.all()]
    return engine.ScoreTable(bands) if bands else None


def _score(value: IndicatorValue, table: engine.ScoreTable | None) -> tuple[int | None, str]:
    """The indicator's score for the year and where it came from."""
    ratio = _ratio(value)
    if table is not None and ratio is not None:
        return table.score(ratio), "table"
    if value.published_score is not None:
        return value.published_score, "published"
    if ratio is not None and ratio <= 1:
        return engine.EQUITY, "equity"  # whatever the table: a ratio at or below 1 is equity
    return None, ""


@rollup("equity:indicators")
def indicators_report() -> dict[str, Any]:
    """Every year's city, theme, topic and indicator scores, with each indicator's rates,
    ratio, source and where its score came from."""
    table = score_table()
    values: dict[int, dict[int, IndicatorValue]] = defaultdict(dict)
    for value in IndicatorValue.objects.all():
        values[value.indicator_id][value.year] = value
    years = sorted({y for by_year in values.values() for y in by_year})
    themes = []
    city: dict[int, list[tuple[float | None, bool]]] = defaultdict(list)
    for theme in Theme.objects.prefetch_related("topics__indicators"):
        topics = []
        theme_scores: dict[int, list[tuple[float | None, bool]]] = defaultdict(list)
        for topic in theme.topics.all():
            indicators = []
            topic_scores: dict[int, list[float | None]] = defaultdict(list)
            for indicator in topic.indicators.all():
                rows = {}
                for year in years:
                    found = values[indicator.pk].get(year)
                    if found is None:
                        continue
                    score, basis = _score(found, table)
                    ratio = _ratio(found)
                    rows[str(year)] = {"first_rate": found.first_rate,
                                       "second_rate": found.second_rate,
                                       "ratio": None if ratio is None else round(ratio, 3),
                                       "score": score, "basis": basis,
                                       "source": found.source,
                                       "computed": found.computed_at is not None}  # fmt: skip
                    topic_scores[year].append(score)
                indicators.append({"name": indicator.name, "direction": indicator.direction,
                                   "definition": indicator.definition,
                                   "computed_from": indicator.computed_from,
                                   "source": indicator.source, "years": rows})  # fmt: skip
            scores = {str(y): engine.topic_score(topic_scores[y], len(indicators))
                      for y in years}  # fmt: skip
            for y in years:  # (the topic's score, whether it has any figure that year)
                theme_scores[y].append((scores[str(y)], bool(topic_scores[y])))
            topics.append({"name": topic.name, "scores": scores, "indicators": indicators})
        scores = {str(y): engine.level_score(theme_scores[y]) for y in years}
        for y in years:
            city[y].append((scores[str(y)], any(has for _, has in theme_scores[y])))
        themes.append({"name": theme.name, "scores": scores, "topics": topics})
    city_scores = {str(y): engine.level_score(city[y]) for y in years}
    baseline = str(years[0]) if years else None
    return {
        "years": years,
        "baseline": baseline,
        "city": city_scores,
        "change": {
            str(y): engine.change(city_scores[str(y)], city_scores[baseline] if baseline else None)
            for y in years
        },
        "themes": themes,
        "table_loaded": table is not None,
    }
