"""The demo's Equity Indicators (issue 21): the Policing topic of the city's 2018 baseline, as
published, through the analysts' importers. Rates where the city's indicator pages print them
(officers, applicants, academy retention, promotions, traffic stops, use of force); the
published score alone where they do not (municipal arrests, crisis intervention training).
Source: City of St. Louis, Equity Indicators Baseline Report (2018) and its indicator pages
(stlouis-mo.gov, Justice for All > Policing). The other 64 indicators are not loaded: their
figures were not at hand, and none is invented."""

from __future__ import annotations

import csv
import io

from safercity.core.actors import Actor
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.equity import indicators

SOURCE = "City of St. Louis, Equity Indicators Baseline Report (2018)"
THEME, TOPIC = "Justice for All", "Policing"
# (indicator, direction, definition, source, first rate, second rate, published score)
POLICING = (
    ("Police Department Representation", "W-B",
     "Commissioned officers per 1,000 residents of each race", "SLMPD 2016; ACS 2016",
     "763/135384", "385/145393", 40),
    ("Police Applicants", "W-B", "Applicants to SLMPD per 1,000 residents of each race",
     "SLMPD 2017; ACS 2016", "394/135384", "366/145393", 78),
    ("Academy Retention", "B-W", "Share of trainees who resigned or were dismissed",
     "SLMPD 2017", "7/20", "6/62", 30),
    ("Police Department Promotions", "W-B", "Share of commissioned officers promoted",
     "Personnel Department 2017", "27/763", "13/385", 91),
    ("Traffic Stops", "B-W", "Drivers stopped per driving-age resident",
     "Missouri Attorney General", "32356/114872", "17762/121093", 44),
    ("Municipal Arrests", "B-W", "Arrests for municipal violations", SOURCE, "", "", 39),
    ("Use of Force", "B-W", "Use-of-force incidents by neighborhood majority", "SLMPD",
     "442/125018", "182/149929", 34),
    ("Crisis Intervention Training", "W-B", "Patrol officers with crisis intervention training",
     SOURCE, "", "", 74),
)  # fmt: skip


def _csv(rows: list[tuple[object, ...]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@requires(Role.ADMINISTRATOR)
def load_indicators(*, actor: Actor) -> int:
    """The Policing topic as published; returns how many values."""
    framework: list[tuple[object, ...]] = [
        ("theme", "topic", "indicator", "direction", "definition", "source")
    ]
    framework += [(THEME, TOPIC, name, way, what, where) for name, way, what, where, *_ in POLICING]
    values: list[tuple[object, ...]] = [
        ("indicator", "year", "first_rate", "second_rate", "published_score")
    ]
    values += [(name, 2018, first, second, score) for name, *_, first, second, score in POLICING]
    for report in (
        indicators.framework_import(actor=actor, data=_csv(framework)),
        indicators.values_import(actor=actor, data=_csv(values), source=SOURCE),
    ):
        if not report.ok:
            raise ValueError(f"the demo's indicators were refused: {report.rejected}")
    return len(values) - 1
