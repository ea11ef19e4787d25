import pytest
from django.core.exceptions import PermissionDenied

from safercity.core.actors import command_actor
from safercity.core.audit import audit_verify
from safercity.core.models import Address, AuditEntry
from safercity.core.roles import Role
from safercity.demo.services import demo_load
from safercity.service311.models import ServiceRequest
from safercity.service311.services import Open311Error, transfer_from_911
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)
    return Address.objects.exclude(neighborhood=None).first()


def test_a_call_taker_moves_a_routine_call_to_311_in_one_step(city):
    carl = make_user("carl", Role.CALL_TAKER)
    created = transfer_from_911(
        actor=carl,
        call_reference="2026-000123",
        service_code="STREETLIGHT",
        description="Caller reports the alley light out for a week",
        lat=city.lat,
        long=city.lon,
        caller_phone="314-555-0199",
    )
    assert created.source == ServiceRequest.Source.TRANSFER_911
    assert created.external_id == "911:2026-000123"
    assert created.phone == "314-555-0199"
    assert created.neighborhood is not None
    history = list(created.notes.values_list("kind", "text", "public"))
    assert ("note", "Transferred from 911 call 2026-000123.", False) in history
    assert AuditEntry.objects.filter(action="service311.request.create", actor="carl").exists()
    assert audit_verify().ok


def test_only_911_and_311_staff_can_transfer(city):
    with pytest.raises(PermissionDenied):
        transfer_from_911(
            actor=make_user("ines", Role.INSPECTOR),
            call_reference="1",
            service_code="STREETLIGHT",
            description="x",
            lat=city.lat,
            long=city.lon,
        )


def test_a_transfer_needs_its_call_reference_and_a_known_service(city):
    carl = make_user("carl", Role.CALL_TAKER)
    with pytest.raises(Open311Error, match="call reference"):
        transfer_from_911(
            actor=carl,
            call_reference=" ",
            service_code="STREETLIGHT",
            description="x",
            lat=city.lat,
            long=city.lon,
        )
    with pytest.raises(Open311Error, match="not found"):
        transfer_from_911(
            actor=carl,
            call_reference="7",
            service_code="NOPE",
            description="x",
            lat=city.lat,
            long=city.lon,
        )
    assert not ServiceRequest.objects.exists()
