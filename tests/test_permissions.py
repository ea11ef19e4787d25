"""Who may call what: every guarded service and selector, tried by every kind of actor.

The table below is the reviewed permission policy. A service that widens or narrows who may
call it changes this table in the same commit, where a reviewer sees it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

import safercity
from safercity.core.actors import ApiClient, PublicActor, SystemActor, command_actor
from safercity.core.audit import audit_write
from safercity.core.models import AuditEntry
from safercity.core.permissions import SERVICES, allows
from safercity.core.roles import Role
from tests.conftest import PERSONAS, make_user

ADM, CT, DIS, SUP = Role.ADMINISTRATOR, Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR_911
A311, INS, ANL = Role.AGENT_311, Role.INSPECTOR, Role.ANALYST
CMD = Role.COMMAND_STAFF
POF, PSU, FIU = Role.POLICE_OFFICER, Role.POLICE_SUPERVISOR, Role.FORCE_INVESTIGATOR
IAF, OVL = Role.INTERNAL_AFFAIRS, Role.OVERSIGHT_LIAISON
EQO, PER = Role.EQUITY_OFFICER, Role.PERSONNEL_STAFF
RFC, PRV = Role.REFERRAL_COORDINATOR, Role.SERVICE_PROVIDER
CLN, PRG = Role.CLINICIAN, Role.PROGRAM_STAFF
OUT, POL = Role.OUTREACH_PARTNER, Role.POLICE_PARTNER
IAN, ISU, LIA = Role.INTEL_ANALYST, Role.INTEL_SUPERVISOR, Role.PARTNER_LIAISON

POLICY: dict[str, tuple[set[Role], str | None, bool]] = {
    "accountability.services.parameter_set": ({ADM}, None, False),
    "core.services.addresses_assign_areas": ({ADM}, None, False),
    "core.services.boundaries_import": ({ADM}, None, False),
    "core.services.districts_from_neighborhoods": ({ADM}, None, False),
    "crime.peers.import_peer_file": ({ADM, ANL, PRG}, None, False),
    "crime.services.legacy_import": ({ADM, ANL}, None, False),
    "crime.services.nibrs_import": ({ADM, ANL}, None, False),
    "demo.services.demo_load": ({ADM}, None, False),
    "demo.services.demo_staff_create": ({ADM}, None, False),
    "emergency.history.history_import": ({ADM, ANL, SUP}, None, False),
    "emergency.services.cad.assignment_cancel": ({ADM, DIS, SUP}, None, False),
    "emergency.services.cad.dispatch": ({ADM, DIS, SUP}, None, False),
    "emergency.services.cad.incident_cancel": ({ADM, DIS, SUP}, None, False),
    "emergency.services.cad.unit_availability": ({ADM, DIS, SUP}, None, False),
    "emergency.services.cad.unit_reassign": ({ADM, DIS, SUP}, None, False),
    "emergency.services.cad.incident_from_call": ({ADM, CT, DIS, SUP}, None, False),
    "emergency.services.cad.unit_progress": ({ADM, DIS, SUP}, None, False),
    "emergency.services.queue.roll_to_partner": ({ADM, SUP}, None, False),
    "emergency.services.callback_claim": ({ADM, CT, SUP}, None, False),
    "emergency.services.callback_record": ({ADM, CT, SUP}, None, False),
    "emergency.services.crisis.crisis_record": ({ADM, CLN, CT, SUP}, None, False),
    "emergency.services.setup.position_save": ({ADM, SUP}, None, False),
    "emergency.services.setup.unit_save": ({ADM, SUP}, None, False),
    "emergency.services.desk.call_answer": ({ADM, CT, SUP}, None, False),
    "emergency.services.desk.call_release": ({ADM, CT, SUP}, None, False),
    "emergency.services.desk.call_transfer": ({ADM, CT, SUP}, None, False),
    "emergency.services.desk.position_set_state": ({ADM, CT, SUP}, None, False),
    "emergency.services.desk.position_sign_in": ({ADM, CT, SUP}, None, False),
    "emergency.services.desk.position_sign_out": ({ADM, CT, SUP}, None, False),
    "emergency.services.queue.alert_acknowledge": ({ADM, SUP}, None, False),
    "emergency.services.event_ingest": ({ADM, SUP}, "911:events", False),
    "emergency.services.positions_on_duty": ({ADM, SUP}, None, False),
    "emergency.services.triage.call_triage": ({ADM, CT, SUP}, None, False),
    # Requests and bulletins: the unit and its liaisons; tips: analysts, and the public sends.
    "intelligence.deconfliction.conflict_told": ({IAN, ISU, LIA}, None, False),
    "intelligence.deconfliction.operation_cancel": ({IAN, ISU, LIA}, None, False),
    "intelligence.deconfliction.operation_register": ({IAN, ISU, LIA}, None, False),
    "intelligence.deconfliction.operations_board": ({IAN, ISU, LIA}, None, False),
    # A partner's installation, by its signed messages, only hands in what it sends.
    "intelligence.exchange.retry": ({ISU, LIA}, None, False),
    "intelligence.exchange.received_answer": (set(), "intelligence:exchange", False),
    "intelligence.exchange.received_feedback": (set(), "intelligence:exchange", False),
    "intelligence.exchange.received_notice": (set(), "intelligence:exchange", False),
    "intelligence.exchange.received_operation": (set(), "intelligence:exchange", False),
    "intelligence.exchange.received_record": (set(), "intelligence:exchange", False),
    "intelligence.exchange.received_request": (set(), "intelligence:exchange", False),
    "intelligence.rfi.bulletin_feedback": ({IAN, ISU, LIA}, None, False),
    "intelligence.rfi.bulletin_issue": ({IAN, ISU}, None, False),
    "intelligence.rfi.request_answer": ({IAN, ISU, LIA}, None, False),
    "intelligence.rfi.request_assign": ({ISU}, None, False),
    "intelligence.rfi.request_feedback": ({IAN, ISU, LIA}, None, False),
    "intelligence.rfi.request_make": ({IAN, ISU, LIA}, None, False),
    "intelligence.selectors.bulletin_read": ({IAN, ISU, LIA}, None, False),
    "intelligence.selectors.received_records": ({IAN, ISU}, None, False),
    "intelligence.selectors.request_read": ({IAN, ISU, LIA}, None, False),
    "intelligence.selectors.tip_read": ({IAN, ISU}, None, False),
    "intelligence.tips.tip_ask": ({IAN, ISU}, None, False),
    "intelligence.tips.tip_close": ({IAN, ISU}, None, False),
    "intelligence.tips.tip_reply": (set(), None, True),
    "intelligence.tips.tip_review_start": ({IAN, ISU}, None, False),
    "intelligence.tips.tip_submit": ({IAN, ISU}, None, True),
    "intelligence.tips.tip_triage": ({IAN, ISU}, None, False),
    "intelligence.selectors.dissemination_log": ({ISU, LIA}, None, False),
    "intelligence.selectors.holding_bin": ({ISU}, None, False),
    "intelligence.selectors.inquiry_log": ({ISU}, None, False),
    "intelligence.selectors.record_read": ({IAN, ISU}, None, False),
    "intelligence.selectors.records_search": ({IAN, ISU}, None, False),
    "intelligence.services.notice_delivered": ({ISU, LIA}, None, False),
    "intelligence.services.partner_save": ({ISU, LIA}, None, False),
    "intelligence.services.purge_due": ({ISU}, None, False),
    "intelligence.services.record_disseminate": ({IAN, ISU}, None, False),
    "intelligence.services.record_flag_unreliable": ({IAN, ISU}, None, False),
    "intelligence.services.record_purge": ({ISU}, None, False),
    "intelligence.services.record_review": ({ISU}, None, False),
    "intelligence.services.record_submit": ({IAN, ISU}, None, False),
    "intelligence.services.record_validate": ({ISU}, None, False),
    "properties.demo.load_properties": ({ADM}, None, False),
    "intelligence.demo.load_intelligence": ({ADM}, None, False),
    "properties.importers.events_import": ({ADM, ANL}, None, False),
    "properties.importers.lra_import": ({ADM, ANL}, None, False),
    "properties.importers.parcels_import": ({ADM, ANL}, None, False),
    "properties.importers.vacancy_import": ({ADM, ANL}, None, False),
    "properties.selectors.landlords_page": ({ADM, ANL, INS}, None, False),
    "properties.selectors.parcel_read": ({ADM, ANL, INS}, None, False),
    "properties.selectors.portfolio_read": ({ADM, ANL, INS}, None, False),
    "properties.selectors.work_queue_page": ({ADM, ANL, INS}, None, False),
    "properties.services.case_act": ({ADM, INS}, None, False),
    "properties.services.case_open": ({A311, ADM, INS}, None, False),
    "properties.services.cases_from_311": ({ADM, INS}, None, False),
    "properties.services.inspection_record": ({ADM, INS}, None, False),
    "properties.services.inspection_schedule": ({ADM, INS}, None, False),
    "properties.services.inspections_plan": ({ADM, INS}, None, False),
    "properties.services.notice_send": ({ADM, INS}, None, False),
    "properties.services.nuisance_from_crime": ({ADM, ANL}, None, False),
    "properties.services.occupancy_classify": ({ADM, ANL}, None, False),
    "properties.services.policy_set": ({ADM, ANL}, None, False),
    "properties.services.portfolios_resolve": ({ADM, ANL}, None, False),
    "properties.services.properties_refresh": ({ADM, ANL}, None, False),
    "properties.services.scores_compute": ({ADM, ANL}, None, False),
    "properties.services.vacancy_apply": ({ADM, ANL}, None, False),
    "service311.services.catalog.catalog_load": ({ADM}, None, False),
    "staffing.services.plan_request": ({ADM, ANL, SUP}, None, False),
    "demo.patrol.load_patrol": ({ADM}, None, False),
    "demo.useofforce.load_useofforce": ({ADM}, None, False),
    "demo.workforce.load_workforce": ({ADM}, None, False),
    "demo.referrals.load_referrals": ({ADM}, None, False),
    "demo.indicators.load_indicators": ({ADM}, None, False),
    "equity.computed.indicators_compute": ({ADM, ANL}, None, False),
    "equity.indicators.framework_import": ({ADM, ANL}, None, False),
    "equity.indicators.table_import": ({ADM, ANL}, None, False),
    "equity.indicators.values_import": ({ADM, ANL}, None, False),
    "equity.hsds.hsds_import": ({RFC}, None, False),
    "equity.residents.residents_import": ({ADM, ANL}, None, False),
    "equity.referrals.referral_read": ({RFC, CLN, CT, SUP, A311, OUT, PRG, PRV}, None, False),
    "equity.referrals.referral_send": ({RFC, CLN, CT, SUP, A311, OUT, PRG}, None, False),
    "equity.referrals.referral_update": ({RFC, CLN, CT, SUP, A311, OUT, PRG, PRV}, None, False),
    "equity.referrals.referrals_purge": ({ADM}, None, False),
    "equity.referrals.referrals_remind": ({ADM}, None, False),
    "equity.services.capacity_update": ({RFC, PRV}, None, False),
    "equity.services.hours_set": ({RFC, PRV}, None, False),
    "equity.services.organization_save": ({RFC}, None, False),
    "equity.services.provider_link": ({RFC}, None, False),
    "equity.services.service_save": ({RFC, PRV}, None, False),
    "workforce.employment.import_records": ({EQO, PER}, None, False),
    "workforce.employment.population_set": ({EQO}, None, False),
    "workforce.services.import_steps": ({EQO, PER}, None, False),
    "workforce.services.review_explain": ({EQO}, None, False),
    "workforce.services.stage_people": ({EQO, PER}, None, False),
    "useofforce.complaints.allegation_decide": ({CMD, IAF}, None, False),
    "useofforce.complaints.complaint_file": ({IAF, OVL}, None, False),
    "useofforce.complaints.complaint_read": ({CMD, FIU, IAF, OVL}, None, False),
    "useofforce.services.handoff_record": ({CMD, FIU, IAF, OVL}, None, False),
    "useofforce.services.handoff_send": ({CMD, FIU, IAF, OVL}, None, False),
    "useofforce.services.policy_publish": ({ADM, CMD}, None, False),
    "useofforce.services.population_set": ({ADM, CMD}, None, False),
    "useofforce.services.incident_read": ({CMD, FIU, IAF, OVL, PSU}, None, False),
    "useofforce.services.incident_report": ({FIU, POF, PSU}, None, False),
    "useofforce.services.stage_close": ({CMD, FIU, IAF, PSU}, None, False),
    "useofforce.services.stage_extend": ({CMD, FIU, IAF}, None, False),
    "staffing.patrol.call_type_set": ({ADM, ANL, CMD}, None, False),
    "staffing.patrol.model_update": ({ADM, ANL, CMD}, None, False),
    "staffing.patrol.roster_add": ({ADM, ANL, CMD}, None, False),
    "staffing.patrol.roster_import": ({ADM, ANL, CMD}, None, False),
    "staffing.patrol.roster_remove": ({ADM, ANL, CMD}, None, False),
    "staffing.patrol.workload_request": ({ADM, ANL, CMD}, None, False),
    "staffing.scenarios.scenario_create": ({ADM, ANL, CMD}, None, False),
    "staffing.scenarios.scenario_delete": ({ADM, ANL, CMD}, None, False),
    "staffing.scenarios.scenario_step_add": ({ADM, ANL, CMD}, None, False),
    "staffing.scenarios.scenario_step_remove": ({ADM, ANL, CMD}, None, False),
    "staffing.scenarios.unit_delete": ({ADM, ANL, CMD}, None, False),
    "staffing.scenarios.unit_save": ({ADM, ANL, CMD}, None, False),
    "service311.importers.import_csb": ({ADM}, None, False),
    "service311.services.api_key_create": ({ADM}, None, False),
    "service311.services.request_add_note": ({A311, ADM}, None, False),
    "service311.services.request_assign": ({A311, ADM}, None, False),
    "service311.services.request_create": ({A311, ADM, CT, SUP}, "requests:create", True),
    "service311.services.request_merge": ({A311, ADM}, None, False),
    "service311.services.request_review_media": ({A311, ADM}, None, False),
    "service311.services.requests_import": ({ADM}, None, False),
    "service311.services.request_set_status": ({A311, ADM}, None, False),
    "service311.services.transfer_from_911": ({A311, ADM, CT, SUP}, None, False),
    # Focused deterrence: program staff keep the group audit; analysts read it and review.
    "violence.selectors.group_read": ({ADM, ANL, PRG, OUT, POL}, None, False),
    "violence.selectors.groups_list": ({ADM, ANL, PRG, OUT, POL}, None, False),
    "violence.selectors.interventions_for": ({ADM, ANL, PRG, OUT, POL}, None, False),
    "violence.selectors.recipients_read": ({ADM, PRG, OUT}, None, False),
    "violence.services.recipient_add": ({ADM, PRG}, None, False),
    "violence.services.recipient_extend": ({ADM, PRG}, None, False),
    "violence.services.recipients_purge": ({ADM}, None, False),
    "violence.services.referral_counts_set": ({ADM, PRG, OUT}, None, False),
    "violence.services.action_add": ({ADM, PRG}, None, False),
    "violence.services.action_done": ({ADM, PRG}, None, False),
    "violence.services.alias_add": ({ADM, PRG}, None, False),
    "violence.services.area_add": ({ADM, PRG}, None, False),
    "violence.services.assertions_confirm": ({ADM, PRG}, None, False),
    "violence.services.assertions_purge": ({ADM}, None, False),
    "violence.services.audit_session_create": ({ADM, PRG}, None, False),
    "violence.services.decision_record": ({ADM, PRG}, None, False),
    "violence.services.group_create": ({ADM, PRG}, None, False),
    "violence.services.group_status_set": ({ADM, PRG}, None, False),
    "violence.services.incident_review_record": ({ADM, ANL, PRG}, None, False),
    "violence.services.intervention_record": ({ADM, PRG, OUT, POL}, None, False),
    "violence.services.relation_add": ({ADM, PRG}, None, False),
    "violence.services.reviews_queue": ({ADM, ANL, PRG}, None, False),
    "violence.services.shooting_review_create": ({ADM, PRG}, None, False),
}
# Plumbing that takes an actor but is not a service: it records or checks, it decides nothing.
NOT_SERVICES = {
    "core.actors.actor_label",
    "core.audit.audit_write",
    "core.audit.audit_read",
    "core.permissions.allows",
    "core.permissions.require",
    "core.roles.roles_of",
    "core.roles.has_role",
    "core.roles.require_role",
    "core.navigation.tools_for",
    "violence.services.kinds_recorded_by",
    "equity.services.provider_organization",
    "equity.referrals.visible_to",
    "equity.referrals.steps_for",
}
ALL_SCOPES = {"requests:create", "911:events", "intelligence:exchange"}


def _product_modules() -> list[object]:
    found = []
    for info in pkgutil.walk_packages(safercity.__path__, "safercity."):
        if "migrations" not in info.name and "management" not in info.name:
            found.append(importlib.import_module(info.name))
    return found


MODULES = _product_modules()


def test_every_function_that_takes_an_actor_checks_it_inside():
    unguarded = []
    guarded = {service for service, _ in SERVICES.values()}
    for module in MODULES:
        for name, function in vars(module).items():
            if not inspect.isfunction(function) or function.__module__ != module.__name__:
                continue
            dotted = f"{module.__name__.removeprefix('safercity.')}.{name}"
            takes_actor = "actor" in inspect.signature(function).parameters
            public = not name.startswith("_") and dotted not in NOT_SERVICES
            if takes_actor and public and function not in guarded:
                unguarded.append(dotted)
    assert unguarded == []


def test_the_permission_rules_are_the_reviewed_policy():
    actual = {
        name.removeprefix("safercity."): (set(rule.roles), rule.scope, rule.public)
        for name, (_, rule) in SERVICES.items()
    }
    assert actual == POLICY


def _actors_beside_staff(rule_scope: str | None) -> dict[str, object]:
    other_scopes = frozenset(ALL_SCOPES - {rule_scope})
    return {
        "anonymous": AnonymousUser(),
        "public": PublicActor("web"),
        "api key without the scope": ApiClient("open311:other", scopes=other_scopes),
        "system task that does not skip checks": SystemActor("some-task"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(POLICY))
def test_every_actor_the_policy_leaves_out_is_refused(name, personas):
    service, rule = SERVICES[f"safercity.{name}"]
    roles, scope, public = POLICY[name]
    nobody = make_user("nobody")
    retired = make_user("retired", *roles)
    retired.is_active = False
    actors = {
        **{f"{role.value} ({PERSONAS[role]})": user for role, user in personas.items()},
        "signed in, no role": nobody,
        "deactivated holder of the role": retired,
        **_actors_beside_staff(scope),
    }
    expected_allowed = {f"{role.value} ({PERSONAS[role]})" for role in roles}
    if public:
        expected_allowed.add("public")
    for label, actor in actors.items():
        if label in expected_allowed:
            assert allows(rule, actor), label
            continue
        # Refused before the service reads a single other argument or touches the database.
        with pytest.raises(PermissionDenied):
            service(actor=actor)
    if scope:
        assert allows(rule, ApiClient("client", scopes=frozenset({scope})))
    assert allows(rule, command_actor("operator"))


def test_a_service_called_without_saying_who_is_calling_is_an_error():
    service, _ = SERVICES["safercity.service311.services.request_set_status"]
    with pytest.raises(TypeError, match="needs actor="):
        service()


@pytest.mark.django_db
def test_a_commands_audit_entry_says_it_skipped_the_checks():
    audit_write(actor=command_actor("properties_refresh"), action="test.run")
    entry = AuditEntry.objects.get(action="test.run")
    assert entry.actor == "system:properties_refresh (permission checks skipped)"


@pytest.mark.django_db
def test_a_refusal_says_who_may_do_it(personas):
    service, _ = SERVICES["safercity.properties.services.policy_set"]
    with pytest.raises(PermissionDenied, match="Administrator, Analyst"):
        service(actor=personas[Role.INSPECTOR])
