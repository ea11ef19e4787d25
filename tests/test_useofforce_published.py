"""What leaves the department about use of force (issue 19): the FBI collection's month (a
zero report when nothing qualifies) and Missouri's year, both valid against their published
schemas and naming no officer; the public dataset (opaque ids, month not day, ages in bands,
small groups withheld, officer names only by policy); the dashboard's figures with small
counts hidden; and the staff pages that publish the policy and download the exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.core.rollups import rollup_refresh
from safercity.useofforce import engine, exports, services
from safercity.useofforce.models import RACES, ForceIncident, PolicyVersion, PopulationShare
from safercity.useofforce.services import IncidentIn, OfficerIn, SubjectIn
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    PolicyVersion.objects.create(version="SO 1-01", effective_from=date(2019, 1, 1),
                                 text="Officers use only the force necessary.")  # fmt: skip
    return make_user("owen", Role.POLICE_OFFICER)


def _report(actor, number: str, when: datetime, *, shooting: bool = False, age: int = 30,
            race: str = "Black or African American"):  # fmt: skip
    force = "firearm discharged" if shooting else "takedown"
    entered = IncidentIn(
        case_number=number, occurred_at=when, location_type="street, highway or alley",
        contact_reason="call for service", address="1200 Market St", lat=38.627, lon=-90.199,
        subjects=[SubjectIn(force_types=[force], age=age, sex="male", races=[race],
                            injury="gunshot wound" if shooting else "none",
                            firearm_at_subject=shooting)],
        officers=[OfficerIn(force_types=[force], employee_number="E7781",
                            name="Officer Secretname", age=35, sex="female", races=["White"])],
        narrative="restricted words",
    )  # fmt: skip
    return services.incident_report(actor=actor, entered=entered)


def _in_month(month: date, day: int = 10) -> datetime:
    return datetime.combine(month.replace(day=day), time(14), timezone.get_current_timezone())


def test_the_fbi_month_carries_qualifying_incidents_only_and_names_no_officer(officer):
    month = (timezone.localdate().replace(day=1) - timedelta(days=40)).replace(day=1)
    _report(officer, "25-1", _in_month(month), shooting=True)
    _report(officer, "25-2", _in_month(month, 11))  # a takedown: not the FBI's
    document = exports.fbi_month(month)
    assert document["zeroReport"] is False and len(document["submissions"]) == 1
    incident = document["submissions"][0]["incident"]
    assert incident["agencyCaseNumber"] == "25-1"
    assert incident["qualifyingCriteria"] == {"death": False, "seriousBodilyInjury": True,
                                              "firearmDischargedAtPerson": True}  # fmt: skip
    text = json.dumps(document)
    assert "E7781" not in text and "Secretname" not in text and "restricted" not in text
    assert exports.problems(document, exports.FBI_SCHEMA) == []
    empty = exports.fbi_month(month.replace(year=month.year - 1))
    assert (empty["zeroReport"], empty["submissions"]) == (True, [])
    del incident["subjects"]  # the schema catches what the collection would refuse
    found = exports.problems(document, exports.FBI_SCHEMA)
    assert any("'subjects' is a required" in p for p in found)
    empty["zeroReport"] = False
    assert exports.problems(empty, exports.FBI_SCHEMA)  # not a zero report, yet nothing in it


def test_the_schemas_list_exactly_the_products_categories():
    defs = exports.schema(exports.FBI_SCHEMA)["$defs"]
    subject = defs["subject"]["properties"]
    assert subject["forceTypes"]["items"]["enum"] == list(engine.FORCE_LEVELS)
    assert subject["injuries"]["items"]["enum"] == list(engine.INJURIES)
    assert subject["resistance"]["items"]["enum"] == list(engine.RESISTANCE)
    assert subject["weaponsBelieved"]["items"]["enum"] == list(engine.WEAPONS)
    assert subject["impairments"]["items"]["enum"] == list(engine.IMPAIRMENTS)
    assert subject["race"]["items"]["enum"] == list(RACES)


def test_missouris_year_is_its_months_as_sent_to_the_fbi(officer):
    year = timezone.localdate().year - 1
    _report(officer, "24-9", _in_month(date(year, 3, 1)), shooting=True)
    report = exports.missouri_year(year)
    assert [m["reportingMonth"] for m in report["months"]] == [f"{year}-{m:02d}"
                                                             for m in range(1, 13)]  # fmt: skip
    assert report["incidentCount"] == 1
    assert [m["zeroReport"] for m in report["months"]].count(True) == 11
    assert exports.problems(report, exports.MISSOURI_SCHEMA) == []
    with pytest.raises(ValueError, match="began in 2019"):
        exports.missouri_year(2015)


def test_the_public_dataset_generalizes_and_withholds_small_groups(officer):
    start = timezone.now() - timedelta(days=200)
    for n in range(11):  # eleven 25-34 Black men this year: published
        _report(officer, f"25-{n}", start + timedelta(days=n), age=28)
    _report(officer, "25-99", start + timedelta(days=20), age=67, race="Asian")  # alone: withheld
    rows = rollup_refresh("useofforce:dataset").data
    assert len(rows) == 12
    text = json.dumps(rows)
    for secret in ("25-99", "1200 Market", "38.627", "Secretname", "E7781", "restricted"):
        assert secret not in text
    assert {r["subject_age_band"] for r in rows} == {"25-34", "withheld"}
    lonely = [r for r in rows if r["subject_age_band"] == "withheld"]
    assert len(lonely) == 1 and lonely[0]["subject_race"] == "withheld"
    assert all(len(r["month"]) == 7 for r in rows)
    with override_settings(SAFERCITY_FORCE_PUBLISH_OFFICER_NAMES=True):
        named = rollup_refresh("useofforce:dataset").data
        assert named[0]["officer_names"] == "Officer Secretname"


def test_the_dashboard_hides_small_counts_and_shows_who_holds_files_outside(client, officer):
    lou = make_user("lou", Role.OVERSIGHT_LIAISON)
    month = timezone.localdate().replace(day=1) - timedelta(days=1)  # last month
    for n in range(12):
        _report(officer, f"25-{n}", _in_month(month.replace(day=1), 1 + n))
    shot = _report(officer, "25-50", _in_month(month.replace(day=1), 20), shooting=True)
    services.handoff_send(actor=lou, incident=shot, body="circuit_attorney",
                          at=timezone.now() - timedelta(days=400))  # fmt: skip
    rollup_refresh("useofforce:public")
    page = client.get("/use-of-force/")
    assert page.status_code == 200
    figures = page.context["f"]
    shown = {m["month"]: m["incidents"]["value"] for m in figures["months"]}
    assert shown[f"{month:%Y-%m}"] == 13
    pending = figures["pending"][0]
    assert pending["body"] == "Circuit Attorney" and pending["pending"]["value"] is None
    assert pending["longest_days_pending"] == 400
    types = {r["label"]: (r["value"], r["reason"]) for r in figures["force_types"]}
    assert types["firearm discharged"] == (None, "small count")
    assert types["takedown"] == (None, "complementary")  # else 13 - 12 shows the one
    assert "Officer Secretname" not in page.text and "25-50" not in page.text


def test_staff_publish_the_policy_and_download_the_exports(client, officer):
    client.force_login(make_user("cora", Role.COMMAND_STAFF))
    posted = client.post("/staff/use-of-force/settings/", {
        "publish": "1", "version": "SO 1-01 (2026)", "effective_from": "2026-01-01",
        "text": "Force is a last resort.", "days_internal_affairs": "120",
    }, follow=True)  # fmt: skip
    assert "Policy SO 1-01 (2026) published." in posted.text
    policy = PolicyVersion.objects.get(version="SO 1-01 (2026)")
    assert policy.days_for("internal affairs") == 120 and policy.days_for("board") == 60
    public = client.get(f"/use-of-force/policy/{policy.pk}/")
    assert "Force is a last resort." in public.text
    again = client.post("/staff/use-of-force/settings/", {
        "publish": "1", "version": "SO 1-01 (2026)", "effective_from": "2026-02-01"})  # fmt: skip
    assert "already published" in again.text
    saved = client.post("/staff/use-of-force/settings/", {
        "population": "1", "source": "2020 Census", "share_2": "45.4", "share_4": "49.2"},
        follow=True)  # fmt: skip
    assert "population is saved." in saved.text
    assert dict(PopulationShare.objects.values_list("race", "share")) == pytest.approx({
        "Black or African American": 0.454, "White": 0.492})  # fmt: skip

    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    download = client.get("/staff/use-of-force/exports/", {"month": f"{last:%Y-%m}"})
    assert download["Content-Type"] == "application/json"
    assert json.loads(download.content)["zeroReport"] is True
    assert AuditEntry.objects.filter(action="useofforce.export", actor="cora").exists()
    for month, said in (("2025-13", "A month: YYYY-MM."), ("2999-01", "has not begun")):
        refused = client.get("/staff/use-of-force/exports/", {"month": month})
        assert refused.status_code == 200 and said in refused.text
    schema = client.get("/use-of-force/schemas/fbi-use-of-force-month.schema.json")
    assert schema["Content-Type"] == "application/schema+json"
    assert client.get("/use-of-force/schemas/..%2Fmodels.py").status_code == 404
    client.force_login(make_user("ana", Role.ANALYST))
    assert client.get("/staff/use-of-force/exports/").status_code == 403


def test_the_dataset_downloads_as_csv_with_its_dictionary(client, officer):
    _report(officer, "25-7", timezone.now() - timedelta(days=3))
    rollup_refresh("useofforce:dataset")
    answer = client.get("/use-of-force/data/use-of-force.csv")
    assert answer["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert rows[0]["subject_age_band"] == "withheld" and rows[0]["investigation"] == "open"
    dictionary = client.get("/use-of-force/data/").text
    for column in rows[0]:
        assert f"<code>{column}</code>" in dictionary
    assert ForceIncident.objects.get().public_id == rows[0]["incident"]


def test_the_command_writes_the_exports_and_lists_overdue_stages(officer, tmp_path):
    from django.core.management import CommandError, call_command

    month = (timezone.localdate().replace(day=1) - timedelta(days=40)).replace(day=1)
    shot = _report(officer, "25-3", _in_month(month), shooting=True)
    shot.stages.filter(closed_at=None).update(due_at=timezone.now() - timedelta(days=2))
    out = tmp_path / "fbi.json"
    call_command("useofforce", "fbi", f"{month:%Y-%m}", "--out", str(out))
    assert json.loads(out.read_text())["submissions"][0]["incident"]["agencyCaseNumber"] == "25-3"
    with pytest.raises(CommandError, match="not a month"):
        call_command("useofforce", "fbi", "March")
    with pytest.raises(CommandError, match="began in 2019"):
        call_command("useofforce", "missouri", "2001")
    listing = io.StringIO()
    call_command("useofforce", "overdue", stdout=listing)
    assert "25-3" in listing.getvalue() and "supervisor review" in listing.getvalue()
    shot.stages.filter(closed_at=None).update(due_at=timezone.now() + timedelta(days=2))
    call_command("useofforce", "overdue", stdout=(none := io.StringIO()))
    assert "No stage is past its deadline." in none.getvalue()


def test_a_race_share_is_never_shown_beside_a_hidden_count(officer):
    start = timezone.now() - timedelta(days=100)
    for n in range(14):
        _report(officer, f"25-{n}", start + timedelta(days=n))
    for n, race in enumerate(["White"] * 12 + ["Asian"] * 3):
        _report(officer, f"25-{100 + n}", start + timedelta(days=n), race=race)
    race = {r["label"]: r for r in rollup_refresh("useofforce:public").data["race"]}
    assert race["Asian"]["value"] is None and race["Asian"]["share"] is None  # small
    assert race["White"]["value"] is None and race["White"]["share"] is None  # complementary
    assert race["Black or African American"]["share"] == pytest.approx(14 / 29)


def test_the_police_calls_beside_the_force_leave_out_an_exercises_incidents():
    from safercity.emergency.models import Call, Incident
    from safercity.useofforce.publication import _police_calls

    now = timezone.now()
    drill = Call.objects.create(call_id="drill-1", arrived_at=now, exercise="tabletop")
    real = Call.objects.create(call_id="real-1", arrived_at=now)
    for call in (drill, real, None):
        Incident.objects.create(call=call, call_type="x", priority=2, received_at=now,
                                entered_at=now)  # fmt: skip
    assert _police_calls(now - timedelta(hours=1), now + timedelta(hours=1)) == 2
