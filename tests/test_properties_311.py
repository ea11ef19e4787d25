"""A resident's 311 complaint about a rental becomes a code-enforcement case, once."""

from __future__ import annotations

from safercity.core.actors import command_actor
from safercity.core.models import Address
from safercity.demo.services import demo_load
from safercity.properties.models import Case, Parcel
from safercity.properties.services import cases_from_311
from safercity.service311.services import NewRequest, request_create


def test_a_property_complaint_opens_one_case(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    system = command_actor("tests")
    demo_load(actor=system, scale=0.001, with_staff=False)
    parcel = Parcel.objects.filter(occupancy="non_owner").exclude(address=None).first()
    Case.objects.filter(parcel=parcel).delete()
    address: Address = parcel.address
    request = request_create(
        actor=system,
        new=NewRequest(
            service_code="NO-HEAT", address_id=str(address.pk), description="No heat for three days"
        ),
    )
    street_light = request_create(
        actor=system, new=NewRequest(service_code="STREETLIGHT", address_id=str(address.pk))
    )
    opened, _ = cases_from_311(actor=system)
    assert opened >= 1
    case = Case.objects.get(service_request=request)
    assert case.parcel == parcel and case.source == "311" and "No heat" in case.description
    assert not Case.objects.filter(service_request=street_light).exists()
    assert cases_from_311(actor=system)[0] == 0, "a second run opens nothing new"


def test_the_resident_hears_how_the_case_went(db, settings, tmp_path):
    from datetime import date

    from safercity.core.roles import Role
    from safercity.properties.services import (
        ViolationIn,
        inspection_record,
        inspection_schedule,
        notice_send,
    )
    from tests.conftest import make_user

    settings.VAR_DIR = tmp_path
    system = command_actor("tests")
    demo_load(actor=system, scale=0.001, with_staff=False)
    parcel = Parcel.objects.filter(occupancy="non_owner").exclude(address=None).first()
    Case.objects.filter(parcel=parcel).delete()
    request = request_create(
        actor=system, new=NewRequest(service_code="RATS", address_id=str(parcel.address_id))
    )
    cases_from_311(actor=system)
    case = Case.objects.get(service_request=request)
    ines = make_user("ines", Role.INSPECTOR)
    first = inspection_schedule(actor=ines, case=case, on=date(2026, 12, 1))
    inspection_record(actor=ines, inspection=first, result="violations",
                      violations=[ViolationIn("25.34.010", "Rodent infestation", 2)])  # fmt: skip
    notice_send(actor=ines, case=case)
    request.refresh_from_db()
    assert request.status == "open" and "ordered to correct" in request.status_notes
    again = inspection_schedule(actor=ines, case=case, on=date(2027, 1, 5))
    inspection_record(actor=ines, inspection=again, result="complied")
    request.refresh_from_db()
    assert request.status == "closed" and "corrected the violations" in request.status_notes
    assert parcel.owner_name not in request.status_notes


def test_a_complaint_opens_its_case_at_the_next_intake_a_minute_later(db, settings, tmp_path):
    from safercity.core.tasks import SCHEDULE
    from safercity.properties.tasks import intake_311

    settings.VAR_DIR = tmp_path
    system = command_actor("tests")
    demo_load(actor=system, scale=0.001, with_staff=False)
    parcel = Parcel.objects.filter(occupancy="non_owner").exclude(address=None).first()
    request = request_create(
        actor=system, new=NewRequest(service_code="VACANT-OPEN", address_id=str(parcel.address_id))
    )
    light = request_create(
        actor=system, new=NewRequest(service_code="STREETLIGHT", address_id=str(parcel.address_id))
    )
    assert SCHEDULE["properties:intake"].every.total_seconds() == 60
    assert intake_311.enqueue().return_value == 1
    case = Case.objects.get(service_request=request)
    assert case.parcel == parcel and case.history.get().by == (
        "system:task:properties-intake (permission checks skipped)"
    )
    assert not Case.objects.filter(service_request=light).exists()
    assert cases_from_311(actor=system)[0] == 0, "the sweep finds nothing left to open"
