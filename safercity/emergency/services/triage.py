"""Triage as a write: the decision is kept on the call with its reasons, a call-taker may
change who goes if they say why, and routine concerns become 311 requests in one step."""

from __future__ import annotations

from dataclasses import asdict

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.emergency.engine.triage import Answers, Decision, Discipline, triage
from safercity.emergency.models import Call

TRIAGE_ROLES = (Role.CALL_TAKER, Role.SUPERVISOR_911, Role.ADMINISTRATOR)


@requires(*TRIAGE_ROLES)
@transaction.atomic
def call_triage(
    *,
    actor: Actor,
    call: Call,
    call_type: str,
    answers: Answers,
    description: str = "",
    override: tuple[Discipline, ...] | None = None,
    override_reason: str = "",
) -> Decision:
    decision = triage(call_type, answers)
    reasons = list(decision.reasons)
    disciplines = decision.disciplines
    if override is not None:
        if not override_reason.strip():
            raise ValueError("changing who goes needs a reason")
        disciplines = override
        reasons.append(f"changed by {actor_label(actor)}: {override_reason.strip()}")
    call = Call.objects.select_for_update().get(pk=call.pk)
    call.call_type = decision.call_type
    call.priority_code = decision.priority
    call.disciplines = [str(d) for d in disciplines]
    call.clinician_eligible = decision.clinician_eligible
    call.triage_reasons = reasons
    call.triage_answers = asdict(answers)
    call.triaged_at = timezone.now()
    call.triaged_by = actor_label(actor)
    if decision.transfer_311 and override is None and apps.is_installed("safercity.service311"):
        from safercity.service311.services import transfer_from_911

        request = transfer_from_911(
            actor=actor,
            call_reference=call.call_id,
            service_code=decision.transfer_311,
            description=description or decision.call_type,
            lat=call.lat,
            long=call.lon,
            address_string=call.ali,
            caller_phone=call.ani,
            caller_language=call.language,
        )
        call.service_request_id = request.pk
    call.save()
    audit_write(
        actor=actor,
        action="emergency.call.triage",
        obj=call,
        detail={"call_type": call_type, "disciplines": call.disciplines},
    )
    return Decision(
        decision.call_type,
        decision.priority,
        disciplines,
        decision.clinician_eligible,
        decision.transfer_311,
        reasons,
    )
