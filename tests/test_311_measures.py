from datetime import timedelta

import pytest
from django.utils import timezone

from safercity.accountability.registry import scorecard
from safercity.core.actors import command_actor
from safercity.demo.services import demo_load
from safercity.service311.measures import figures
from safercity.service311.models import ServiceRequest
from safercity.service311.services import NewRequest, request_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_load(actor=command_actor("tests"), scale=0.001, with_staff=False)


def _requests(count, *, on_time):
    now = timezone.now()
    for n in range(count):
        made = request_create(
            actor=command_actor("t"),
            new=NewRequest(service_code="STREETLIGHT", address_string=f"{n} Main St"),
        )
        ServiceRequest.objects.filter(pk=made.pk).update(
            expected_datetime=now - timedelta(days=1),
            status="closed" if n < on_time else "open",
            closed_datetime=now - timedelta(days=2) if n < on_time else None,
        )


def test_the_scorecard_shows_the_share_closed_on_time(city, client):
    _requests(20, on_time=18)
    [on_time, _] = figures()
    assert (on_time.value, on_time.meets_target) == ("90.0%", True)
    row = next(r for r in scorecard() if r.commitment.number == 5)
    assert row.built and row.figures
    assert "90.0%" in client.get("/").content.decode()


def test_a_small_number_of_requests_is_not_published(city):
    _requests(7, on_time=7)
    [on_time, moved] = figures()
    assert on_time.value == "too few requests to publish" and on_time.meets_target is None
    assert moved.value == "0"  # zero is published; 1 to 10 would not be
