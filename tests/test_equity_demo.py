"""The demo's service directory and referrals (issue 21): the directory arrives as an HSDS file
through the importer, a year of referrals at the calibrated size goes through the referral
services, and the coordinator's pages, the API and the scorecard work on it."""

from __future__ import annotations

from collections import Counter

import pytest

from safercity.core.actors import command_actor
from safercity.core.models import Neighborhood
from safercity.core.roles import Role
from safercity.demo.engine import load_calibration
from safercity.demo.referrals import SERVICES, load_referrals
from safercity.equity import measures
from safercity.equity.models import Referral, Service
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_demo_directory_and_referrals_are_calibrated_and_shown(client):
    calibration = load_calibration()
    made = load_referrals(actor=command_actor("tests"), calibration=calibration, seed=5, scale=0.02)
    expected = 5000 * 12 / 8 * 0.42 * 0.02
    assert made == round(expected) == Referral.objects.count()
    assert Service.objects.count() == len(SERVICES)
    statuses = Counter(Referral.objects.values_list("status", flat=True))
    assert statuses["completed"] > 0 and statuses["declined"] + statuses["refused"] > 0
    assert all(r.events.exists() for r in Referral.objects.all())
    oldest = Referral.objects.order_by("referred_at").first()
    assert oldest.referred_at < Referral.objects.order_by("-referred_at").first().referred_at
    assert {f.label for f in measures.figures()} == set(measures.KINDS.values())
    assert client.get("/api/hsds/services").json()["total_items"] == len(SERVICES)
    client.force_login(make_user("rita", Role.REFERRAL_COORDINATOR))
    assert "Withdrawal management" in client.get("/staff/services/").content.decode()
    listed = client.get("/staff/services/referrals/").content.decode()
    assert "completed" in listed


def test_the_demo_loads_the_policing_topic_as_the_city_published_it(demo_city):
    from safercity.demo.indicators import load_indicators
    from safercity.equity.indicators import indicators_report
    from safercity.equity.residents import majorities

    # A city with no history: the computed indicators have nothing to compare yet (no
    # incidents, calls or requests is no comparison, not equity).
    assert load_indicators(actor=command_actor("tests"), calibration=load_calibration(),
                           seed=3) == 8  # fmt: skip
    report = indicators_report()
    assert report["themes"][0]["topics"][0]["scores"]["2018"] == 53.75
    # As many majority-Black and majority-white neighborhoods as St. Louis has (2020 Census),
    # the majority-Black ones to the north.
    found = majorities(2025)
    assert (len(found.neighborhoods["B"]), len(found.neighborhoods["W"])) == (38, 30)
    north = {n.number: n.shape.centroid.y for n in Neighborhood.objects.filter(is_park=False)}
    assert min(north[n] for n in found.neighborhoods["B"]) > max(
        north[n] for n in found.neighborhoods["W"]
    )
