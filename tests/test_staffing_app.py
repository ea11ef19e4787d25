import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from safercity.core.roles import Role
from safercity.demo.engine import calls_911
from safercity.staffing.calls_csv import read_call_history
from tests.conftest import make_user

CHICAGO = ZoneInfo("America/Chicago")


def history_csv(days=35, seed=3, extra_rows=(), with_outcomes=False):
    arrival, handle, patience = calls_911(seed=seed, first_day=date(2026, 1, 5), days=days)
    start = datetime(2026, 1, 5, tzinfo=CHICAGO)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["arrived_at", "handle_s", "wait_s", "abandoned"]
        if with_outcomes
        else ["arrived_at", "handle_s"]
    )
    rng = np.random.default_rng(seed)
    for a, h, p in zip(arrival, handle, patience, strict=True):
        row = [(start + timedelta(seconds=float(a))).isoformat(), f"{h:.1f}"]
        if with_outcomes:
            wait = float(rng.exponential(20))
            row += [f"{min(wait, p):.1f}", "yes" if p < wait else "no"]
        writer.writerow(row)
    for row in extra_rows:
        writer.writerow(row)
    return out.getvalue()


def test_the_reader_reports_each_unusable_row_with_its_line_and_reason():
    text = "arrived_at,handle_s,wait_s,abandoned\n" + "\n".join(
        [
            "2026-01-05T08:00:00,100,5,no",
            "yesterday,100,,",
            "2026-01-05T08:01:00,-1,,",
            "2026-01-05T08:02:00,abc,,",
            "2026-01-05T08:03:00,90,12,maybe",
            "2026-01-05T14:03:00+00:00,90,40,yes",
        ]
    )
    history = read_call_history(text, CHICAGO)
    assert [(r.line, r.reason.split(":")[0]) for r in history.rejected] == [
        (3, "arrived_at is not an ISO 8601 date and time"),
        (4, "handle_s must be zero or more"),
        (5, "handle_s is not a number"),
        (6, "abandoned must be yes or no"),
    ]
    assert len(history.arrivals) == 2
    assert history.arrivals[0].tzinfo == CHICAGO
    assert history.arrivals[1].hour == 8  # 14:03 UTC is 08:03 in St. Louis in January
    assert history.patience_s() == pytest.approx((5 + 40) / 1)


def test_a_file_without_the_needed_columns_is_refused():
    with pytest.raises(ValueError, match="arrived_at"):
        read_call_history("time,duration\n", CHICAGO)


def test_patience_is_estimated_from_waits_and_hang_ups():
    history = read_call_history(history_csv(days=20, with_outcomes=True), CHICAGO)
    estimate = history.patience_s()
    assert estimate is not None
    assert 60 < estimate < 130  # the synthetic callers' patience averages 90 s


def test_the_plan_command_writes_shifts_and_a_report(tmp_path, capsys):
    calls = tmp_path / "calls.csv"
    calls.write_text(history_csv(extra_rows=[["soon", "10"]]))
    call_command("staffing", "plan", str(calls), "--out", str(tmp_path / "plan"))
    out, err = capsys.readouterr()
    assert "rejected line" in err and "'soon'" in err
    assert "staff-hours" in out
    shifts = list(csv.DictReader((tmp_path / "plan" / "shifts.csv").open()))
    assert shifts
    assert {row["hours"] for row in shifts} <= {"8", "10", "12"}
    report = (tmp_path / "plan" / "report.html").read_text()
    assert "<svg" in report and "NENA-STA-020.1" in report
    assert "line " in report and "soon" in report


def test_the_plan_command_explains_why_it_cannot_plan(tmp_path):
    short = tmp_path / "short.csv"
    short.write_text(history_csv(days=5))
    with pytest.raises(CommandError, match="at least 14"):
        call_command("staffing", "plan", str(short))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("staffing", "plan", str(tmp_path / "missing.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="columns"):
        call_command("staffing", "plan", str(bad))


@pytest.mark.django_db
def test_the_staffing_page_is_for_supervisors_and_analysts(client):
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get("/staff/staffing/").status_code == 403
    client.force_login(make_user("sue", Role.SUPERVISOR_911))
    assert client.get("/staff/staffing/").status_code == 200
    client.logout()
    assert client.get("/staff/staffing/").status_code == 302


@pytest.mark.django_db
def test_a_supervisor_gets_a_verified_plan_from_an_uploaded_history(client):
    client.force_login(make_user("sue", Role.SUPERVISOR_911))
    upload = SimpleUploadedFile("calls.csv", history_csv().encode(), content_type="text/csv")
    response = client.post("/staff/staffing/", {"calls": upload, "shrinkage": "0.3"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Plan for the week of" in page
    assert 'data-testid="staff-hours"' in page
    assert "Download the shifts (CSV)" in page


@pytest.mark.django_db
def test_the_demo_history_plan_comes_back_as_a_fragment_for_htmx(client):
    client.force_login(make_user("ana", Role.ANALYST))
    response = client.post(
        "/staff/staffing/", {"use_demo": "on", "shrinkage": "0.3"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "meets" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"shrinkage": "0.3"}, "Choose a call history file"),
        ({}, "This field is required"),
        ({"use_demo": "on", "shrinkage": "5"}, "less than or equal to 0.9"),
        ({"use_demo": "on", "shrinkage": "0.3", "week_start": "2026-03-03"}, "starts on a Monday"),
    ],
)
def test_bad_plan_requests_get_a_clear_message_not_an_error_page(client, fields, message):
    client.force_login(make_user("sue", Role.SUPERVISOR_911))
    response = client.post("/staff/staffing/", fields)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.django_db
def test_an_unusable_upload_is_explained(client):
    client.force_login(make_user("sue", Role.SUPERVISOR_911))
    upload = SimpleUploadedFile("calls.csv", b"\xff\xfe garbage", content_type="text/csv")
    response = client.post("/staff/staffing/", {"calls": upload, "shrinkage": "0.3"})
    assert response.status_code == 400
    assert "columns" in response.content.decode()


@pytest.mark.django_db
def test_a_plan_is_made_by_the_worker_while_the_page_polls_for_it(client, settings):
    from safercity.staffing.models import PlanJob
    from safercity.staffing.services import plan_make

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(make_user("sue", Role.SUPERVISOR_911))
    upload = SimpleUploadedFile("calls.csv", history_csv().encode(), content_type="text/csv")
    asked = client.post("/staff/staffing/", {"calls": upload, "shrinkage": "0.3"})
    job = PlanJob.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"/staff/staffing/plans/{job.pk}/"
    waiting = client.get(asked["Location"])
    page = waiting.content.decode()
    assert waiting.status_code == 202 and 'data-testid="plan-waiting"' in page
    assert f'hx-get="/staff/staffing/plans/{job.pk}/"' in page and 'hx-trigger="every 1s"' in page
    assert plan_make.call(str(job.pk)) == "done"
    done = client.get(asked["Location"], HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "Plan for the week of" in done.content.decode()
    assert "<html" not in done.content.decode(), "the poll swaps in just the report"
    job.refresh_from_db()
    assert job.calls == b"", "the uploaded history is not kept once the plan is made"
    client.force_login(make_user("carl", Role.CALL_TAKER))
    assert client.get(asked["Location"]).status_code == 403


@pytest.mark.django_db
def test_a_plan_that_cannot_be_made_stops_the_polling_with_the_reason(client, settings):
    from safercity.staffing.models import PlanJob
    from safercity.staffing.services import plan_make

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client.force_login(make_user("sue", Role.SUPERVISOR_911))
    upload = SimpleUploadedFile("calls.csv", b"a,b\n1,2\n", content_type="text/csv")
    client.post("/staff/staffing/", {"calls": upload, "shrinkage": "0.3"}, HTTP_HX_REQUEST="true")
    job = PlanJob.objects.get()
    assert plan_make.call(str(job.pk)) == "failed"
    polled = client.get(f"/staff/staffing/plans/{job.pk}/", HTTP_HX_REQUEST="true")
    page = polled.content.decode()
    assert polled.status_code == 200 and "columns" in page and "plan-waiting" not in page


@pytest.mark.django_db
def test_plans_finished_a_month_ago_are_pruned_and_recent_ones_kept():
    from datetime import timedelta

    from django.utils import timezone

    from safercity.staffing.models import PlanJob
    from safercity.staffing.services import plans_prune

    now = timezone.now()
    old = PlanJob.objects.create(source="a.csv", status="done", finished_at=now - timedelta(31))
    recent = PlanJob.objects.create(source="b.csv", status="done", finished_at=now - timedelta(2))
    waiting = PlanJob.objects.create(source="c.csv")
    assert plans_prune.call() == 1
    assert set(PlanJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert old.pk not in set(PlanJob.objects.values_list("pk", flat=True))


def test_handle_time_is_the_answered_calls_own():
    """Abandoned calls (handle 0) were never handled: averaging them in would staff too few."""
    text = "arrived_at,handle_s,wait_s,abandoned\n" + "\n".join(
        [
            "2026-01-05T08:00:00,180,5,no",
            "2026-01-05T08:01:00,200,8,no",
            "2026-01-05T08:02:00,0,40,yes",
            "2026-01-05T08:03:00,0,30,yes",
        ]
    )
    history = read_call_history(text, CHICAGO)
    assert history.mean_handle_s == 190
    assert history.patience_s() == pytest.approx((5 + 8 + 40 + 30) / 2)
    without_outcomes = read_call_history(
        "arrived_at,handle_s\n2026-01-05T08:00:00,180\n2026-01-05T08:02:00,0\n", CHICAGO
    )
    assert without_outcomes.mean_handle_s == 180, "a zero handle time with no outcome: unanswered"
