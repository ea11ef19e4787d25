import pytest
from hypothesis import given
from hypothesis import strategies as st

from safercity.emergency.engine.triage import CALL_TYPES, Answers, Discipline, triage

answers = st.builds(
    Answers, st.booleans(), st.booleans(), st.booleans(), st.booleans(), st.booleans()
)


def test_a_mental_health_crisis_without_danger_goes_to_a_clinician_alone():
    decision = triage("MENTAL", Answers())
    assert decision.disciplines == (Discipline.CLINICIAN,)
    assert decision.clinician_eligible and decision.clinician_leads
    assert "clinician" in decision.reasons[0]


def test_a_weapon_brings_police_and_ems_with_the_clinician_as_co_responder():
    decision = triage("MENTAL", Answers(weapon=True))
    assert set(decision.disciplines) == {Discipline.POLICE, Discipline.EMS, Discipline.CLINICIAN}
    assert not decision.clinician_eligible and decision.priority == 1
    assert "a weapon" in decision.reasons[0]


def test_routine_concerns_move_to_311_unless_someone_is_in_danger():
    assert triage("STREETLIGHT", Answers()).transfer_311 == "STREETLIGHT"
    risky = triage("NOISE", Answers(violence=True))
    assert risky.transfer_311 == "" and risky.disciplines == (Discipline.POLICE,)


@given(st.sampled_from(sorted(CALL_TYPES)), answers)
def test_no_armed_or_violent_call_is_ever_left_to_a_clinician_alone(code, given_answers):
    decision = triage(code, given_answers)
    if given_answers.weapon or given_answers.violence or given_answers.danger_to_others:
        assert Discipline.POLICE in decision.disciplines
        assert not decision.clinician_leads
        assert decision.transfer_311 == ""
    if given_answers.serious_injury and not decision.transfer_311:
        assert Discipline.EMS in decision.disciplines
    assert decision.reasons or not CALL_TYPES[code].behavioural


def test_an_unknown_call_type_is_refused():
    with pytest.raises(ValueError, match="unknown call type"):
        triage("UFO", Answers())
