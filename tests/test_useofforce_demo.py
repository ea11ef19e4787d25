"""The demo's use of force (issue 19): two years at the calibration's sizes, shootings filed
with the Circuit Attorney and mostly undetermined as in St. Louis, investigations on the clock
with some late, complaints with findings; the public pages and the staff board work on it."""

from __future__ import annotations

from collections import Counter

import pytest

from safercity.core.actors import command_actor
from safercity.core.roles import Role
from safercity.core.rollups import rollup_refresh
from safercity.demo.engine import load_calibration
from safercity.demo.useofforce import load_useofforce
from safercity.useofforce.models import Allegation, ForceIncident, Handoff, Stage
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_use_of_force_is_calibrated_and_the_pages_show_it(client):
    calibration = load_calibration()
    made = load_useofforce(actor=command_actor("tests"), calibration=calibration, seed=7,
                           scale=0.2)  # fmt: skip
    expected = calibration["uof_incidents_per_year"] * 0.2 * 2
    assert 0.75 * expected < made < 1.35 * expected + 12
    paths = Counter(ForceIncident.objects.values_list("path", flat=True))
    assert paths["supervisor review"] > paths["supervisor investigation"] > 0
    shootings = ForceIncident.objects.filter(subjects__firearm_at_subject=True).distinct()
    files = Handoff.objects.filter(body=Handoff.Body.CIRCUIT_ATTORNEY)
    assert 0 < files.count() <= shootings.count()
    assert files.filter(determined_at=None).count() >= files.count() / 2  # mostly undetermined
    assert Stage.objects.filter(closed_at__gt=models_due()).exists(), "some stages ran late"
    assert Allegation.objects.filter(finding="sustained").exists()
    assert Allegation.objects.filter(finding="open").exists()

    figures = rollup_refresh("useofforce:public").data
    assert figures["closed_within_90"]["share"] is not None
    assert client.get("/use-of-force/").status_code == 200
    client.force_login(make_user("fia", Role.FORCE_INVESTIGATOR))
    board = client.get("/staff/use-of-force/")
    assert board.status_code == 200
    case = ForceIncident.objects.filter(path="force investigation unit").first()
    assert client.get(f"/staff/use-of-force/case/{case.pk}/").status_code == 200


def models_due():
    from django.db.models import F

    return F("due_at")
