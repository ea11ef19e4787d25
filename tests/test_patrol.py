"""Patrol staffing in the product (issue 18): the workload read from the CAD (imported with
its districts and who started each incident), rosters imported and entered, the model's need
against them, scenarios judged beside today, the scorecard's measure, the pages and the
`safercity patrol` command."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.roles import Role
from safercity.emergency.history import history_import, mapping_read
from safercity.emergency.models import Assignment, Call, Incident, Unit
from safercity.staffing import patrol, scenarios
from safercity.staffing.models import CallTypeTime, DepartmentUnit, RosterShift, Scenario
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
SYSTEM = command_actor("tests")
ZONE = timezone.get_current_timezone()
MONDAY = date(2025, 3, 3)  # the first day counted (a Monday)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(MONDAY + timedelta(days=day), time(hour, minute), ZONE)


def _incident(number: str, call_type: str, district: str, received: datetime,
              units: list[tuple[int, int | None]], *, by_officer: bool = False,
              exercise: str = "") -> Incident:  # fmt: skip
    """An incident with police units: (minutes after receipt dispatched, minutes on it)."""
    call = None
    if exercise:
        call = Call.objects.create(call_id=f"ex-{number}", exercise=exercise, arrived_at=received)
    incident = Incident.objects.create(
        number=number, call=call, call_type=call_type, priority=2, received_at=received,
        entered_at=received, district=district, officer_initiated=by_officer,
        status=Incident.Status.CLOSED,
    )  # fmt: skip
    for n, (after, spent) in enumerate(units):
        unit, _ = Unit.objects.get_or_create(call_sign=f"{district}A{n}", discipline="police")
        sent = received + timedelta(minutes=after)
        Assignment.objects.create(
            incident=incident, unit=unit, dispatched_at=sent,
            cleared_at=None if spent is None else sent + timedelta(minutes=spent),
        )  # fmt: skip
    return incident


@pytest.fixture
def cad() -> None:
    """Four weeks of one district's Monday 10:00 hour: each week a burglary (two units, 60 and
    30 minutes), plus in week one a traffic stop an officer started (one unit, 30 minutes), a
    unit that never cleared, an exercise, and an incident with no district at all."""
    for week in range(4):
        _incident(f"B{week}", "BURGLARY", "District 4", _at(7 * week, 10, 5), [(2, 60), (5, 30)])
    _incident("T0", "TRAFFIC", "4", _at(0, 10, 30), [(0, 30)], by_officer=True)
    _incident("N0", "ALARM", "4", _at(1, 3), [(1, None)])
    _incident("X0", "BURGLARY", "4", _at(2, 10), [(1, 600)], exercise="drill")
    _incident("U0", "ALARM", "", _at(3, 12), [(1, 20)])
    CallTypeTime.objects.create(call_type="BURGLARY", extra_minutes=30)


def _built() -> patrol.Workload:
    workload = patrol.workload_request(actor=SYSTEM, start=MONDAY, end=MONDAY + timedelta(28))
    workload.refresh_from_db()
    assert workload.status == workload.Status.DONE, workload.error
    return workload


def test_the_workload_counts_every_unit_and_report_time_and_says_what_it_could_not_use(cad):
    workload = _built()
    assert workload.incidents == 6  # the exercise is not patrol work; the one with no district
    assert workload.without_district == 1  # is counted out loud
    assert workload.defect_counts == {"no cleared time": 1}
    assert workload.defects == [["N0", 1, "no cleared time"]]
    pic = scenarios.picture(workload)
    assert [d.district for d in pic.districts] == ["4"]  # "District 4" and "4" are one
    district = pic.districts[0]
    monday_ten = district.need.workload_hours[10]
    # A week: burglary 60 + 30 unit minutes + 30 report = 2 h; week one's stop adds 0.5 h.
    assert monday_ten == pytest.approx((4 * 2.0 + 0.5) / 4)
    assert district.calls_week == pytest.approx((4 + 1 + 1) / 4)
    assert district.officer_share == pytest.approx(0.5 / 4 / district.workload_week)
    burglary = next(t for t in pic.call_types if t.call_type == "BURGLARY")
    assert burglary.units_per_call == 2 and burglary.minutes_per_call == 120


def test_cad_imports_carry_the_district_and_who_started_the_incident():
    mapping = mapping_read(
        '[file]\nkind = "cad"\n[columns]\nincident = "No"\nreceived = "Rec"\n'
        'dispatched = "Disp"\ncleared = "Clr"\nunit = "Unit"\ndistrict = "Dist"\n'
        'initiated = "Src"\ncall_type = "Type"\n[initiated]\nofficer = ["OV", "SELF"]\n'
        'community = ["911", "PHONE"]\n'
    )
    data = (
        b"No,Type,Rec,Disp,Clr,Unit,Dist,Src\n"
        b"A1,STOP,2025-03-03T10:00:00,2025-03-03T10:00:00,2025-03-03T10:20:00,4A1,District 4,ov\n"
        b"A2,ALARM,2025-03-03T11:00:00,2025-03-03T11:03:00,2025-03-03T11:30:00,4A1,4,911\n"
        b"A3,ALARM,2025-03-03T12:00:00,,,,4,RADIO\n"
    )
    report = history_import(actor=SYSTEM, data=data, mapping=mapping, source="cad.csv")
    assert [r.reason for r in report.rejected] == ["initiated: 'RADIO' is not in the mapping's "
                                                   "[initiated]"]  # fmt: skip
    stop, alarm = Incident.objects.get(number="A1"), Incident.objects.get(number="A2")
    assert (stop.district, stop.officer_initiated) == ("District 4", True)
    assert (alarm.district, alarm.officer_initiated) == ("4", False)


ROSTER = (
    "District,Date,Start,End,Officers,Post\n"
    "District 4,2025-03-03,07:00,15:00,2,\n"
    "4,03/03/2025,10:00,10:30,1,car 12\n"
    "4,2025-03-03,23:00,07:00,3,\n"
)


def test_a_roster_imports_once_and_a_bad_one_imports_nothing():
    report = patrol.roster_import(actor=SYSTEM, data=ROSTER.encode(), source="march.csv")
    assert (report.created, report.rejected) == (3, [])
    night = RosterShift.objects.get(starts_at=_at(0, 23))
    assert night.ends_at == _at(1, 7) and night.officers == 3 and night.district == "4"
    again = patrol.roster_import(actor=SYSTEM, data=ROSTER.encode(), source="march.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    bad = (
        "district,start,end,officers\n"
        "5,2025-03-03 07:00,2025-03-03 15:00,4\n"
        "5,2025-03-03 15:00,2025-03-03 07:00,4\n"
        ",2025-03-03 07:00,2025-03-03 15:00,1\n"
        "5,next tuesday,2025-03-04 15:00,1\n"
        "5,2025-03-03 07:00,2025-03-05 07:00,1\n"
        "5,2025-03-03 07:00,2025-03-03 15:00,many\n"
    )
    report = patrol.roster_import(actor=SYSTEM, data=bad.encode(), source="bad.csv")
    assert [(r.line, r.reason.split(" (")[0]) for r in report.rejected] == [
        (3, "the shift ends before it starts"), (4, "district: missing"),
        (5, "'next tuesday' is not a date and time"), (6, "a shift longer than 24 hours"),
        (7, "officers: 'many' is not a whole number"),
    ]  # fmt: skip
    assert not RosterShift.objects.filter(district="5").exists()
    with pytest.raises(patrol.FileRefused, match="columns for start"):
        patrol.roster_import(actor=SYSTEM, data=b"district,when\n4,today\n", source="x.csv")


def test_shifts_spread_over_hours_as_the_obvious_loop_does():
    import math

    import numpy as np

    chance = np.random.default_rng(18)
    a = chance.uniform(0, 400, 500)
    a[:50] = np.floor(a[:50])  # shifts on the hour, and shifts ending at the period's end
    b = np.minimum(a + chance.uniform(0.05, 24, 500), 420.0)
    officers = chance.integers(1, 9, 500).astype(float)
    obvious = np.zeros(420)
    for start, end, n in zip(a, b, officers, strict=True):
        for slot in range(int(start), math.ceil(end)):
            obvious[slot] += n * (min(end, slot + 1) - max(start, slot))
    assert np.allclose(patrol.spread(420, a, b, officers), obvious)


def test_rostered_hours_give_saturation_cover_and_the_scorecard_measure(cad):
    patrol.roster_import(actor=SYSTEM, data=ROSTER.encode(), source="march.csv")
    pic = scenarios.picture(_built())
    district = pic.districts[0]
    # Only the first Monday has a roster, 07:00 to Tuesday 07:00: two officers to 15:00 and
    # one more from 10:00 to 10:30, nobody 15:00 to 23:00, then three. Those hours are the
    # average rostered week's; the hours outside it are unknown and count as no one.
    assert district.on_duty[10] == pytest.approx(2.5)
    assert district.on_duty[23] == 3 and district.on_duty[30] == 3  # past midnight, Tuesday
    assert district.on_duty[18] == 0
    # Monday 10:00 needs ceil(2.125 / 0.6) = 4 officers; 2.5 were there.
    assert district.need.officers[10] == 4
    coverage = scenarios.month_coverage(date(2025, 3, 1), pic)
    # 24 rostered hours; the need (at least 2) met 07:00-15:00 but at 10:00, and 23:00-07:00.
    assert (coverage.hours, coverage.met) == (24, 7 + 8)


def _department() -> None:
    for name, kind, sworn in (("District 4 patrol", "patrol", 20), ("Mobile reserve",
                              "specialized", 30), ("Special operations", "specialized", 30),
                              ("Homicide", "investigative", 20)):  # fmt: skip
        scenarios.unit_save(actor=SYSTEM, unit=None, name=name, kind=kind, sworn=sworn)


def test_a_scenario_is_built_step_by_step_and_judged_beside_today(cad):
    _built()
    _department()
    made = scenarios.scenario_create(actor=SYSTEM, name="Merge and move")
    with pytest.raises(scenarios.InputRefused, match="Only 0 freed positions"):
        scenarios.scenario_step_add(
            actor=SYSTEM, scenario=made, step={"kind": "move", "officers": 5, "to": "patrol"}
        )
    made.refresh_from_db()
    assert made.steps == []
    scenarios.scenario_step_add(
        actor=SYSTEM,
        scenario=made,
        step={"kind": "merge", "units": ["Mobile reserve", "Special operations"], "kept": 40},
    )
    scenarios.scenario_step_add(
        actor=SYSTEM, scenario=made, step={"kind": "move", "officers": 20, "to": "patrol"}
    )
    scenarios.scenario_step_add(
        actor=SYSTEM, scenario=made, step={"kind": "civilianize", "call_types": ["BURGLARY"]}
    )
    judged = scenarios.result(made, scenarios.picture())
    assert judged.on_duty_from.startswith("patrol units' sworn positions")
    (today,), (after,) = judged.today, judged.after
    assert after.fte_on_patrol == pytest.approx(today.fte_on_patrol * 40 / 20)  # 20 + 20
    assert after.saturation < today.saturation  # burglaries gone, more officers
    assert judged.kinds_after()["specialized"] == 40
    csv_text = scenarios.results_csv([judged])
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["district", "measure", "today", "Merge and move"]
    assert ["4", "Patrol FTE", f"{today.fte_on_patrol:.4f}", f"{after.fte_on_patrol:.4f}"] in rows
    scenarios.scenario_step_remove(actor=SYSTEM, scenario=made, index=2)
    assert [s["kind"] for s in Scenario.objects.get().steps] == ["merge", "move"]


def test_patrol_pages_for_analysts_and_command_staff_and_no_one_else(client, cad):
    _built()
    _department()
    made = scenarios.scenario_create(actor=SYSTEM, name="Civilians take burglaries")
    scenarios.scenario_step_add(
        actor=SYSTEM, scenario=made, step={"kind": "civilianize", "call_types": ["BURGLARY"]}
    )
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get("/staff/staffing/patrol/").status_code == 403
    client.force_login(make_user("cora", Role.COMMAND_STAFF))
    home = client.get("/staff/staffing/patrol/?district=4")
    assert home.status_code == 200
    text = home.content.decode()
    assert "1 no cleared time" in text and "1 incidents with no district" in text
    assert 'data-testid="need"' in text
    defects = client.get("/staff/staffing/patrol/defects.csv").content.decode()
    assert defects.splitlines()[1] == "N0,1,no cleared time"
    page = client.get(f"/staff/staffing/patrol/scenarios/{made.pk}/")
    assert "Civilian responders take BURGLARY" in page.content.decode()
    report = client.get(f"/staff/staffing/patrol/scenarios/{made.pk}/report/").content.decode()
    assert "Reorganization scenario: Civilians take burglaries" in report
    compare = client.get(f"/staff/staffing/patrol/scenarios/compare/?s={made.pk}&format=csv")
    assert compare["Content-Type"].startswith("text/csv")
    assert "Civilians take burglaries" in compare.content.decode().splitlines()[0]
    for path in ("rosters/", "units/", "model/", "scenarios/", "scenarios/compare/?s=x&s=999"):
        assert client.get(f"/staff/staffing/patrol/{path}").status_code == 200, path


def test_bad_input_on_the_patrol_pages_is_refused_plainly(client, cad):
    client.force_login(make_user("ana", Role.ANALYST))
    base = "/staff/staffing/patrol/"
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    upload.name = "roster.csv"
    answer = client.post(f"{base}rosters/", {"roster": upload})
    assert answer.status_code == 400 and "the file is binary" in answer.content.decode()
    answer = client.post(
        f"{base}rosters/",
        {
            "district": "4",
            "starts_at": "2025-03-03 15:00",
            "ends_at": "2025-03-03 07:00",
            "officers": "2",
        },
    )
    assert answer.status_code == 400 and "ends before it starts" in answer.content.decode()
    answer = client.post(f"{base}build/", {"start": "2025-03-10", "end": "2025-03-01"})
    assert answer.status_code == 400 and "comes before the first" in answer.content.decode()
    answer = client.post(
        f"{base}model/",
        {
            "target_share": "7",
            "minimum_on_duty": "2",
            "scheduled_hours": "2080",
            "vacation_hours": "0",
            "holiday_hours": "0",
            "training_hours": "0",
            "sick_hours": "0",
            "other_hours": "0",
        },
    )
    assert answer.status_code == 400 and "Between 0.20 and 0.95" in answer.content.decode()
    made = scenarios.scenario_create(actor=SYSTEM, name="S")
    answer = client.post(f"{base}scenarios/{made.pk}/", {"kind": "merge", "units": ["nope"]})
    assert answer.status_code == 400
    answer = client.post(f"{base}scenarios/{made.pk}/", {"remove": "7"})
    assert answer.status_code == 400 and "no such step" in answer.content.decode()
    assert client.post(f"{base}scenarios/", {"name": "S"}).status_code == 400
    assert client.get(f"{base}units/999/").status_code == 404


def test_the_command_builds_the_workload_and_prints_the_need(cad, tmp_path):
    out = io.StringIO()
    call_command("patrol", "plan", "--from", "2025-03-03", "--to", "2025-03-30", stdout=out)
    text = out.getvalue()
    assert "6 incidents from 2025-03-03 to 2025-03-30" in text
    assert "1 unit times not used: no cleared time" in text
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = io.StringIO()
    call_command("patrol", "roster", str(roster), stdout=out)
    assert "3 shifts added" in out.getvalue()
    DepartmentUnit.objects.create(name="District 4 patrol", kind="patrol", sworn=20)
    scenarios.scenario_create(actor=SYSTEM, name="None")
    out = io.StringIO()
    call_command("patrol", "scenario", "None", "--csv", str(tmp_path / "s.csv"), stdout=out)
    assert "Patrol FTE" in out.getvalue()
    assert (tmp_path / "s.csv").read_text().startswith("district,measure,today,None")


def test_the_scorecard_shows_last_months_patrol_hours_staffed_to_the_model(cad):
    from safercity.accountability.registry import scorecard
    from safercity.core.months import month_before

    _built()
    first = month_before(timezone.localdate().replace(day=1))
    day = first + timedelta(days=(7 - first.weekday()) % 7)  # its first Monday
    roster = f"district,date,start,end,officers\n4,{day},07:00,15:00,5\n4,{day},15:00,23:00,1\n"
    patrol.roster_import(actor=SYSTEM, data=roster.encode(), source="last month.csv")
    (row,) = [r for r in scorecard() if r.commitment.number == 2]
    (figure,) = row.figures
    # Eight hours of five officers meet the need (at least two); eight of one do not.
    assert (figure.label, figure.value, figure.meets_target) == (
        "Patrol hours staffed to the workload model",
        "50%",
        False,
    )


def test_patrol_fte_is_split_by_the_models_shifts(cad):
    pic = scenarios.picture(_built())
    ((district, shifts),) = pic.shift_rows()
    assert [label for label, _ in shifts] == ["07:00-15:00", "15:00-23:00", "23:00-07:00"]
    assert sum(fte for _, fte in shifts) == pytest.approx(district.fte_needed)
    day, evening, _ = (fte for _, fte in shifts)
    assert day > evening  # Monday 10:00's burglaries need four officers, not the minimum two
