"""Complaints and allegations (issue 19), the Citizens Police Data Project's structure: one
allegation per officer and category, each with its finding, outcome and discipline; filed by
internal affairs or the oversight liaison on the page, decided by internal affairs or command,
read audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.useofforce import complaints
from safercity.useofforce.complaints import AllegationIn, ComplaintIn
from safercity.useofforce.models import Allegation, Complaint
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _complaint(number: str = "C-2025-0101", **changes: object) -> ComplaintIn:
    entered = ComplaintIn(
        number=number, received_at=timezone.now() - timedelta(days=2), source="civilian",
        allegations=[AllegationIn("E1200", "excessive force"),
                     AllegationIn("E1200", "verbal abuse or discourtesy"),
                     AllegationIn("E2200", "failure to report force")],
        complainant_age=52, complainant_sex="female",
        complainant_races=["Black or African American"],
    )  # fmt: skip
    for name, value in changes.items():
        setattr(entered, name, value)
    return entered


def test_allegations_are_decided_and_discipline_follows_a_sustained_finding_only():
    ira = make_user("ira", Role.INTERNAL_AFFAIRS)
    complaint = complaints.complaint_file(actor=ira, entered=_complaint())
    force, words, report = complaint.allegations.all()
    with pytest.raises(complaints.InputRefused, match="sustained finding only"):
        complaints.allegation_decide(actor=ira, allegation=force, finding="not sustained",
                                     outcome="written reprimand")  # fmt: skip
    with pytest.raises(complaints.InputRefused, match="has its days"):
        complaints.allegation_decide(actor=ira, allegation=force, finding="sustained",
                                     outcome="suspension")  # fmt: skip
    complaints.allegation_decide(actor=ira, allegation=force, finding="sustained",
                                 outcome="suspension", suspension_days=5)  # fmt: skip
    complaints.allegation_decide(actor=ira, allegation=words, finding="unfounded")
    force.refresh_from_db()
    assert (force.finding, force.outcome, force.suspension_days, force.decided_by) == (
        "sustained", "suspension", 5, "ira")  # fmt: skip
    assert Allegation.objects.get(pk=report.pk).finding == "open"
    with pytest.raises(PermissionDenied):
        complaints.allegation_decide(actor=make_user("lou", Role.OVERSIGHT_LIAISON),
                                     allegation=report, finding="exonerated")  # fmt: skip


def test_a_complaint_is_refused_plainly_and_nothing_is_filed():
    lou = make_user("lou", Role.OVERSIGHT_LIAISON)
    for changes, said in (
        ({"allegations": []}, "at least one allegation"),
        ({"allegations": [AllegationIn("E1", "rudeness")]}, "Unknown allegation category"),
        ({"allegations": [AllegationIn("E1", "false arrest")] * 2}, "entered twice"),
        ({"received_at": timezone.now() + timedelta(days=1)}, "in the future"),
        ({"incident_case": "NOPE-1"}, "No use of force has case number NOPE-1"),
        ({"complainant_races": ["green"]}, "Unknown race"),
    ):
        with pytest.raises(complaints.InputRefused, match=said):
            complaints.complaint_file(actor=lou, entered=_complaint(**changes))
    assert not Complaint.objects.exists() and not Allegation.objects.exists()
    with pytest.raises(PermissionDenied):
        complaints.complaint_file(actor=make_user("owen", Role.POLICE_OFFICER),
                                  entered=_complaint())  # fmt: skip


def test_internal_affairs_files_and_decides_on_the_pages_and_the_read_is_audited(client):
    client.force_login(make_user("ira", Role.INTERNAL_AFFAIRS))
    when = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = {"number": "C-2025-0202", "received_at": when, "source": "civilian",
            "allegation-TOTAL_FORMS": "3", "allegation-INITIAL_FORMS": "0",
            "allegation-0-employee_number": "E1200", "allegation-0-category": "illegal search",
            "allegation-1-category": "", "allegation-2-employee_number": "E9"}  # fmt: skip
    half = client.post("/staff/use-of-force/complaints/", form)  # the third has no category
    assert "The complaint was not filed" in half.text and not Complaint.objects.exists()
    form["allegation-2-employee_number"] = ""
    filed = client.post("/staff/use-of-force/complaints/", form, follow=True)
    assert "Complaint C-2025-0202 filed with 1 allegation(s)." in filed.text
    assert "E1200" in filed.text
    complaint = Complaint.objects.get()
    assert AuditEntry.objects.filter(action="useofforce.complaint.read", actor="ira").exists()
    allegation = complaint.allegations.get()
    page = f"/staff/use-of-force/complaints/{complaint.pk}/"
    refused = client.post(page, {"allegation": allegation.pk, "finding": "exonerated",
                                 "outcome": "termination"})  # fmt: skip
    assert "Discipline follows a sustained finding only." in refused.text
    decided = client.post(page, {"allegation": allegation.pk, "finding": "sustained",
                                 "outcome": "written reprimand"}, follow=True)  # fmt: skip
    assert "Decided: illegal search, sustained." in decided.text
    listing = client.get("/staff/use-of-force/complaints/").text
    assert "C-2025-0202" in listing and "E1200" not in listing  # officers only on the page
    client.force_login(make_user("cora", Role.COMMAND_STAFF))
    assert "File the complaint" not in client.get("/staff/use-of-force/complaints/").text
    client.force_login(make_user("owen", Role.POLICE_OFFICER))
    assert client.get(page).status_code == 403
