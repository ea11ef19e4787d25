"""911 history from other systems' exports: per-call records, interval reports and CAD
incidents, read through mapping files; every rejected row said, nothing live made."""

import csv
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.tabular import FileRefused
from safercity.demo.exports import write_911_exports
from safercity.emergency.history import history_import, mapping_read
from safercity.emergency.models import (
    AnswerInterval,
    Assignment,
    Call,
    Callback,
    Incident,
    QueueAlert,
    Unit,
)  # fmt: skip
from safercity.emergency.services.queue import queue_tick
from tests.conftest import make_user, shared_data

pytestmark = pytest.mark.django_db
SHIPPED = Path(__file__).resolve().parents[1] / "safercity" / "emergency" / "mappings"
CHICAGO = ZoneInfo("America/Chicago")
IMPORTER = command_actor("tests")


def shipped(name):
    return mapping_read((SHIPPED / f"{name}.toml").read_text())


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    start = datetime.combine(timezone.localdate() - timedelta(days=3), time(), CHICAGO)
    return write_911_exports(folder, start, days=1)


def rows_of(path):
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def test_the_demos_exports_import_with_the_shipped_mappings_and_again_change_nothing(exports):
    calls = history_import(
        actor=IMPORTER, data=exports["calls"].read_bytes(), mapping=shipped("demo-calls"),
        source="calls.csv",
    )  # fmt: skip
    written = rows_of(exports["calls"])
    assert (calls.created, calls.rejected) == (len(written), [])
    abandoned = sum(1 for row in written if not row["Answered"])
    assert Call.objects.filter(state="abandoned").count() == abandoned
    assert Call.objects.filter(line="admin").count() == sum(r["Trunk"] == "ADMIN" for r in written)
    assert not Call.objects.filter(state__in=Call.LIVE_STATES).exists(), "history is never live"
    assert not Callback.objects.exists(), "imported history creates no callbacks"
    queue_tick()
    assert not QueueAlert.objects.exists(), "and no alerts"
    again = history_import(
        actor=IMPORTER, data=exports["calls"].read_bytes(), mapping=shipped("demo-calls"),
        source="calls.csv",
    )  # fmt: skip
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(written))


def test_interval_reports_import_and_the_nena_report_reads_them(exports, client):
    report = history_import(
        actor=IMPORTER, data=exports["intervals"].read_bytes(),
        mapping=shipped("demo-intervals"), source="intervals.csv",
    )  # fmt: skip
    written = rows_of(exports["intervals"])
    assert report.created == len(written) == AnswerInterval.objects.count()
    first = AnswerInterval.objects.order_by("start").first()
    row = written[0]
    buckets = ["0-10", "11-15", "16-20", "21-30", "31-60", "Over 60"]
    assert first.answered == [int(row[b]) for b in buckets]
    assert first.abandoned == int(row["Abandoned"])
    client.force_login(
        make_user(
            "ana", "analyst" and __import__("safercity.core.roles", fromlist=["Role"]).Role.ANALYST
        )
    )
    day = timezone.localtime(first.start).date()
    html = client.get("/staff/911/nena/", {"from": day, "to": day, "by": "day"}).content.decode()
    total = sum(int(r[b]) for r in written for b in buckets) + sum(
        int(r["Abandoned"]) for r in written
    )
    assert f"<td>{total}</td>" in html and "intervals" in html


def test_cad_incidents_keep_unit_times_and_report_sentinels_and_reversed_times(exports):
    report = history_import(
        actor=IMPORTER, data=exports["cad"].read_bytes(), mapping=shipped("demo-cad"),
        source="cad.csv",
    )  # fmt: skip
    written = rows_of(exports["cad"])
    numbers = {row["Incident No"] for row in written}
    assert report.created == len(numbers) == Incident.objects.count()
    assert Assignment.objects.count() == len(written)
    sentinels = sum(1 for row in written if row["Onscene"] == "-9999")
    assert report.emptied[("on_scene", "no value (-9999): left empty")] == sentinels > 0

    def at(text):
        return datetime.strptime(text, "%m/%d/%Y %H:%M:%S").replace(tzinfo=CHICAGO)

    reversed_ = [r for r in written if r["Enroute"] and at(r["Enroute"]) < at(r["Dispatched"])]
    assert report.emptied[("en_route", "before dispatched: left empty")] == len(reversed_)
    assert set(Incident.objects.values_list("status", flat=True)) == {"closed"}
    assert not Incident.objects.filter(status__in=Incident.OPEN_STATUSES).exists()
    assert set(Unit.objects.values_list("status", flat=True)) == {"out"}, (
        "units first seen in history wait to be put in service"
    )
    one = next(r for r in written if r["Onscene"] not in ("", "-9999"))
    stored = Assignment.objects.get(
        incident__number=one["Incident No"], unit__call_sign=one["Unit"]
    )
    on_scene = datetime.strptime(one["Onscene"], "%m/%d/%Y %H:%M:%S").replace(tzinfo=CHICAGO)
    assert stored.on_scene_at == on_scene


def test_bad_rows_are_each_reported_and_the_good_ones_kept():
    data = (
        b"Call ID,Seized,Answered,Abandoned,Released,Trunk,Position,ANI\n"
        b"ok-1,11/02/2026 10:00:00,11/02/2026 10:00:08,,11/02/2026 10:03:00,WIRELESS,P1,314\n"
        b"ok-1,11/02/2026 10:00:00,11/02/2026 10:00:08,,,WIRELESS,P1,314\n"
        b",11/02/2026 10:01:00,,,,WIRELESS,,\n"
        b"bad-time,noon,,,,WIRELESS,,\n"
        b"early,11/02/2026 10:05:00,11/02/2026 10:04:00,,,WIRELESS,P1,\n"
        b"future,11/02/2099 10:05:00,,,,WIRELESS,,\n"
        b"short,11/02/2026 10:05:00\n"
    )
    report = history_import(actor=IMPORTER, data=data, mapping=shipped("demo-calls"), source="x")
    reasons = {r.line: r.reason for r in report.rejected}
    assert report.created == 1 and Call.objects.get().call_id == "demo-history:ok-1"
    assert "appears twice" in reasons[3] and "call_id: missing" in reasons[4]
    assert "not a time as the mapping writes it" in reasons[5]
    assert "before the call arrived" in reasons[6] and "in the future" in reasons[7]
    assert "fields where the header has" in reasons[8]


def test_where_the_network_placed_the_caller_is_kept_when_the_export_has_it():
    mapping = (
        (SHIPPED / "demo-calls.toml")
        .read_text()
        .replace('ani = "ANI"', 'ani = "ANI"\nlat = "Y"\nlon = "X"')
    )
    data = (
        b"Call ID,Seized,Answered,Abandoned,Released,Trunk,Position,ANI,X,Y\n"
        b"here,11/02/2026 10:00:00,11/02/2026 10:00:08,,,WIRELESS,P1,314,-90.2,38.62\n"
        b"nowhere,11/02/2026 10:01:00,11/02/2026 10:01:09,,,WIRELESS,P1,314,0,0\n"
        b"unknown,11/02/2026 10:02:00,11/02/2026 10:02:09,,,WIRELESS,P1,314,,\n"
    )
    report = history_import(actor=IMPORTER, data=data, mapping=mapping_read(mapping), source="x")
    assert report.created == 3 and not report.rejected
    placed = {c.call_id.split(":")[1]: (c.lon, c.lat) for c in Call.objects.all()}
    assert placed == {"here": (-90.2, 38.62), "nowhere": (None, None), "unknown": (None, None)}
    assert report.emptied[("lat/lon", "not a place on Earth")] == 1


def test_a_live_call_is_never_replaced_by_history():
    Call.objects.create(call_id="demo-history:c1", arrived_at=timezone.now(), state="waiting")
    data = b"Call ID,Seized,Answered,Abandoned,Released,Trunk,Position,ANI\n" \
           b"c1,11/02/2026 10:00:00,,,,WIRELESS,,\n"  # fmt: skip
    report = history_import(actor=IMPORTER, data=data, mapping=shipped("demo-calls"), source="x")
    assert "live call here" in report.rejected[0].reason
    assert Call.objects.get().state == "waiting"


def test_a_file_without_the_mapped_columns_changes_nothing():
    with pytest.raises(
        FileRefused, match="lacks the columns the mapping names: abandoned, ani, answered"
    ):
        history_import(
            actor=IMPORTER, data=b"call id,seized\nc1,11/02/2026 10:00:00\n",
            mapping=shipped("demo-calls"), source="x",
        )  # fmt: skip
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ("[file]\nkind = 'phones'", "kind must be one of"),
        ("[file]\nkind = 'calls'\ntime_zone = 'Mars/Olympus'", "unknown time_zone"),
        ("[file]\nkind = 'calls'\n[columns]\ncall_id = 'a'\narrived = 'b'\nringing = 'c'",
         "unknown field 'ringing'"),
        ("[file]\nkind = 'calls'\n[columns]\ncall_id = 'a'", "must name arrived"),
        ("[file]\nkind = 'intervals'\n[columns]\nstart = 'a'\nabandoned = 'b'\n"
         "[buckets]\nedges = [15, 20]\ncolumns = ['x', 'y']", "3 needed for 2 edges"),
        ("[file\nkind", "not TOML"),
    ],
)  # fmt: skip
def test_a_mapping_with_a_mistake_says_what_to_fix(toml, words):
    with pytest.raises(FileRefused, match=words):
        mapping_read(toml)


def test_cumulative_interval_reports_are_turned_into_buckets():
    mapping = mapping_read(
        "[file]\nkind = 'intervals'\ndatetime_format = 'iso'\n"
        "[columns]\nstart = 'hour'\nabandoned = 'abandoned'\nanswered_total = 'answered'\n"
        "[buckets]\nedges = [15, 20]\ncolumns = ['within 15', 'within 20']\ncumulative = true\n"
    )
    data = b"hour,within 15,within 20,answered,abandoned\n2026-11-02T10:00:00,80,90,100,4\n" \
           b"2026-11-02T11:00:00,80,70,100,4\n"  # fmt: skip
    report = history_import(actor=IMPORTER, data=data, mapping=mapping, source="x")
    assert AnswerInterval.objects.get().answered == [80, 10, 10]
    assert "cannot be cumulative" in report.rejected[0].reason


def test_the_command_runs_a_dry_run_and_names_the_shipped_mappings(exports, capsys):
    call_command("emergency_import", "calls", str(exports["calls"]), "--mapping", "demo-calls",
                 "--dry-run")  # fmt: skip
    out = capsys.readouterr().out
    assert "would be imported" in out and "dry run: nothing was changed" in out
    assert not Call.objects.exists()
    with pytest.raises(CommandError, match="anonbank-calls, demo-cad"):
        call_command("emergency_import", "calls", str(exports["calls"]), "--mapping", "nope")
    with pytest.raises(CommandError, match="maps a cad file, not calls"):
        call_command("emergency_import", "calls", str(exports["calls"]), "--mapping", "demo-cad")


@pytest.mark.realdata
def test_a_real_call_centre_day_imports_through_its_mapping():
    """The Anonymous Bank log (times of day without dates, 0:00:00 for "never", menu and agent
    clocks a second apart): what the file says happened is what is stored."""
    path = shared_data("callcenter", "anonbank_calls_one_day.csv")
    rows = rows_of(path)
    report = history_import(
        actor=IMPORTER, data=path.read_bytes(), mapping=shipped("anonbank-calls"), source="bank"
    )
    outcomes = [r["outcome"] for r in rows]
    assert report.skipped == outcomes.count("PHANTOM")
    assert report.created + len(report.rejected) + report.skipped == len(rows)
    assert len(report.rejected) < 0.01 * len(rows), "only rows that contradict themselves"
    answered = Call.objects.filter(answered_at__isnull=False).count()
    refused_agents = sum(1 for r in report.rejected if rows[r.line - 2]["outcome"] == "AGENT")
    assert answered == outcomes.count("AGENT") - refused_agents
    assert Call.objects.filter(state="abandoned").count() == outcomes.count("HANG") - (
        len(report.rejected) - refused_agents
    )
    sample = next(r for r in rows if r["outcome"] == "AGENT" and r["q_start"] != "0:00:00")
    call = Call.objects.get(call_id=f"anonbank:{sample['vru+line']}-{sample['call_id']}")
    local = timezone.localtime(call.arrived_at, ZoneInfo("Asia/Jerusalem"))
    assert f"{local:%H:%M:%S}".lstrip("0") == sample["q_start"].lstrip("0")
    assert call.answered_by == sample["server"]
