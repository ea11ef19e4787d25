"""Use of force in the product (issue 19, first part): an officer reports, the level decides
the review path, each stage runs on its clock (an extension needs an approver and a reason),
overdue stages are listed, and every hand-off to the Circuit Attorney is a ledger entry, so
"who holds the file" always has an answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.core.models import AuditEntry
from safercity.core.roles import Role
from safercity.useofforce import services
from safercity.useofforce.models import ForceIncident, PolicyVersion
from safercity.useofforce.services import IncidentIn, OfficerIn, SubjectIn
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    PolicyVersion.objects.create(version="SO 1-01 (2024)", effective_from=date(2024, 1, 1),
                                 stage_days={"unit investigation": 45})  # fmt: skip
    return {
        "officer": make_user("owen", Role.POLICE_OFFICER),
        "sergeant": make_user("sam", Role.POLICE_SUPERVISOR),
        "fiu": make_user("fia", Role.FORCE_INVESTIGATOR),
        "ia": make_user("ira", Role.INTERNAL_AFFAIRS),
        "liaison": make_user("lou", Role.OVERSIGHT_LIAISON),
        "analyst": make_user("ana", Role.ANALYST),
    }


def _shooting(number: str = "25-004211", **changes) -> IncidentIn:
    entered = IncidentIn(
        case_number=number, occurred_at=timezone.now() - timedelta(hours=3),
        location_type="street, highway or alley", contact_reason="call for service",
        subjects=[SubjectIn(force_types=["firearm discharged"], age=23, sex="male",
                            races=["Black or African American"], injury="gunshot wound",
                            weapons=["firearm"], firearm_at_subject=True)],
        officers=[OfficerIn(force_types=["firearm discharged"], age=31, sex="male",
                            races=["White"], employee_number="E4410", name="P.O. Example",
                            years_of_service=6)],
        de_escalation_attempted=True, de_escalation_methods=["verbal warnings"],
        body_camera="recorded",
    )  # fmt: skip
    for name, value in changes.items():
        setattr(entered, name, value)
    return entered


def test_a_shooting_goes_to_the_force_investigation_unit_and_the_fbi_collection(people):
    incident = services.incident_report(actor=people["officer"], entered=_shooting())
    assert (incident.level, incident.path, incident.fbi_reportable) == (
        3,
        "force investigation unit",
        True,
    )
    report, review = incident.stages.all()
    assert report.closed_at is not None and review.stage == "supervisor review"
    assert review.due_at == review.opened_at + timedelta(days=3)
    stage = services.stage_close(
        actor=people["sergeant"],
        incident=incident,
        finding="scene secured; FIU notified",
        holder_next="FIU",
    )
    assert (stage.stage, stage.allowed_days) == ("unit investigation", 45)  # the policy's
    assert services.who_holds(incident) == "unit investigation: FIU"


def test_a_takedown_without_injury_is_a_supervisor_review_and_closes_there(people):
    entered = _shooting(
        "25-004212",
        subjects=[SubjectIn(force_types=["hand control or escort"])],
        officers=[OfficerIn(force_types=["hand control or escort"])],
    )
    incident = services.incident_report(actor=people["officer"], entered=entered)
    assert (incident.path, incident.fbi_reportable) == ("supervisor review", False)
    assert (
        services.stage_close(actor=people["sergeant"], incident=incident, finding="within policy")
        is None
    )
    incident.refresh_from_db()
    assert incident.status == ForceIncident.Status.CLOSED and incident.closed_at is not None
    assert services.who_holds(incident) == "closed"


def test_reports_are_refused_plainly_and_only_some_roles_may_act(people):
    with pytest.raises(services.InputRefused, match="Unknown force type 'sword'"):
        services.incident_report(
            actor=people["officer"], entered=_shooting(officers=[OfficerIn(force_types=["sword"])])
        )
    with pytest.raises(services.InputRefused, match="at least one subject"):
        services.incident_report(actor=people["officer"], entered=_shooting(subjects=[]))
    with pytest.raises(services.InputRefused, match="in the future"):
        services.incident_report(
            actor=people["officer"],
            entered=_shooting(occurred_at=timezone.now() + timedelta(days=1)),
        )
    with pytest.raises(PermissionDenied):
        services.incident_report(actor=people["analyst"], entered=_shooting())
    incident = services.incident_report(actor=people["officer"], entered=_shooting())
    with pytest.raises(services.InputRefused, match="already reported"):
        services.incident_report(actor=people["officer"], entered=_shooting())
    with pytest.raises(PermissionDenied):
        services.stage_close(actor=people["officer"], incident=incident, finding="fine")


def test_an_extension_moves_the_deadline_and_overdue_stages_are_listed(people):
    incident = services.incident_report(actor=people["officer"], entered=_shooting())
    review = services.open_stage(incident)
    later = review.due_at + timedelta(hours=1)
    assert services.overdue_stages(later) == [review]
    with pytest.raises(services.InputRefused, match="approver and a reason"):
        services.stage_extend(actor=people["ia"], stage=review, days=2, reason=" ")
    with pytest.raises(PermissionDenied):
        services.stage_extend(actor=people["sergeant"], stage=review, days=2, reason="leave")
    services.stage_extend(actor=people["ia"], stage=review, days=2, reason="witness abroad")
    review.refresh_from_db()
    assert services.overdue_stages(later) == []
    assert review.extensions.get().approved_by == "ira"


def test_the_circuit_attorney_ledger_says_who_holds_the_file(people):
    incident = services.incident_report(actor=people["officer"], entered=_shooting())
    sent = services.handoff_send(
        actor=people["fiu"], incident=incident, body="circuit_attorney", reference="CAO-25-118"
    )
    assert services.who_holds(incident).startswith("Circuit Attorney since")
    with pytest.raises(services.InputRefused, match="already holds"):
        services.handoff_send(actor=people["fiu"], incident=incident, body="circuit_attorney")
    with pytest.raises(services.InputRefused, match="before the file was sent"):
        services.handoff_record(
            actor=people["liaison"], handoff=sent, received_at=sent.sent_at - timedelta(days=1)
        )
    with pytest.raises(services.InputRefused, match="what the body determined"):
        services.handoff_record(
            actor=people["liaison"], handoff=sent, determined_at=sent.sent_at + timedelta(days=90)
        )
    services.handoff_record(
        actor=people["liaison"],
        handoff=sent,
        received_at=sent.sent_at + timedelta(days=2),
        determined_at=sent.sent_at + timedelta(days=90),
        determination="no charges",
    )
    assert services.who_holds(incident) == "supervisor review: unassigned"


def test_reading_an_incident_is_audited(people):
    incident = services.incident_report(actor=people["officer"], entered=_shooting())
    services.incident_read(actor=people["liaison"], incident=incident)
    entry = AuditEntry.objects.filter(action="useofforce.incident.read").get()
    assert entry.actor == "lou"


def test_the_scorecard_shows_investigations_closed_within_90_days_hiding_a_few(people):
    from safercity.useofforce.measures import figures

    now = timezone.now()
    for n in range(12):
        incident = services.incident_report(
            actor=people["officer"], entered=_shooting(f"25-1{n:05d}")
        )
        closed = None if n == 0 else now - timedelta(days=100 - 30)  # 30 days after the report
        ForceIncident.objects.filter(pk=incident.pk).update(
            reported_at=now - timedelta(days=100), closed_at=closed
        )
        if n == 4:
            (figure,) = figures()  # five decided: too few to show a share
            assert (figure.value, figure.meets_target) == ("—", None)
    (figure,) = figures()
    assert figure.label == "Use-of-force investigations closed within 90 days"
    assert (figure.value, figure.meets_target) == ("92%", True)  # 11 of 12; one open past 90


def test_the_board_lists_open_cases_overdue_first_and_no_people(client, people):
    late = services.incident_report(actor=people["officer"], entered=_shooting("25-000001"))
    services.incident_report(actor=people["officer"], entered=_shooting("25-000002"))
    late.stages.filter(closed_at=None).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(people["liaison"])
    page = client.get("/staff/use-of-force/").content.decode()
    assert page.index("25-000001") < page.index("25-000002") and "overdue" in page
    assert "P.O. Example" not in page and "E4410" not in page
    client.force_login(people["analyst"])
    assert client.get("/staff/use-of-force/").status_code == 403


def test_whoever_reported_the_force_cannot_review_it_and_a_cad_incident_links(people):
    from safercity.emergency.models import Incident

    cad = Incident.objects.create(number="P25-0042", call_type="DISTURBANCE", priority=2,
                                  district="4",
                                  received_at=timezone.now() - timedelta(hours=4),
                                  entered_at=timezone.now() - timedelta(hours=4))  # fmt: skip
    incident = services.incident_report(actor=people["sergeant"],
                                        entered=_shooting(cad_number=" P25-0042 "))  # fmt: skip
    assert (incident.cad_incident, incident.district) == (cad, "4")
    with pytest.raises(services.InputRefused, match="Whoever reported the force"):
        services.stage_close(actor=people["sergeant"], incident=incident, finding="fine")
    with pytest.raises(services.InputRefused, match="No CAD incident P99"):
        services.incident_report(actor=people["officer"],
                                 entered=_shooting("25-9", cad_number="P99"))  # fmt: skip
