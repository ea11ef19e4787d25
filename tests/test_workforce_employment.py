"""The Office of Equity and Inclusion (issue 20, the workforce itself): employment records
imported from an export in its own words (all or nothing, every bad row listed), complaints,
discipline and separations per 100 employees by group against everyone's rate, training
completion judged by the four-fifths rule, the workforce against the city's population, and
hiring steps year by year; and the equity officer's pages for each."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from safercity.core.inputs import InputRefused
from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.workforce import employment, services
from safercity.workforce.models import Event, Person
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MAPPING = {"reference": "DSN", "event": "Action", "date": "Effective Date",
           "detail": "Notes", "race_ethnicity": "Race"}  # fmt: skip


def _export(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    lines = ["DSN,Action,Effective Date,Notes,Race"]
    lines += [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _department() -> bytes:
    """40 white and 20 Black officers employed through 2025 (hired 2015); 2 Asian officers.
    In 2025: 8 complaints against white officers, 8 against Black officers; 2 suspensions of
    Black officers; 3 white officers resign; training: 40 white completed 36 of 40 assigned,
    Black 10 of 20."""
    rows = []
    for n in range(40):
        rows.append((f"W{n}", "Hired", "06/01/2015", "", "White"))
    for n in range(20):
        rows.append((f"B{n}", "Appointed", "2015-06-01", "", "Black"))
    for n in range(2):
        rows.append((f"A{n}", "Hired", "2015-06-01", "", "Asian"))
    for n in range(8):
        rows.append((f"W{n}", "Complaint", f"2025-03-{n + 1:02d}", "discourtesy", ""))
        rows.append((f"B{n}", "Complaint", f"2025-04-{n + 1:02d}", "discourtesy", ""))
    rows.append(("B0", "Suspension", "2025-05-01", "", ""))
    rows.append(("B1", "Suspension", "2025-05-02", "", ""))
    for n in range(3):
        rows.append((f"W{n + 30}", "Resigned", "2025-09-30", "", ""))
    for n in range(40):
        rows.append((f"W{n}", "Training assigned", "2025-01-15", "de-escalation", ""))
        if n < 36:
            rows.append((f"W{n}", "Training completed", "2025-02-15", "de-escalation", ""))
    for n in range(20):
        rows.append((f"B{n}", "Training assigned", "2025-01-15", "de-escalation", ""))
        if n < 10:
            rows.append((f"B{n}", "Training completed", "2025-02-15", "de-escalation", ""))
    return _export(rows)


def test_records_are_imported_in_the_exports_own_words_and_only_once():
    pat = make_user("pat", Role.PERSONNEL_STAFF)
    report = employment.import_records(actor=pat, data=_department(), mapping=MAPPING,
                                       name="hr.csv")  # fmt: skip
    assert report.saved and report.people == 62
    assert Person.objects.get(reference="B3").race_ethnicity == "Black or African American"
    assert Person.objects.get(reference="W31").separation_reason == "resigned"
    assert Event.objects.get(person__reference="B0", kind="discipline").detail == "suspension"
    count = Event.objects.count()
    employment.import_records(actor=pat, data=_department(), mapping=MAPPING)
    assert Event.objects.count() == count  # the same file again: nothing new
    assert AuditEntry.objects.filter(action="workforce.records.import").count() == 2


def test_a_file_with_a_bad_row_imports_nothing_and_lists_every_reason():
    pat = make_user("pat", Role.PERSONNEL_STAFF)
    bad = _export([("W1", "Hired", "2015-06-01", "", "White"),
                   ("W2", "Promoted to king", "2025-01-01", "", "White"),
                   ("", "Complaint", "2025-01-01", "", ""),
                   ("W3", "Complaint", "yesterday", "", ""),
                   ("W4", "Complaint", "", "", "Martian")])  # fmt: skip
    report = employment.import_records(actor=pat, data=bad, mapping=MAPPING)
    assert not report.saved and Person.objects.count() == 0
    assert [r.line for r in report.rejected] == [3, 4, 5, 6]
    reasons = " ".join(r.reason for r in report.rejected)
    assert "'Promoted to king'" in reasons and "no person reference" in reasons
    assert "'yesterday' is not a date" in reasons and "no date" in reasons
    with pytest.raises(InputRefused, match="no column for date"):
        employment.import_records(actor=pat, data=b"DSN,Action\nW1,Hired\n", mapping=MAPPING)
    with pytest.raises(PermissionDenied):
        employment.import_records(actor=make_user("cop", Role.POLICE_OFFICER), data=bad,
                                  mapping=MAPPING)  # fmt: skip


def test_rates_per_100_by_group_against_everyone():
    employment.import_records(actor=make_user("pat", Role.PERSONNEL_STAFF),
                              data=_department(), mapping=MAPPING)  # fmt: skip
    rates = employment.rates(2025, "race_ethnicity")
    everyone, *groups = rates.rows
    assert everyone.headcount == 62 and everyone.counts["complaint"] == 16
    assert everyone.per_100["complaint"] == pytest.approx(100 * 16 / 62)
    by = {r.group: r for r in groups}
    black, white, asian = (by["Black or African American"], by["White"], by["Asian"])
    assert black.per_100["complaint"] == pytest.approx(40.0)
    assert white.per_100["complaint"] == pytest.approx(20.0)
    assert black.ratio["complaint"] == pytest.approx(40 / (100 * 16 / 62))
    assert black.per_100["discipline"] == pytest.approx(10.0) and white.counts["discipline"] == 0
    assert white.per_100["separated"] == pytest.approx(7.5)
    assert asian.status == "insufficient numbers" and asian.per_100["complaint"] is None
    # 2026: the three who resigned are no longer on the roll
    assert employment.rates(2026, "race_ethnicity").rows[0].headcount == 59


def test_training_completion_is_judged_by_four_fifths():
    employment.import_records(actor=make_user("pat", Role.PERSONNEL_STAFF),
                              data=_department(), mapping=MAPPING)  # fmt: skip
    completion = {r.group: r for r in employment.training(2025, "race_ethnicity").completion}
    black = completion["Black or African American"]
    assert completion["White"].status == "reference"
    assert (black.selected, black.total) == (10, 20) and black.four_fifths
    assert black.impact_ratio == pytest.approx(0.5 / 0.9)


def test_flagged_training_opens_a_review_the_officer_explains_from_the_records_page(client):
    from safercity.workforce import measures
    from safercity.workforce.models import Review

    report = employment.import_records(actor=make_user("pat", Role.PERSONNEL_STAFF),
                                       data=_department(), mapping=MAPPING)  # fmt: skip
    assert report.reviews_opened == 1
    review = Review.objects.get()
    assert (review.cycle, review.stage, review.group) == (
        "2025 training",
        "training completion",
        "Black or African American",
    )
    assert (review.selected, review.total) == (10, 20)
    assert measures.figures()[0].value == "1 / 1"
    client.force_login(make_user("eve", Role.EQUITY_OFFICER))
    page = client.get(reverse("workforce:employment"), {"year": 2025}).content.decode()
    link = reverse("workforce:review", args=[review.pk])
    assert f'href="{link}"' in page
    assert "?year=2025" in client.get(link).content.decode()  # back to the year's records
    client.post(link, {"explanation": "Black officers were assigned on night shifts that week.",
                       "actions": "Make-up sessions on every shift."})  # fmt: skip
    assert measures.figures()[0].meets_target is True


def test_representation_against_the_city():
    pat, eve = make_user("pat", Role.PERSONNEL_STAFF), make_user("eve", Role.EQUITY_OFFICER)
    employment.import_records(actor=pat, data=_department(), mapping=MAPPING)
    with pytest.raises(PermissionDenied):
        employment.population_set(actor=pat, dimension="race_ethnicity", shares={}, source="x")
    with pytest.raises(InputRefused, match="between 0 and 1"):
        employment.population_set(actor=eve, dimension="race_ethnicity",
                                  shares={"White": 4.5}, source="2020 Census")  # fmt: skip
    employment.population_set(actor=eve, dimension="race_ethnicity",
                              shares={"White": 0.492, "Black or African American": 0.454,
                                      "Asian": None}, source="2020 Census")  # fmt: skip
    shares, unstated, source = employment.representation("race_ethnicity", date(2025, 12, 31))
    by = {s.group: s for s in shares}
    # 59 on the roll at the year's end: 37 white, 20 Black, 2 Asian
    assert by["Black or African American"].workforce_share == pytest.approx(20 / 59)
    assert by["Black or African American"].ratio == pytest.approx((20 / 59) / 0.454)
    assert by["Asian"].population_share is None and by["Asian"].ratio is None
    assert (unstated, source) == (0, "2020 Census")


def test_hiring_steps_year_by_year():
    pat = make_user("pat", Role.PERSONNEL_STAFF)
    for year, black_passed in ((2024, 18), (2025, 9)):
        rows = ["Employee ID,Step,Result,Race,Date"]
        rows += [f"W{year}{n},written test,{'pass' if n < 15 else 'fail'},White,{year}-03-01"
                 for n in range(20)]  # fmt: skip
        rows += [f"B{year}{n},written test,{'pass' if n < black_passed else 'fail'},Black,"
                 f"{year}-03-01" for n in range(20)]  # fmt: skip
        services.import_steps(actor=pat, data="\n".join(rows).encode(),
                              mapping={"reference": "Employee ID", "stage": "Step",
                                       "outcome": "Result", "race_ethnicity": "Race"},
                              cycle=f"class {year}")  # fmt: skip
    years, trends = services.trends("race_ethnicity")
    assert years == [2024, 2025]
    (written,) = trends
    black = {y: next(r for r in rs if r.group.startswith("Black")) for y, rs in
             written.by_year.items()}  # fmt: skip
    assert black[2024].status == "reference" and black[2025].status != "reference"
    assert black[2025].impact_ratio == pytest.approx(0.45 / 0.75) and black[2025].four_fifths


def test_the_equity_officers_pages(client):
    eve = make_user("eve", Role.EQUITY_OFFICER)
    client.force_login(eve)
    page = client.get(reverse("workforce:employment"))
    assert page.status_code == 200 and "No employment records yet" in page.content.decode()
    upload = client.post(reverse("workforce:records_import"),
                         {"file": _as_upload(_department()), **_columns()})  # fmt: skip
    assert upload.status_code == 302
    page = client.get(
        reverse("workforce:employment"), {"year": 2025, "dimension": "race_ethnicity"}
    )
    text = page.content.decode()
    assert "Per 100 employees, 2025, by race and ethnicity" in text and "40.0" in text
    assert "insufficient numbers" in text  # two Asian officers
    shares = {"source": "2020 Census", "share_2": "45.4", "share_5": "49.2"}
    saved = client.post(reverse("workforce:population") + "?dimension=race_ethnicity", shares)
    assert saved.status_code == 302
    text = client.get(reverse("workforce:employment")).content.decode()
    assert "Residents: 2020 Census" in text and "0.454" in text
    bad = client.post(reverse("workforce:records_import"),
                      {"file": _as_upload(b"DSN,Action,Effective Date\nW1,Knighted,2020-01-01\n"),
                       **_columns()})  # fmt: skip
    assert (
        bad.status_code == 200 and "line 2: the event &#x27;Knighted&#x27;" in bad.content.decode()
    )
    assert client.get(reverse("workforce:employment"), {"year": "x"}).status_code == 200
    assert client.get(reverse("workforce:trends"), {"dimension": "nope"}).status_code == 200
    client.force_login(make_user("pat", Role.PERSONNEL_STAFF))
    view = client.get(reverse("workforce:population")).content.decode()
    assert "Only the chief equity officer changes these figures" in view
    client.force_login(make_user("cop", Role.POLICE_OFFICER))
    assert client.get(reverse("workforce:employment")).status_code == 403


def _as_upload(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("hr.csv", data, content_type="text/csv")


def _columns() -> dict[str, str]:
    return {f"column_{k}": v for k, v in MAPPING.items()}
