"""The demo's Equity Indicators (issue 21): the Policing topic of the city's 2018 baseline, as
published, through the analysts' importers. Rates where the city's indicator pages print them
(officers, applicants, academy retention, promotions, traffic stops, use of force); the
published score alone where they do not (municipal arrests, crisis intervention training).
Source: City of St. Louis, Equity Indicators Baseline Report (2018) and its indicator pages
(stlouis-mo.gov, Justice for All > Policing). The other 64 indicators are not loaded: their
figures were not at hand, and none is invented.

Three indicators are computed from the demo's own records by the neighborhoods' majority:
use of force (the city's Use of Force indicator, from 2025 on), and two SaferCity adds in a
theme of their own, the mean seconds 911 callers waited and 311 requests' median days to
close. They need residents by neighborhood and race: the demo city's neighborhoods are
invented, so their make-up is an ASSUMPTION. Calibration rows `residents_*`: as many
majority-Black and majority-white neighborhoods as the 2020 Census finds in St. Louis (38 and 30
of 79), the majority-Black ones in the north of the demo city (as St. Louis's lie mostly north
of Delmar Boulevard), each neighborhood's shares drawn."""

from __future__ import annotations

import csv
import io
import random

from django.utils import timezone

from safercity.core.actors import Actor
from safercity.core.models import Neighborhood
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.demo.engine import Calibration
from safercity.equity import computed, indicators, residents

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
    ("Use of Force", "B-W", "Use-of-force incidents per resident of majority-Black and of "
     "majority-white neighborhoods", "SLMPD", "442/125018", "182/149929", 34),
    ("Crisis Intervention Training", "W-B", "Patrol officers with crisis intervention training",
     SOURCE, "", "", 74),
)  # fmt: skip


# Computed from SaferCity's records: (theme, topic, indicator, direction, definition, source,
# computed_from). Use of Force is the city's own; the two services are SaferCity's additions.
ADDED_THEME, ADDED_TOPIC = "City Services (added by SaferCity)", "911 and 311"
COMPUTED = {"Use of Force": "use_of_force"}
ADDED = (
    ("911 Answer Times", "B-W", "Mean seconds a 911 caller waited (until answered, or until "
     "they hung up), from majority-Black and from majority-white neighborhoods",
     "SaferCity's 911 call records", "answer_911"),
    ("311 Time to Close", "B-W", "Median days from a 311 request to its closing, in "
     "majority-Black and in majority-white neighborhoods", "SaferCity's 311 requests",
     "close_311"),
)  # fmt: skip
RESIDENTS_SOURCE = ("Demo city: neighborhoods' make-up ASSUMED, with as many majority-Black and "
                    "majority-white neighborhoods as St. Louis has (2020 Census)")  # fmt: skip


def _csv(rows: list[tuple[object, ...]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@requires(Role.ADMINISTRATOR)
def load_indicators(*, actor: Actor, calibration: Calibration, seed: int) -> int:
    """The Policing topic as published, the residents by neighborhood, and the indicators
    computed from the demo's records for last year and this year; returns how many values."""
    framework: list[tuple[object, ...]] = [
        ("theme", "topic", "indicator", "direction", "definition", "source", "computed_from")
    ]
    framework += [(THEME, TOPIC, name, way, what, where, COMPUTED.get(name, ""))
                  for name, way, what, where, *_ in POLICING]  # fmt: skip
    framework += [(ADDED_THEME, ADDED_TOPIC, *row) for row in ADDED]
    values: list[tuple[object, ...]] = [
        ("indicator", "year", "first_rate", "second_rate", "published_score")
    ]
    values += [(name, 2018, first, second, score) for name, *_, first, second, score in POLICING]
    for report in (
        indicators.framework_import(actor=actor, data=_csv(framework)),
        indicators.values_import(actor=actor, data=_csv(values), source=SOURCE),
        residents.residents_import(
            actor=actor, data=_residents(calibration, seed), year=2020, source=RESIDENTS_SOURCE
        ),
    ):
        if not report.ok:
            raise ValueError(f"the demo's indicators were refused: {report.rejected}")
    this_year = timezone.localdate().year
    made = sum(computed.indicators_compute(actor=actor, year=year).saved
               for year in (this_year - 1, this_year))  # fmt: skip
    return len(values) - 1 + made


def _residents(calibration: Calibration, seed: int) -> bytes:
    """Each residential neighborhood's residents by race: north to south, the first ones with
    a Black majority, the last ones with a white majority, those between with neither."""
    rng = random.Random(seed + 21)  # noqa: S311 - demo data, not security
    hoods = list(Neighborhood.objects.filter(is_park=False, population__gt=0))
    hoods.sort(key=lambda n: -n.shape.centroid.y)
    share = len(hoods) / calibration["neighborhoods_residential"]
    black_led = round(calibration["residents_neighborhoods_majority_black_2020"] * share)
    white_led = round(calibration["residents_neighborhoods_majority_white_2020"] * share)
    rows: list[tuple[object, ...]] = [("neighborhood", "total", "white", "black")]
    for place, hood in enumerate(hoods):
        total = hood.population or 0
        if place < black_led:
            black = rng.uniform(0.55, 0.97)
            white = (1 - black) * rng.uniform(0.4, 0.8)
        elif place >= len(hoods) - white_led:
            white = rng.uniform(0.52, 0.9)
            black = (1 - white) * rng.uniform(0.2, 0.6)
        else:
            black, white = rng.uniform(0.25, 0.49), rng.uniform(0.25, 0.49)
        rows.append((hood.number, total, int(total * white), int(total * black)))
    return _csv(rows)
