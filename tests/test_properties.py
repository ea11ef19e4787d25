"""The Problem Landlord Unit in Django: importers, services, the measure and the pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.accountability.models import Parameter
from safercity.core.actors import command_actor
from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.properties import measures
from safercity.properties.importers import parcels_import
from safercity.properties.models import Case, Notice, Parcel, Portfolio, Violation
from safercity.properties.services import (
    CaseError,
    ViolationIn,
    case_act,
    case_open,
    inspection_record,
    inspection_schedule,
    inspections_plan,
    notice_send,
    occupancy_classify,
    policy_set,
    portfolios_resolve,
    scores_compute,
)
from tests.conftest import make_user

HEADER = (
    "HANDLE,SiteAddr,SiteZIP,OwnerName,OwnerAddr,OwnerCity,OwnerState,OwnerZIP,OWNEROCC,"
    "AsrClassCode,NbrOfUnits\n"
)
GOOD = [
    "10001000005,12 OAK ST,63104,SMITH JOHN,12 Oak Street,ST LOUIS,MO,63104,Y,R,1",
    "10001000010,14 OAK ST,63104,GATEWAY HOMES LLC,100 N BROADWAY STE 500,ST LOUIS,MO,63102,,R,4",
    "10001000015,16 OAK ST,63104,GATEWAY HOMES 2 L.L.C.,100 N Broadway Suite 500,ST LOUIS,MO,"
    "63102,,R,2",
    "10001000020,18 OAK ST,63104,JONES MARY,55 ELM ST,CHESTERFIELD,MO,63017,N,R,1",
    "10001000025,20 OAK ST,63104,LAND REUTILIZATION AUTHORITY,1520 MARKET ST,ST LOUIS,MO,"
    "63103,,L,0",
]
BAD = [
    "1000100003,22 OAK ST,63104,X,1 A ST,ST LOUIS,MO,63104,,R,1",  # 10 digits
    "10001000035,,63104,X,1 A ST,ST LOUIS,MO,63104,,R,1",  # no site address
    "10001000040,24 OAK ST,63104,X,1 A ST,ST LOUIS,MO,6310,,R,1",  # bad ZIP
    "10001000045,26 OAK ST,63104,X,1 A ST,ST LOUIS,MO,63104,,R,two",  # units
    "10001000010,14 OAK ST,63104,OTHER LLC,1 A ST,ST LOUIS,MO,63104,,R,1",  # repeat
]


@pytest.fixture
def parcels(system, db):
    report = parcels_import(
        actor=system, text=HEADER + "\n".join(GOOD + BAD) + "\n", source="t.csv"
    )
    occupancy_classify(actor=system)
    portfolios_resolve(actor=system)
    return report


def test_the_parcel_importer_reports_every_rejected_row(parcels, system):
    assert parcels.created == 5
    reasons = {r.line: r.reason for r in parcels.rejected}
    assert reasons == {
        7: "HANDLE must be 11 digits, not '1000100003'",
        8: "no site address",
        9: "OwnerZIP is not a ZIP code: '6310'",
        10: "NbrOfUnits is not a number: 'two'",
        11: "HANDLE 10001000010 repeats line 3",
    }
    again = parcels_import(actor=system, text=HEADER + "\n".join(GOOD) + "\n", source="t.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    changed = GOOD[0].replace(",1\n", ",1\n").replace("SMITH JOHN", "SMITH JOHN & MARY")
    third = parcels_import(actor=system, text=HEADER + changed + "\n", source="t.csv")
    assert third.updated == 1
    assert Parcel.objects.get(handle="10001000005").owner_name == "SMITH JOHN & MARY"


def test_occupancy_and_portfolios_from_imported_parcels(parcels):
    by_handle = {p.handle: p for p in Parcel.objects.select_related("portfolio")}
    assert by_handle["10001000005"].occupancy == "owner"
    assert by_handle["10001000010"].occupancy == "non_owner"
    assert by_handle["10001000020"].occupancy == "non_owner"
    assert "outside the city" in by_handle["10001000020"].occupancy_reasons[0]
    assert by_handle["10001000025"].occupancy == "public"
    gateway = by_handle["10001000010"].portfolio
    assert gateway == by_handle["10001000015"].portfolio
    assert gateway.parcels_count == 2 and gateway.units == 6 and gateway.non_owner_parcels == 2
    assert any(link["kind"] == "same mailing address" for link in gateway.links)


def _inspector():
    return make_user("ines", Role.INSPECTOR)


@pytest.fixture
def rental(parcels):
    return Parcel.objects.get(handle="10001000010")


def test_a_case_from_complaint_to_court(rental, db):
    ines = _inspector()
    case = case_open(actor=ines, parcel=rental, source=Case.Source.PLU, description="proactive")
    with pytest.raises(CaseError, match="already has an open case"):
        case_open(actor=ines, parcel=rental, source=Case.Source.PLU)
    with pytest.raises(CaseError, match="allows schedule, withdraw; not send_notice"):
        notice_send(actor=ines, case=case)
    first = inspection_schedule(actor=ines, case=case, on=date(2026, 3, 5), inspector=ines)
    with pytest.raises(CaseError, match="at least one violation"):
        inspection_record(actor=ines, inspection=first, result="violations")
    inspection_record(
        actor=ines,
        inspection=first,
        result="violations",
        violations=[
            ViolationIn("25.32.020", "No heat", 3, 7),
            ViolationIn("25.38.010", "Trash", 1, 30),
        ],
    )
    case.refresh_from_db()
    assert case.state == "violations"
    issued = case.violations.all()
    assert [v.comply_by - v.issued_on for v in issued] == [timedelta(days=7), timedelta(days=30)]
    assert all(v.non_owner_occupied for v in issued)
    notice = notice_send(actor=ines, case=case)
    assert notice.comply_by == max(v.comply_by for v in issued)
    assert "GATEWAY HOMES LLC" in notice.mailed_to
    again = inspection_schedule(actor=ines, case=case, on=date(2026, 4, 10))
    assert again.kind == "reinspection"
    inspection_record(actor=ines, inspection=again, result="not_complied")
    case.refresh_from_db()
    assert case.state == "cited" and case.notices.filter(kind=Notice.Kind.CITATION).exists()
    case_act(actor=ines, case=case, action="appeal", note="the heat was fixed on the 9th")
    case_act(actor=ines, case=case, action="appeal_denied")
    case.refresh_from_db()
    assert case.state == "cited", "a denied appeal returns the case to where it was"
    case_act(actor=ines, case=case, action="refer_to_court")
    case_act(actor=ines, case=case, action="court_resolved")
    case.refresh_from_db()
    assert case.state == "closed" and case.outcome == "resolved in court"
    steps = list(case.history.values_list("action", flat=True))
    assert steps == ["open", "schedule", "inspect_violations", "send_notice",
                     "schedule_reinspection", "reinspect_not_complied", "appeal",
                     "appeal_denied", "refer_to_court", "court_resolved"]  # fmt: skip
    audited = AuditEntry.objects.filter(action__startswith="properties.case.").count()
    assert audited == len(steps)


def test_case_roles_and_reasons_are_checked(rental, db):
    agent = make_user("ann", Role.AGENT_311)
    ines = _inspector()
    case = case_open(actor=agent, parcel=rental, source=Case.Source.COMPLAINT_311)
    with pytest.raises(PermissionDenied):
        inspection_schedule(actor=agent, case=case, on=date(2026, 1, 1))
    with pytest.raises(CaseError, match="say why"):
        case_act(actor=ines, case=case, action="withdraw")
    with pytest.raises(CaseError, match="unknown action"):
        case_act(actor=ines, case=case, action="explode")
    with pytest.raises(CaseError, match="not a building inspector"):
        inspection_schedule(actor=ines, case=case, on=date(2026, 1, 1), inspector=agent)


def test_inspections_are_planned_in_score_order_within_capacity(parcels, system, db):
    ines, ivan = _inspector(), make_user("ivan", Role.INSPECTOR)
    Parcel.objects.filter(handle="10001000015").update(score=50)
    Parcel.objects.filter(handle="10001000010").update(score=10)
    for handle in ("10001000005", "10001000010", "10001000015", "10001000020"):
        case_open(actor=system, parcel=Parcel.objects.get(handle=handle), source=Case.Source.PLU)
    made = inspections_plan(actor=system, day=date(2026, 12, 1), per_inspector=1)
    assert len(made) == 2
    assert {i.inspector for i in made} == {ines, ivan}
    handles = [i.case.parcel.handle for i in made]
    assert handles == ["10001000015", "10001000010"], "non-owner-occupied, worst score first"


def test_scores_and_the_weights_that_make_them(rental, system, db):
    ines = _inspector()
    case = case_open(actor=ines, parcel=rental, source=Case.Source.PLU)
    first = inspection_schedule(actor=ines, case=case, on=timezone.localdate())
    inspection_record(actor=ines, inspection=first, result="violations",
                      violations=[ViolationIn("25.36.030", "Exposed wiring", 3)])  # fmt: skip
    scores_compute(actor=system)
    rental.refresh_from_db()
    assert rental.score == pytest.approx(9.0)  # 3 points x severity 3, issued today
    assert rental.score_components[0]["kind"] == "violation"
    policy_set(actor=system, weights={"weight": {"violation": 1}}, note="test")
    scores_compute(actor=system)
    rental.refresh_from_db()
    assert rental.score == pytest.approx(3.0)
    assert rental.portfolio.score == pytest.approx(
        Portfolio.objects.get(pk=rental.portfolio_id).score
    )
    with pytest.raises(ValueError, match="say why"):
        policy_set(actor=system, weights={}, note=" ")


def _set_baseline_year(year):
    Parameter.objects.create(key=measures.BASELINE_KEY, label="b", value=Decimal(year),
                             unit="year", source="test", as_of=date(year, 12, 31))  # fmt: skip


@pytest.fixture
def issue(rental):
    """issue(n, on, noo=True): record n violations at the rental, issued on `on`."""
    from safercity.properties.models import Inspection

    case = Case.objects.create(parcel=rental, source="plu", opened_at=timezone.now())
    inspection = Inspection.objects.create(
        case=case, kind="initial", scheduled_for=date(2025, 1, 1)
    )

    def record(n, on, noo=True):
        Violation.objects.bulk_create(
            Violation(case=case, inspection=inspection, parcel=rental, code="x", description="x",
                      issued_on=on, comply_by=on, non_owner_occupied=noo)
            for _ in range(n)
        )  # fmt: skip

    return record


def test_the_measure_compares_last_month_with_the_baseline(issue, db):
    today = timezone.localdate()
    month = measures.last_full_month(today)
    assert measures.figures()[0].value == "no baseline year is set"
    _set_baseline_year(2025)
    issue(120, date(2025, 5, 3))  # baseline: 10 a month
    issue(15, month)
    issue(30, month, noo=False)  # owner-occupied: not counted
    figure, baseline, target = measures.figures()
    assert figure.value == "15" and figure.meets_target is False
    assert (baseline.value, baseline.period, target.value) == ("10", "2025", "20")
    issue(6, month + timedelta(days=3))
    assert measures.figures()[0].meets_target is True
    Violation.objects.filter(issued_on__gte=month).delete()
    issue(4, month)
    assert measures.figures()[0].value == "fewer than 11", "small counts are suppressed"


def test_pages_need_a_role_and_show_the_work(client, rental, db):
    agent = make_user("ann", Role.AGENT_311)
    client.force_login(agent)
    assert client.get("/staff/properties/").status_code == 403
    ines = _inspector()
    client.force_login(ines)
    Parcel.objects.filter(pk=rental.pk).update(score=7.5)
    page = client.get("/staff/properties/").content.decode()
    assert "14 OAK ST" in page and "12 OAK ST" not in page, "owner-occupied parcels are not queued"
    parcel_page = client.get(f"/staff/properties/parcels/{rental.handle}/").content.decode()
    assert "OWNEROCC" not in parcel_page and "(blank)" not in parcel_page, "words, not codes"
    assert f'data-testid="owner-occ">{rental.owner_occ_said}<' in parcel_page
    said = [Parcel(owner_occ=flag).owner_occ_said for flag in (" y", "N", "")]
    assert said == ["owner-occupied", "not owner-occupied", "not recorded"]
    assert 'data-testid="occupancy">Rental (not owner-occupied)<' in parcel_page
    assert "non_owner" not in parcel_page
    opened = client.post(f"/staff/properties/parcels/{rental.handle}/open-case/")
    assert opened.status_code == 302
    case = Case.objects.get(parcel=rental)
    case_page = client.get(opened["Location"]).content.decode()
    assert (
        "Opened by the Problem Landlord Unit" in case_page and "Complaint received" not in case_page
    )
    bad = client.post(
        f"/staff/properties/cases/{case.pk}/act/", {"action": "schedule", "on": "soon"}
    )
    assert bad.status_code == 409 and "YYYY-MM-DD" in bad.content.decode()
    ok = client.post(
        f"/staff/properties/cases/{case.pk}/act/", {"action": "schedule", "on": "2026-12-01"}
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.state == "scheduled"
    before = AuditEntry.objects.filter(action="properties.portfolio.view").count()
    assert client.get(f"/staff/properties/landlords/{rental.portfolio_id}/").status_code == 200
    assert AuditEntry.objects.filter(action="properties.portfolio.view").count() == before + 1
    assert client.get("/staff/properties/parcels/nope/").status_code == 404
    assert client.post("/staff/properties/scoring/", {"note": "x"}).status_code == 403


def test_a_big_landlords_page_shows_its_long_lists_a_page_at_a_time(client, rental, db):
    portfolio = rental.portfolio
    portfolio.links = [
        {
            "kind": "mailing address",
            "evidence": f"link {n:03}",
            "owners": ["A", "B"],
            "followed": True,
        }
        for n in range(60)
    ]
    portfolio.save()
    client.force_login(_inspector())
    url = f"/staff/properties/landlords/{portfolio.pk}/"
    first = client.get(url).content.decode()
    assert "link 000" in first and "link 025" not in first
    assert "Links: 1 to 25 of 60." in first and 'href="?links=2#links"' in first
    last = client.get(url, {"links": "3", "parcels": "1"}).content.decode()
    assert (
        "link 059" in last
        and "link 024" not in last
        and 'href="?links=2&amp;parcels=1#links"' in last
    )
    assert client.get(url, {"links": "lots"}).status_code == 200, "a bad page number: page 1"


def test_nuisance_reports_and_condemnations_are_imported_by_parcel(parcels, system):
    from safercity.properties.importers import events_import
    from safercity.properties.models import PropertyEvent

    text = (
        "HANDLE,kind,date,note\n"
        "10001000010,nuisance report,2026-10-01,SLMPD 26-001\n"
        "10001000010,condemned,2026-09-15,\n"
        "10001000010,fire,2026-09-15,\n"
        "99999999999,nuisance,2026-09-15,\n"
        "10001000010,nuisance,,\n"
    )
    report = events_import(actor=system, text=text, source="events.csv")
    assert report.created == 2
    assert [(r.line, r.reason) for r in report.rejected] == [
        (4, "kind must be nuisance or condemnation, not 'fire'"),
        (5, "no parcel has HANDLE 99999999999"),
        (6, "no date"),
    ]
    assert events_import(actor=system, text=text, source="events.csv").unchanged == 2
    assert set(PropertyEvent.objects.values_list("kind", flat=True)) == {"nuisance", "condemnation"}


def test_the_public_page_shows_months_with_small_counts_hidden(client, issue, db):
    _set_baseline_year(2025)
    issue(40, date(2025, 3, 4))
    issue(25, date(2025, 3, 9), noo=False)
    issue(3, date(2025, 4, 2))  # small: hidden, and one more cell with it
    page = client.get("/landlords/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text and "Mar 2025" in text and "GATEWAY" not in text
    rows = client.get("/landlords/violations-by-month.csv").content.decode().splitlines()
    assert rows[0] == "month,violations_rented_homes,violations_owner_occupied_homes"
    by_month = {r.split(",")[0]: r.split(",")[1:] for r in rows[1:]}
    assert by_month["2025-04"][0] == "*", "a count of 3 is not published"
    rented = [cells[0] for cells in by_month.values()]
    assert rented.count("*") >= 2, "and one more cell in its row, so it cannot be worked out"
    assert "40" in rented or "25" in [cells[1] for cells in by_month.values()]
    assert len(by_month) >= 22, "every month from the baseline year to last month"
    detail = client.get("/commitments/problem-landlords/").content.decode()
    assert 'href="/landlords/"' in detail


def test_administrators_can_read_but_not_change_property_records(client, rental, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("root", password="correct horse battery 1"))
    listing = client.get("/admin/properties/parcel/")
    assert listing.status_code == 200 and rental.handle in listing.content.decode()
    assert client.get("/admin/properties/parcel/add/").status_code == 403
    changed = client.post(f"/admin/properties/parcel/{rental.pk}/change/", {"owner_name": "X"})
    assert changed.status_code == 403
    rental.refresh_from_db()
    assert rental.owner_name == "GATEWAY HOMES LLC"


def test_the_commands_import_refresh_and_plan(tmp_path, db, capsys):
    from django.core.management import call_command

    make_user("ines", Role.INSPECTOR)
    path = tmp_path / "prcl.csv"
    path.write_text(HEADER + "\n".join(GOOD + BAD) + "\n")
    call_command("properties_import", "parcels", str(path))
    out = capsys.readouterr().out
    assert "parcels: 5 new, 0 updated, 0 unchanged, 5 rejected" in out
    assert "line 11: HANDLE 10001000010 repeats line 3" in out
    call_command("properties_refresh")
    out = capsys.readouterr().out
    assert "occupancy: " in out and "portfolios: " in out and "scores: " in out
    assert Parcel.objects.filter(portfolio=None).count() == 0
    case_open(actor=command_actor("t"), parcel=Parcel.objects.get(handle="10001000010"),
              source=Case.Source.PLU)  # fmt: skip
    call_command("properties_plan", "2026-12-01")
    assert "1 inspection scheduled on 2026-12-01" in capsys.readouterr().out


def test_a_parcel_file_cut_short_does_not_store_its_last_half_row(system, db):
    cut = HEADER + "\n".join(GOOD) + "\n" + GOOD[0].replace("10001000005", "10001000099")[:30]
    report = parcels_import(actor=system, text=cut.encode(), source="cut.csv")
    assert report.created == 5 and not Parcel.objects.filter(handle="10001000099").exists()
    [rejected] = report.rejected
    assert rejected.line == 7 and "cut short" in rejected.reason


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "empty"), (HEADER.encode(), "no rows"), (b"\x1f\x8b\x08" + bytes(200), "binary")],
)
def test_unusable_parcel_files_are_refused_by_the_command(tmp_path, db, content, words):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "prcl.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=words):
        call_command("properties_import", "parcels", str(path))
    assert not Parcel.objects.exists()


def test_a_dry_run_reports_what_an_import_would_do_and_changes_nothing(tmp_path, db, capsys):
    from django.core.management import call_command

    path = tmp_path / "prcl.csv"
    path.write_text(HEADER + "\n".join(GOOD + BAD) + "\n")
    call_command("properties_import", "parcels", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "parcels: 5 new, 0 updated, 0 unchanged, 5 rejected" in out
    assert "nothing was changed" in out and not Parcel.objects.exists()
