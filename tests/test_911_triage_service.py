from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.models import Address
from safercity.core.roles import Role
from safercity.demo.services import demo_load
from safercity.emergency.api import PHONE_SYSTEM
from safercity.emergency.engine.triage import Answers, Discipline
from safercity.emergency.models import Call
from safercity.emergency.services import CallEventIn, event_ingest
from safercity.emergency.services.triage import call_triage
from safercity.service311.models import ServiceRequest
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def a_call(call_id, **extra):
    at = timezone.now() - timedelta(minutes=1)
    event_ingest(
        actor=PHONE_SYSTEM, event=CallEventIn(f"o-{call_id}", call_id, "offered", at, **extra)
    )
    return Call.objects.get(call_id=call_id)


def test_the_decision_and_its_reasons_are_kept_on_the_call():
    carl = make_user("carl", Role.CALL_TAKER)
    decision = call_triage(actor=carl, call=a_call("c1"), call_type="MENTAL", answers=Answers())
    call = Call.objects.get(call_id="c1")
    assert call.disciplines == ["clinician"] and call.clinician_eligible
    assert call.triaged_by == "carl" and call.triage_reasons == decision.reasons


def test_a_call_taker_may_change_who_goes_but_must_say_why():
    carl = make_user("carl", Role.CALL_TAKER)
    call = a_call("c2")
    with pytest.raises(ValueError, match="needs a reason"):
        call_triage(
            actor=carl,
            call=call,
            call_type="WELFARE",
            answers=Answers(),
            override=(Discipline.POLICE,),
        )
    decision = call_triage(
        actor=carl,
        call=call,
        call_type="WELFARE",
        answers=Answers(),
        override=(Discipline.POLICE,),
        override_reason="caller describes a break-in",
    )
    assert decision.disciplines == (Discipline.POLICE,)
    assert "caller describes a break-in" in decision.reasons[-1]
    with pytest.raises(PermissionDenied):
        call_triage(
            actor=make_user("ines", Role.INSPECTOR),
            call=call,
            call_type="WELFARE",
            answers=Answers(),
        )


def test_a_routine_concern_becomes_a_311_request_in_one_step(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)
    spot = Address.objects.exclude(neighborhood=None).first()
    call = a_call("c3", lat=spot.lat, lon=spot.lon, ani="3145550111")
    carl = make_user("carl", Role.CALL_TAKER)
    decision = call_triage(
        actor=carl,
        call=call,
        call_type="STREETLIGHT",
        answers=Answers(),
        description="Light out at the corner for a week",
    )
    assert decision.transfer_311 == "STREETLIGHT"
    call.refresh_from_db()
    request = ServiceRequest.objects.get(pk=call.service_request_id)
    assert request.source == "911" and request.phone == "3145550111"
    assert request.external_id == "911:c3"
