"""NENA-STA-020.1 answer times for any period, for 911 supervisors and analysts: from and to
dates, by hour, day, week or month in the centre's time zone, with both figures labelled:

- of answered 911 calls, the share answered within 15 and 20 s (what most centres' phone
  reports show, and what a centre's own figures usually mean);
- of all 911 calls, abandoned included (the standard's wording, "90% of all 9-1-1 calls"):
  a caller who hung up was not answered in time.

Per-call records (live or imported) are counted in the database by hour; imported interval
reports fill hours that have no per-call records, as exactly as their buckets allow. CSV too.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncHour
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from safercity.core.roles import Role, role_required
from safercity.emergency.engine.nena import (
    REPORT_PERIODS,
    TARGETS,
    HourCounts,
    IntervalCounts,
    ReportPeriod,
    ReportRow,
    report,
)
from safercity.emergency.models import AnswerInterval, Call, Callback

LONGEST = {"hour": 31, "day": 3 * 366, "week": 5 * 366, "month": 10 * 366}  # days
DEFAULT_DAYS = 30


@dataclass(frozen=True)
class Asked:
    start: date
    end: date  # inclusive
    period: ReportPeriod
    error: str = ""

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        begin = datetime.combine(self.start, time(), zone)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone)
        return begin, after


def asked(request: HttpRequest) -> Asked:
    today = timezone.localdate()
    period_text = request.GET.get("by", "day")
    period: ReportPeriod = "day"
    for known in REPORT_PERIODS:
        if period_text == known:
            period = known
    try:
        start = date.fromisoformat(request.GET.get("from") or str(today - timedelta(DEFAULT_DAYS)))
        end = date.fromisoformat(request.GET.get("to") or str(today))
    except ValueError:
        default = Asked(today - timedelta(DEFAULT_DAYS), today, period)
        return Asked(default.start, default.end, period, "dates are written 2026-11-30")
    if end < start:
        return Asked(end, start, period, "the end came before the start: they were swapped")
    if (end - start).days + 1 > LONGEST[period]:
        longest = LONGEST[period]
        shorter = Asked(max(start, end - timedelta(days=longest - 1)), end, period)
        return Asked(shorter.start, end, period, f"by {period}, at most {longest} days at once")
    return Asked(start, end, period)


def _within(seconds: int) -> Q:
    return Q(answered_at__lte=F("arrived_at") + timedelta(seconds=seconds))


def _hours(begin: datetime, after: datetime) -> list[HourCounts]:
    zone = timezone.get_current_timezone()
    calls = (
        Call.objects.filter(
            line=Call.Line.EMERGENCY, arrived_at__gte=begin, arrived_at__lt=after, exercise=""
        )
        .annotate(hour=TruncHour("arrived_at", tzinfo=zone))
        .values("hour")
        .annotate(
            calls=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            within_15=Count("id", filter=_within(15)),
            within_20=Count("id", filter=_within(20)),
        )
    )  # fmt: skip
    callbacks: dict[datetime, tuple[int, int]] = {
        row["hour"]: (row["due"], row["in_time"])
        for row in Callback.objects.filter(
            call__line=Call.Line.EMERGENCY,
            call__exercise="",
            call__arrived_at__gte=begin,
            call__arrived_at__lt=after,
        )
        .annotate(hour=TruncHour("call__arrived_at", tzinfo=zone))
        .values("hour")
        .annotate(due=Count("id"), in_time=Count("id", filter=Q(completed_at__lte=F("due_at"))))
    }
    hours = []
    for row in calls:
        hour = timezone.localtime(row["hour"], zone)
        due, in_time = callbacks.get(row["hour"], (0, 0))
        hours.append(
            HourCounts(
                hour, row["calls"], row["answered"], row["within_15"], row["within_20"],
                due, in_time,
            )
        )  # fmt: skip
    return hours


def _intervals(begin: datetime, after: datetime) -> tuple[list[IntervalCounts], list[str]]:
    found, refused = [], []
    for row in AnswerInterval.objects.filter(line="911", start__gte=begin, start__lt=after):
        try:
            found.append(
                IntervalCounts(
                    timezone.localtime(row.start),
                    tuple(float(e) for e in row.edges),
                    tuple(int(n) for n in row.answered),
                    row.abandoned,
                )
            )
        except (TypeError, ValueError) as error:
            refused.append(f"interval {row.start:%Y-%m-%d %H:%M}: {error}")
    return found, refused


@dataclass(frozen=True)
class Report:
    asked: Asked
    rows: list[ReportRow]
    total: ReportRow
    problems: list[str]

    @property
    def inexact(self) -> bool:
        return not (self.total.within_15.exact and self.total.within_20.exact)


def nena_data(choice: Asked) -> Report:
    begin, after = choice.bounds
    intervals, problems = _intervals(begin, after)
    rows, total = report(_hours(begin, after), intervals, choice.period)
    return Report(choice, rows, total, problems)


def _percent(share: tuple[float, float] | None) -> str:
    if share is None:
        return "—"
    low, high = share
    if abs(high - low) < 1e-12:
        return f"{low:.1%}"
    return f"{low:.1%} to {high:.1%}"


def _both(share: float | None) -> tuple[float, float] | None:
    return None if share is None else (share, share)


def _meets(row: ReportRow, of: str) -> bool | None:
    """Whether a row meets both targets by this definition (None when it cannot be told)."""
    judged = []
    for seconds, target in TARGETS:
        share = row.of_answered(int(seconds)) if of == "answered" else row.of_all(int(seconds))
        if share is None:
            return None
        low, high = share
        if low >= target:
            judged.append(True)
        elif high < target:
            judged.append(False)
        else:
            return None
    return all(judged)


def _view_row(row: ReportRow) -> dict[str, Any]:
    return {
        "row": row,
        "answered_15": _percent(row.of_answered(15)),
        "answered_20": _percent(row.of_answered(20)),
        "all_15": _percent(row.of_all(15)),
        "all_20": _percent(row.of_all(20)),
        "abandoned": _percent(_both(row.abandoned_share)),
        "callbacks": _percent(_both(row.callbacks_share)),
        "meets_answered": _meets(row, "answered"),
        "meets_all": _meets(row, "all"),
        "source": _source(row),
    }


def _source(row: ReportRow) -> str:
    used = (("calls", row.from_calls), ("intervals", row.from_intervals))
    return " + ".join(name for name, on in used if on)


CSV_COLUMNS = [
    "period", "calls_911", "answered", "abandoned",
    "answered_within_15s_low", "answered_within_15s_high",
    "answered_within_20s_low", "answered_within_20s_high",
    "share_of_answered_15s_low", "share_of_answered_15s_high",
    "share_of_answered_20s_low", "share_of_answered_20s_high",
    "share_of_all_15s_low", "share_of_all_15s_high",
    "share_of_all_20s_low", "share_of_all_20s_high",
    "abandoned_share", "callbacks_due", "callbacks_in_time", "source",
]  # fmt: skip


def _csv_row(row: ReportRow, source: str) -> list[object]:
    def pair(share: tuple[float, float] | None) -> list[object]:
        return ["", ""] if share is None else [round(share[0], 4), round(share[1], 4)]

    return [
        row.period, row.calls, row.answered, row.abandoned,
        row.within_15.low, row.within_15.high, row.within_20.low, row.within_20.high,
        *pair(row.of_answered(15)), *pair(row.of_answered(20)),
        *pair(row.of_all(15)), *pair(row.of_all(20)),
        "" if row.abandoned_share is None else round(row.abandoned_share, 4),
        row.callbacks_due, row.callbacks_in_time, source,
    ]  # fmt: skip


@role_required(Role.SUPERVISOR_911, Role.ANALYST, Role.ADMINISTRATOR)
def nena_report(request: HttpRequest) -> HttpResponse:
    choice = asked(request)
    data = nena_data(choice)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"nena-{choice.start}-{choice.end}-by-{choice.period}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        writer.writerow(CSV_COLUMNS)
        for row in [*data.rows, data.total]:
            writer.writerow(_csv_row(row, _source(row)))
        return response
    return render(
        request,
        "emergency/nena.html",
        {
            "data": data,
            "rows": [_view_row(row) for row in data.rows],
            "total": _view_row(data.total),
            "periods": REPORT_PERIODS,
            "query": request.GET.urlencode(),
        },
    )
