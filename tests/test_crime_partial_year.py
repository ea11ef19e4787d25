"""A partial year is compared with the same months, never with a whole year (issue 14)."""

from datetime import date

import pytest
from django.core.management import call_command

from safercity.core.rollups import rollup_refresh
from safercity.crime.models import CrimeRecord
from safercity.crime.selectors import homicides_year_to_date

pytestmark = pytest.mark.django_db


def homicides(month, count):
    CrimeRecord.objects.bulk_create(
        CrimeRecord(
            source_key=f"{month:%Y%m}", source_line=n, identity=str(n), coded_month=month, count=1,
            ucr_code=10000, ucr_class=1, district_plan="2014",
        )
        for n in range(count)
    )  # fmt: skip


@pytest.fixture
def four_months_of_2026():
    for m in range(1, 13):
        homicides(date(2025, m, 1), 15)
    for m, count in zip(range(1, 5), (9, 7, 8, 7), strict=True):
        homicides(date(2026, m, 1), count)


def test_the_year_so_far_is_set_against_the_same_months_and_the_pace(four_months_of_2026):
    so_far = homicides_year_to_date()
    assert (so_far.year, so_far.through, so_far.count, so_far.last_year) == (
        2026, date(2026, 4, 1), 31, 60,
    )  # fmt: skip
    assert so_far.partial and so_far.pace(184) == 61


def test_crime_goal_says_a_partial_year_is_partial(four_months_of_2026, capsys):
    call_command("crime_goal")
    out = capsys.readouterr().out
    assert "2025: 180 (-4 against the target)" in out
    assert "2026 (January to April only): 31; the same months of 2025: 60; " in out
    assert "on pace for the target: at most 61 by now" in out
    assert "2026: 31 (" not in out, "a partial year is never set against a whole year's target"


def test_the_scorecard_shows_this_years_count_so_far(four_months_of_2026, client):
    rollup_refresh("scorecard")
    page = client.get("/").content.decode()
    assert 'data-testid="homicide-so-far">31<' in page
    assert "2026 so far (January to April)" in page
    assert 'data-testid="homicide-last-year">60<' in page
    assert "at most 61 by now" in page and 'href="/crime/"' in page


def test_the_chart_marks_a_partial_year_and_shows_the_fair_comparison(four_months_of_2026):
    from safercity.crime.rollups import homicide_chart

    chart = str(homicide_chart())
    assert "2026 (4 months)" in chart and "part of the year" in chart
    assert "2025 (" not in chart, "a whole year is labelled plainly"


def test_compstat_periods_past_the_records_are_marked_partial(four_months_of_2026, client):
    from safercity.crime.compstat import incomplete

    notes = incomplete(date(2026, 4, 30), date(2025, 1, 1), date(2026, 4, 30))
    assert notes == [], "the latest month coded: every period is whole"
    notes = incomplete(date(2026, 5, 10), date(2025, 1, 1), date(2026, 4, 30))
    assert notes[0] == "week: the records end 2026-04-30, 10 days before this period does"
    assert len(notes) == 3, "week, 28 days and year to date all run past the records"
    early = incomplete(date(2025, 3, 31), date(2025, 1, 1), date(2026, 4, 30))
    assert any(
        n.startswith("year to date, a year before: the records begin 2025-01-01") for n in early
    )

    page = client.get("/crime/?as_of=2026-05-10").content.decode()
    assert 'data-testid="compstat-partial"' in page
    assert "10 days before this period does" in page
    rollup_refresh("crime:dashboard")
    assert 'data-testid="compstat-partial"' not in client.get("/crime/").content.decode(), (
        "to the latest day coded, with the year before loaded, every period is whole"
    )
