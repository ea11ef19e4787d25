"""Commitment 8: every eligible call's outcome recorded (who handled it, what came of it, why
no clinician went), and the measures on the public page and the scorecard."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from safercity.core.actors import command_actor
from safercity.core.roles import Role
from safercity.emergency.engine.crisis import Contact, Repeats, percentile, repeats
from safercity.emergency.measures import clinician_figures, crisis_month
from safercity.emergency.models import Call, CrisisResponse
from safercity.emergency.services.crisis import CrisisIn, CrisisInvalid, crisis_record
from tests.conftest import make_user

T0 = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_a_repeat_is_another_call_from_the_same_number_or_address_inside_the_window():
    index = [
        Contact(T0, "3145550100", "1200 MARKET ST"),
        Contact(T0, "3145550101", ""),
        Contact(T0, "", "4400 Lindell Blvd"),
        Contact(T0 + timedelta(days=80), "3145550102", ""),  # window not over yet
        Contact(T0, "", ""),  # nothing to match on
    ]
    others = [
        *index,
        Contact(T0 + timedelta(days=3), "", "1200  market st"),  # same place, typed otherwise
        Contact(T0 + timedelta(days=45), "3145550101", ""),  # after 30 days, before 90
    ]
    until = T0 + timedelta(days=100)
    assert repeats(index, others, 30, until) == Repeats(followed=3, repeated=1)
    ninety = repeats(index, others, 90, until)
    assert (ninety.followed, ninety.repeated) == (3, 2)
    assert percentile([4, 1, 3, 2], 0.5) == 2 and percentile([], 0.9) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"handled_by": ""}, "who handled"),
        ({"handled_by": "none"}, "say why"),
        ({"handled_by": "clinician"}, "choose the outcome"),
        ({"handled_by": "clinician", "outcome": "referred"}, "which service"),
        ({"handled_by": "counselor", "outcome": "backup"}, "why it was needed"),
        ({"handled_by": "clinician", "outcome": "on_scene", "no_clinician_reason": "safety"},
         "leave 'why none' empty"),
    ],
)  # fmt: skip
def test_an_incomplete_outcome_is_refused_with_a_reason(fields, words):
    call = Call.objects.create(call_id="c1", clinician_eligible=True, arrived_at=T0)
    with pytest.raises(CrisisInvalid, match=words):
        crisis_record(actor=command_actor("tests"), call=call, record=CrisisIn(**fields))
    assert not CrisisResponse.objects.exists()


def eligible_calls(count, start, **extra):
    return [
        Call.objects.create(
            call_id=f"e{start:%m%d}-{n}", clinician_eligible=True, call_type="MENTAL",
            arrived_at=start + timedelta(hours=n), ani=f"31455{n:05d}", state="released", **extra,
        )
        for n in range(count)
    ]  # fmt: skip


@pytest.mark.django_db
def test_the_month_counts_clinician_handling_outcomes_and_reasons():
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    calls = eligible_calls(30, start)
    cleo = make_user("cleo", Role.CLINICIAN)
    for call in calls[:20]:
        crisis_record(actor=cleo, call=call, record=CrisisIn("counselor", "by_phone"))
    for call in calls[20:24]:
        crisis_record(actor=cleo, call=call, record=CrisisIn("clinician", "referred", "BHR"))
    for call in calls[24:]:
        crisis_record(actor=cleo, call=call, record=CrisisIn("none", no_clinician_reason="safety"))
    month = crisis_month(start, timezone.now())
    assert (month.eligible, month.recorded, month.by_clinician) == (30, 30, 24)
    assert month.outcomes["by_phone"] == 20 and month.outcomes["referred"] == 4
    assert month.no_clinician["safety"] == 6
    [figure, *_] = clinician_figures()
    assert figure.value == "80.0%" and figure.meets_target is True


@pytest.mark.django_db
def test_the_public_page_withholds_small_counts(client):
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    cleo = make_user("cleo", Role.CLINICIAN)
    calls = eligible_calls(25, start)
    for call in calls[:20]:
        crisis_record(actor=cleo, call=call, record=CrisisIn("counselor", "by_phone"))
    for call in calls[20:23]:
        crisis_record(actor=cleo, call=call, record=CrisisIn("clinician", "ed"))
    from safercity.core.rollups import rollup_refresh

    rollup_refresh("crisis:monthly")
    page = client.get("/911/crisis-response/").content.decode()
    figures = page.split('data-testid="crisis-figures"')[1].split("</dl>")[0]
    assert "<dd>25</dd>" in figures
    assert "92%" in figures, "23 of 25 handled by a clinician or counselor"
    outcomes = page.split("<h2>Outcomes</h2>")[1].split("</table>")[0]
    assert "<td>20</td>" not in outcomes, "20 and 3 would give the 3 away with the total"
    assert ">*</abbr>" in outcomes


@pytest.mark.django_db
def test_the_crisis_worklist_takes_the_outcome_of_each_eligible_call(client):
    client.force_login(make_user("cleo", Role.CLINICIAN))
    [call] = eligible_calls(1, timezone.now() - timedelta(hours=2))
    page = client.get("/staff/911/crisis/").content.decode()
    assert f"call {call.call_id}" in page and "Record the outcome" in page
    refused = client.post(
        f"/staff/911/crisis/{call.pk}/", {"handled_by": "clinician"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "choose the outcome" in refused
    done = client.post(
        f"/staff/911/crisis/{call.pk}/",
        {"handled_by": "clinician", "outcome": "referred", "referred_to": "detox centre"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Recorded: clinician team on scene, referred to a service (detox centre)" in done
    assert f"call {call.call_id}" not in client.get("/staff/911/crisis/").content.decode()
    client.force_login(make_user("ines", Role.INSPECTOR))
    assert client.get("/staff/911/crisis/").status_code == 403
