"""The staffing plan as a page: summary, charts (Vega-Lite rendered to SVG on the server,
so it works offline), the shifts, and how the plan did in simulation."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from safercity.core.charts import svg
from safercity.staffing.calls_csv import RejectedRow
from safercity.staffing.engine.erlang import NENA_TARGETS
from safercity.staffing.engine.planner import StaffingPlan
from safercity.staffing.engine.schedule import DAYS, SLOT_S

REJECTED_SHOWN = 200


def _slot_times(plan: StaffingPlan) -> list[str]:
    start = datetime.combine(plan.week_start, time())
    return [
        (start + timedelta(seconds=i * SLOT_S)).isoformat() for i in range(len(plan.expected_calls))
    ]


def _x_axis() -> dict[str, Any]:
    return {
        "field": "time",
        "type": "temporal",
        "title": None,
        "axis": {"format": "%a %H:%M", "labelAngle": 0, "tickCount": 7},
    }


def charts(plan: StaffingPlan) -> dict[str, SafeString]:
    times = _slot_times(plan)
    calls = [
        {"time": t, "calls": round(float(v), 2)}
        for t, v in zip(times, plan.expected_calls, strict=True)
    ]
    staff_rows = []
    series = (
        ("needed on the phones", plan.plan.on_phones_needed),
        ("scheduled", plan.plan.coverage),
        ("on the phones after shrinkage", plan.plan.on_phones),
    )
    for label, values in series:
        staff_rows += [
            {"time": t, "people": int(v), "series": label}
            for t, v in zip(times, values, strict=True)
        ]
    target = NENA_TARGETS[0]
    answered = [
        {"time": t, "share": round(float(v), 4)}
        for t, v in zip(times, plan.verification.slot_service_level[target.seconds], strict=True)
    ]
    return {
        "calls": svg(
            {
                "title": "Expected 911 calls per 30 minutes",
                "width": 900,
                "height": 180,
                "data": {"values": calls},
                "mark": {"type": "area", "line": True, "opacity": 0.4},
                "encoding": {
                    "x": _x_axis(),
                    "y": {"field": "calls", "type": "quantitative", "title": "calls"},
                },
            }
        ),
        "staff": svg(
            {
                "title": "Call-takers per 30 minutes",
                "width": 900,
                "height": 220,
                "data": {"values": staff_rows},
                "mark": {"type": "line", "interpolate": "step-after"},
                "encoding": {
                    "x": _x_axis(),
                    "y": {"field": "people", "type": "quantitative", "title": "people"},
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": None,
                        "legend": {"orient": "bottom"},
                    },
                },
            }
        ),
        "answered": svg(
            {
                "title": f"Simulated share answered within {target.seconds:g} s",
                "width": 900,
                "height": 180,
                "layer": [
                    {
                        "data": {"values": answered},
                        "mark": {"type": "line", "interpolate": "step-after"},
                        "encoding": {
                            "x": _x_axis(),
                            "y": {
                                "field": "share",
                                "type": "quantitative",
                                "title": "share",
                                "axis": {"format": "%"},
                                "scale": {"domain": [0.5, 1]},
                            },
                        },
                    },
                    {
                        "data": {"values": [{"target": target.share}]},
                        "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#b42318"},
                        "encoding": {"y": {"field": "target", "type": "quantitative"}},
                    },
                ],
            }
        ),
    }


def context(
    plan: StaffingPlan, *, source: str, rejected: list[RejectedRow], patience_note: str
) -> dict[str, Any]:
    verification = plan.verification
    return {
        "plan": plan,
        "source": source,
        "rejected": rejected,
        "rejected_shown": rejected[:REJECTED_SHOWN],
        "patience_note": patience_note,
        "charts": charts(plan),
        "shifts_by_day": shifts_by_day(plan),
        "over_bound": plan.plan.staff_hours / plan.plan.lower_bound_hours - 1
        if plan.plan.lower_bound_hours
        else 0.0,
        "targets": [
            {
                "target": t,
                "achieved": verification.service_level[t.seconds],
                "met": verification.service_level[t.seconds] >= t.share,
                "slots_meeting": verification.slots_meeting(t),
            }
            for t in NENA_TARGETS
        ],
    }


def shifts_by_day(plan: StaffingPlan) -> list[tuple[str, list[str]]]:
    days: list[tuple[str, list[str]]] = [(name, []) for name in DAYS]
    for shift in plan.plan.shifts:
        day, slot = divmod(shift.start_slot, 48)
        minutes = slot * SLOT_S // 60
        days[day][1].append(
            f"{minutes // 60:02d}:{minutes % 60:02d} {shift.hours:g} h x {shift.heads}"
        )
    return days


def render_report(plan: StaffingPlan, **kwargs: Any) -> str:
    return render_to_string("staffing/report_file.html", context(plan, **kwargs))


def shifts_csv(plan: StaffingPlan) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["week_start", "day", "start", "hours", "heads"])
    for shift in plan.plan.shifts:
        start = datetime.combine(plan.week_start, time()) + timedelta(
            seconds=shift.start_slot * SLOT_S
        )
        writer.writerow(
            [
                plan.week_start.isoformat(),
                start.strftime("%a"),
                start.strftime("%H:%M"),
                f"{shift.hours:g}",
                shift.heads,
            ]
        )
    return out.getvalue()
