"""The use-of-force pages (issue 19): an officer reports on the page's forms (blank extra
subject and officer forms ignored, bad answers refused beside their fields), the reviewers'
case page shows the people and records the read, and each action is the service's rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.useofforce.models import ForceIncident, PolicyVersion
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _management(prefix: str, total: int = 3) -> dict[str, str]:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "1", f"{prefix}-MAX_NUM_FORMS": "20"}  # fmt: skip


def report_form(number: str = "25-010001", **changes: object) -> dict[str, object]:
    when = timezone.localtime() - timedelta(hours=2)
    data: dict[str, object] = {
        "case_number": number, "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "address": "4200 N Grand Blvd", "location_type": "street, highway or alley",
        "contact_reason": "call for service", "body_camera": "recorded",
        "de_escalation_attempted": "on", "de_escalation_methods": ["verbal warnings"],
        **_management("subject"), **_management("officer"),
        "subject-0-age": "34", "subject-0-sex": "male",
        "subject-0-races": ["Black or African American"], "subject-0-ethnicity": "unknown",
        "subject-0-force_types": ["electronic control weapon"],
        "subject-0-injury": "apparent minor injury",
        "subject-1-sex": "unknown", "subject-1-ethnicity": "unknown", "subject-1-injury": "none",
        "subject-2-sex": "unknown", "subject-2-ethnicity": "unknown", "subject-2-injury": "none",
        "officer-0-employee_number": "E1200", "officer-0-sex": "female", "officer-0-age": "29",
        "officer-0-force_types": ["electronic control weapon"], "officer-0-injury": "none",
        "officer-0-on_duty": "on",
        "officer-1-sex": "unknown", "officer-1-injury": "none", "officer-1-on_duty": "on",
        "officer-2-sex": "unknown", "officer-2-injury": "none", "officer-2-on_duty": "on",
    }  # fmt: skip
    data.update(changes)
    return data


@pytest.fixture
def policy():
    return PolicyVersion.objects.create(version="SO 1-01", effective_from=date(2020, 1, 1))


def test_an_officer_reports_on_the_page_and_the_supervisor_review_opens(client, policy):
    client.force_login(make_user("owen", Role.POLICE_OFFICER))
    assert client.get("/staff/use-of-force/report/").status_code == 200
    answer = client.post("/staff/use-of-force/report/", report_form(), follow=True)
    assert "Case 25-010001 reported: level 2, supervisor investigation" in answer.text
    incident = ForceIncident.objects.get()
    assert (incident.subjects.count(), incident.officers.count()) == (1, 1)  # blanks ignored
    assert incident.de_escalation_methods == ["verbal warnings"]
    assert "25-010001" in client.get("/staff/use-of-force/").text
    assert client.get(f"/staff/use-of-force/case/{incident.pk}/").status_code == 403


def test_a_report_with_bad_answers_is_refused_beside_them_and_nothing_is_saved(client, policy):
    client.force_login(make_user("owen", Role.POLICE_OFFICER))
    later = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    answer = client.post("/staff/use-of-force/report/", report_form(
        occurred_at=later, **{"officer-0-force_types": [], "subject-0-age": "300",
                              "subject-0-races": ["Martian"]}))  # fmt: skip
    assert answer.status_code == 200
    for said in ("cannot be in the future", "Ensure this value is less than or equal to 120",
                 "Select a valid choice. Martian", "This field is required"):  # fmt: skip
        assert said in answer.text
    assert not ForceIncident.objects.exists()
    broken = client.post("/staff/use-of-force/report/", {"case_number": "x"})  # no formsets
    assert broken.status_code == 200 and "Enter at least one subject." in broken.text


def test_reviewers_read_the_people_audited_and_move_the_case_along(client, policy):
    client.force_login(make_user("owen", Role.POLICE_OFFICER))
    client.post("/staff/use-of-force/report/", report_form())
    incident = ForceIncident.objects.get()
    case = f"/staff/use-of-force/case/{incident.pk}/"
    client.force_login(make_user("sam", Role.POLICE_SUPERVISOR))
    page = client.get(case)
    assert "E1200" in page.text and "electronic control weapon" in page.text
    assert AuditEntry.objects.filter(action="useofforce.incident.read",
                                     actor="sam").count() == 1  # fmt: skip
    refused = client.post(case, {"action": "close", "finding": " "})
    assert "This field is required" in refused.text
    moved = client.post(case, {"action": "close", "finding": "force reported correctly",
                               "holder_next": "Sgt. Reyes"}, follow=True)  # fmt: skip
    assert "unit investigation opened" in moved.text
    assert "unit investigation: Sgt. Reyes" in moved.text
    extend = client.post(case, {"action": "extend", "days": "5", "reason": "witness away"},
                         follow=True)  # fmt: skip
    assert "Your role cannot do that" in extend.text  # a sergeant cannot extend
    client.force_login(make_user("cora", Role.COMMAND_STAFF))
    extended = client.post(case, {"action": "extend", "days": "5", "reason": "witness away"},
                           follow=True)  # fmt: skip
    assert "+5 days, approved by cora: witness away" in extended.text
    assert client.post(case, {"action": "nonsense"}).status_code == 302
    assert client.get("/staff/use-of-force/case/999999/").status_code == 404


def test_the_ledger_records_the_circuit_attorney_holding_and_returning_the_file(client, policy):
    client.force_login(make_user("owen", Role.POLICE_OFFICER))
    client.post("/staff/use-of-force/report/", report_form())
    incident = ForceIncident.objects.get()
    case = f"/staff/use-of-force/case/{incident.pk}/"
    client.force_login(make_user("lou", Role.OVERSIGHT_LIAISON))
    sent = client.post(case, {"action": "send", "body": "circuit_attorney", "reference": "CA-77"},
                       follow=True)  # fmt: skip
    assert "Who holds the file: Circuit Attorney since" in sent.text
    handoff = incident.handoffs.get()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    future = client.post(case, {"action": "record", "handoff": handoff.pk,
                                "determined_on": tomorrow})  # fmt: skip
    assert "That date has not come yet" in future.text
    today = timezone.localdate().isoformat()
    unsaid = client.post(case, {"action": "record", "handoff": handoff.pk,
                                "determined_on": today})  # fmt: skip
    assert "Say what the body determined" in unsaid.text
    done = client.post(case, {"action": "record", "handoff": handoff.pk, "received_on": today,
                              "determined_on": today, "determination": "no charges"},
                       follow=True)  # fmt: skip
    assert "no charges" in done.text and "Circuit Attorney since" not in done.text
    client.force_login(make_user("ana", Role.ANALYST))
    assert client.get(case).status_code == 403
