"""A resident's 311 complaint about a rental becomes a code-enforcement case, once."""

from __future__ import annotations

from safercity.core.actors import SystemActor
from safercity.core.models import Address
from safercity.demo.services import demo_load
from safercity.properties.models import Case, Parcel
from safercity.properties.services import cases_from_311
from safercity.service311.services import NewRequest, request_create


def test_a_property_complaint_opens_one_case(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    system = SystemActor("tests")
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
