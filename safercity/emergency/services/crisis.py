"""Commitment 8's write: what came of a call eligible for a clinician (or sent to one)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safercity.core.actors import Actor, actor_label
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused, clean_text
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale
from safercity.emergency.models import Call, CrisisResponse

CRISIS_ROLES = (Role.CLINICIAN, Role.CALL_TAKER, Role.SUPERVISOR_911, Role.ADMINISTRATOR)


class CrisisInvalid(ValueError):
    """A crisis outcome that cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class CrisisIn:
    handled_by: str
    outcome: str = ""
    referred_to: str = ""
    backup_reason: str = ""
    no_clinician_reason: str = ""
    notes: str = ""

    def check(self) -> None:
        HandledBy, Outcome = CrisisResponse.HandledBy, CrisisResponse.Outcome
        if self.handled_by not in HandledBy.values:
            raise CrisisInvalid("say who handled the call")
        if self.outcome and self.outcome not in Outcome.values:
            raise CrisisInvalid(f"unknown outcome {self.outcome!r}")
        if self.handled_by == HandledBy.NONE:
            if self.no_clinician_reason not in CrisisResponse.NoClinician.values:
                raise CrisisInvalid("no clinician went: say why")
        else:
            if self.no_clinician_reason:
                raise CrisisInvalid("a clinician handled the call: leave 'why none' empty")
            if not self.outcome:
                raise CrisisInvalid("choose the outcome")
        if self.outcome == Outcome.REFERRED and not self.referred_to.strip():
            raise CrisisInvalid("referred: say to which service")
        if self.outcome == Outcome.POLICE_BACKUP and not self.backup_reason.strip():
            raise CrisisInvalid("police backup: say why it was needed")
        try:
            clean_text(self.referred_to, "referred_to", 200)
            clean_text(self.backup_reason, "backup_reason", 200)
            clean_text(self.notes, "notes", 4000)
        except InputRefused as refused:
            raise CrisisInvalid(str(refused)) from None


@requires(*CRISIS_ROLES)
@transaction.atomic
def crisis_record(*, actor: Actor, call: Call, record: CrisisIn) -> CrisisResponse:
    """Record (or correct) who handled the call and what came of it."""
    record.check()
    stored, _ = CrisisResponse.objects.update_or_create(
        call=call,
        defaults={
            "handled_by": record.handled_by,
            "outcome": record.outcome,
            "referred_to": record.referred_to.strip(),
            "backup_reason": record.backup_reason.strip(),
            "no_clinician_reason": record.no_clinician_reason,
            "notes": record.notes.strip(),
            "recorded_at": timezone.now(),
            "recorded_by": actor_label(actor),
        },
    )
    rollups_stale("crisis:monthly", "scorecard")
    audit_write(
        actor=actor,
        action="emergency.crisis.record",
        obj=call,
        detail={"handled_by": record.handled_by, "outcome": record.outcome},
    )
    return stored


def _counselor_takes(actor: Actor, call: Call) -> None:
    """A 911 diversion transfer to the crisis line: a counselor handles it, outcome to come.
    (Called by the desk's transfer, which has checked the actor.)"""
    CrisisResponse.objects.get_or_create(
        call=call,
        defaults={
            "handled_by": CrisisResponse.HandledBy.COUNSELOR,
            "recorded_at": timezone.now(),
            "recorded_by": actor_label(actor),
        },
    )
