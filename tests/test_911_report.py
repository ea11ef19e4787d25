"""The NENA report for any period: both definitions, hour to month in the centre's zone,
interval-report history counted as exactly as its buckets allow, CSV."""

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from safercity.core.roles import Role
from safercity.emergency.engine.nena import HourCounts, IntervalCounts, Range, report
from safercity.emergency.models import AnswerInterval, Call
from tests.conftest import make_user

CHICAGO = ZoneInfo("America/Chicago")
H = datetime(2026, 3, 2, 9, 0, tzinfo=CHICAGO)


def test_an_interval_counts_exactly_at_its_edges_and_gives_bounds_between_them():
    interval = IntervalCounts(H, (10, 20, 30), (50, 30, 15, 5), abandoned=10)
    assert interval.within(20) == Range(80, 80)
    assert interval.within(15) == Range(50, 80), "15 s falls inside the 10-20 s bucket"
    with pytest.raises(ValueError, match="one answered count per bucket"):
        IntervalCounts(H, (10, 20), (1, 2), 0)
    with pytest.raises(ValueError, match="increasing"):
        IntervalCounts(H, (20, 10), (1, 2, 3), 0)


def test_hours_with_call_records_leave_their_interval_reports_out():
    hours = [HourCounts(H, 10, 9, 8, 9)]
    intervals = [
        IntervalCounts(H + timedelta(minutes=30), (15, 20), (5, 1, 0), 1),  # same hour: out
        IntervalCounts(H + timedelta(hours=1), (15, 20), (5, 1, 0), 2),
    ]
    rows, total = report(hours, intervals, "hour")
    assert [r.period for r in rows] == ["2026-03-02 09:00", "2026-03-02 10:00"]
    assert (total.calls, total.answered, total.within_15) == (18, 15, Range(13, 13))
    assert rows[1].from_intervals and not rows[1].from_calls


def test_weeks_are_iso_weeks_and_both_definitions_differ_by_the_abandoned():
    hours = [HourCounts(H + timedelta(days=d), 100, 90, 87, 89) for d in range(8)]
    rows, total = report(hours, [], "week")
    assert [r.period for r in rows] == ["2026-W10", "2026-W11"]
    assert total.of_answered(15) == (87 / 90, 87 / 90)
    assert total.of_all(15) == (0.87, 0.87)
    assert total.abandoned_share == pytest.approx(0.10)


def calls_at(start, count, answer_s=5, abandoned=0):
    made = []
    for n in range(count + abandoned):
        at = start + timedelta(minutes=n)
        answered = at + timedelta(seconds=answer_s) if n < count else None
        made.append(
            Call(call_id=f"{start:%j%H}-{n}", arrived_at=at, answered_at=answered,
                 abandoned_at=None if answered else at + timedelta(seconds=30),
                 state="released" if answered else "abandoned")
        )  # fmt: skip
    Call.objects.bulk_create(made)


@pytest.mark.django_db
def test_the_report_page_shows_both_figures_for_the_period_asked(client):
    """A centre whose report says 96.9% of answered calls within 15 s reads that here, next
    to the share of all calls (84.5%), each labelled."""
    client.force_login(make_user("ana", Role.ANALYST))
    day = datetime(2026, 10, 5, 8, 0, tzinfo=CHICAGO)
    calls_at(day, 31 * 10, answer_s=5)  # 310 answered in time
    calls_at(day + timedelta(hours=6), 10, answer_s=40)  # 10 answered late
    calls_at(day + timedelta(hours=8), 0, abandoned=59)  # 59 hung up while waiting
    page = client.get("/staff/911/nena/", {"from": "2026-10-01", "to": "2026-10-31", "by": "month"})
    html = page.content.decode()
    total = html.split('data-testid="nena-total"')[1].split("</tr>")[0]
    assert f"{310 / 320:.1%}" in total and f"{310 / 379:.1%}" in total
    assert "Of answered calls" in html and "Of all calls" in html
    assert "2026-10" in html and "2026-09" not in html


@pytest.mark.django_db
def test_the_day_follows_the_centres_clock_across_the_time_change(client):
    client.force_login(make_user("ana", Role.ANALYST))
    before = datetime(2026, 11, 1, 0, 30, tzinfo=CHICAGO)  # clocks go back at 2:00
    calls_at(before, 3)
    calls_at(datetime(2026, 11, 1, 23, 50, tzinfo=CHICAGO), 5)  # already Nov 2 in UTC
    html = client.get(
        "/staff/911/nena/", {"from": "2026-11-01", "to": "2026-11-01", "by": "day"}
    ).content.decode()
    assert "<td>2026-11-01</td><td>8</td>" in html


@pytest.mark.django_db
def test_interval_history_is_counted_and_said_to_be_bounded(client):
    client.force_login(make_user("ana", Role.ANALYST))
    start = datetime(2025, 6, 3, 14, 0, tzinfo=CHICAGO)
    AnswerInterval.objects.create(
        start=start, edges=[10, 20, 30], answered=[80, 10, 5, 5], abandoned=5,
        imported_at=timezone.now(),
    )  # fmt: skip
    query = {"from": "2025-06-03", "to": "2025-06-03", "by": "hour"}
    html = client.get("/staff/911/nena/", query).content.decode()
    assert "<td>2025-06-03 14:00</td><td>105</td><td>100</td>" in html
    assert "80.0% to 90.0%" in html, "15 s falls inside a bucket: bounds, not a guess"
    assert 'data-testid="nena-inexact"' in html
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/staff/911/nena/", {**query, "format": "csv"}).content.decode())
        )
    )
    assert rows[0]["period"] == "2025-06-03 14:00" and rows[0]["source"] == "intervals"
    assert (rows[0]["answered_within_15s_low"], rows[0]["answered_within_15s_high"]) == ("80", "90")
    assert rows[-1]["period"] == "total"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "words"),
    [
        ({"from": "yesterday"}, "dates are written"),
        ({"from": "2026-10-10", "to": "2026-10-01"}, "were swapped"),
        ({"from": "2026-01-01", "to": "2026-06-30", "by": "hour"}, "at most 31 days"),
    ],
)
def test_a_bad_period_is_explained_not_an_error(client, query, words):
    client.force_login(make_user("ana", Role.ANALYST))
    answer = client.get("/staff/911/nena/", query)
    assert answer.status_code == 200 and words in answer.content.decode()
