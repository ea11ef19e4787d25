"""The demo's equity office (issue 20): the 2017 recruit class and promotions exactly as the
city's Equity Indicators published them, later years drawn at their rates, the workforce's
records and the residents by race, all through the importers staff use; the officer's and the
public's pages work on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from safercity.core.actors import command_actor
from safercity.core.roles import Role
from safercity.demo.engine import load_calibration
from safercity.demo.workforce import load_workforce
from safercity.workforce import employment, services
from safercity.workforce.models import Review, Step
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
WHITE, BLACK = "White", "Black or African American"


def _count(cycle: str, stage: str, race: str, outcome: str | None = None) -> int:
    found = Step.objects.filter(cycle=cycle, stage=stage, person__race_ethnicity=race)
    return (found.filter(outcome=outcome) if outcome else found).count()


def test_the_demo_equity_office_keeps_the_published_figures_and_the_pages_show_it(client):
    made = load_workforce(actor=command_actor("tests"), calibration=load_calibration(), seed=3,
                          scale=0.1)  # fmt: skip
    assert made["steps"] > 3000 and made["records"] > 0
    cycle = "2017 recruit class"
    assert _count(cycle, "application", WHITE) == 394
    assert _count(cycle, "application", BLACK) == 366
    assert Step.objects.filter(cycle=cycle, stage="application").count() == 846
    # reached the academy: passed the background check (62 white and 20 Black of 87)
    assert _count(cycle, "background", WHITE, "passed") == 62
    assert _count(cycle, "background", BLACK, "passed") == 20
    assert Step.objects.filter(cycle=cycle, stage="background", outcome="passed").count() == 87
    # 14 resigned or dismissed (6 white, 7 Black); 11 still there have no outcome
    assert _count(cycle, "academy", WHITE, "failed") == 6
    assert _count(cycle, "academy", BLACK, "failed") == 7
    assert Step.objects.filter(cycle=cycle, stage="academy").count() == 87 - 11
    promoted = "2017 promotions"
    assert _count(promoted, "promotion", WHITE, "passed") == 27
    assert _count(promoted, "promotion", BLACK, "passed") == 13

    academy = next(s for s in services.analysis(cycle, "race_ethnicity") if s.stage == "academy")
    black = next(r for r in academy.results if r.group == BLACK)
    assert black.four_fifths, "the published academy losses fall below four-fifths"
    explained = Review.objects.get(cycle=cycle, stage="academy", group=BLACK)
    assert explained.status == Review.Status.EXPLAINED  # older years explained in the demo
    latest = max(services.cycle_year(c) or 0 for c, _, _ in services.cycles())
    still_open = Review.objects.filter(status=Review.Status.OPEN)
    assert all(services.cycle_year(r.cycle) == latest for r in still_open)

    shares, _, source = employment.representation("race_ethnicity", employment_day())
    black_share = next(s for s in shares if s.group == BLACK)
    assert black_share.population_share == pytest.approx(145_393 / 311_404)
    assert "Equity Indicators" in source

    client.force_login(make_user("eve", Role.EQUITY_OFFICER))
    for name in ("home", "trends", "employment", "population"):
        assert client.get(reverse(f"workforce:{name}")).status_code == 200, name
    assert "2017 recruit class" in client.get(reverse("workforce:home")).content.decode()
    client.logout()
    newest = client.get("/equity/").content.decode()  # the latest year first
    assert f"{latest} recruit class" in newest and "2017 recruit class" not in newest
    assert 'data-testid="workforce"' in newest and 'data-testid="rate-chart"' in newest
    assert "<svg" in newest
    published = client.get("/equity/", {"year": "2017"}).content.decode()
    assert "2017 recruit class" in published and "2017 promotions" in published
    rows = client.get("/equity/workforce.csv").content.decode().splitlines()
    assert rows[0].startswith("year,groups_by,group,headcount,complaints")
    black_row = next(r for r in rows if r.startswith(f"{latest},race and ethnicity,Black"))
    assert black_row.endswith(",0.467")  # 145,393 of 311,404 residents


def employment_day():
    from django.utils import timezone

    return timezone.localdate()
