"""Setting up the floor: the positions call-takers sign in to and the units dispatchers send.
Supervisors keep them at /staff/911/setup/; every change is audited."""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction

from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.inputs import InputRefused, clean_text, finite
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.emergency.engine.triage import Discipline
from safercity.emergency.models import Position, Unit

SETUP_ROLES = (Role.SUPERVISOR_911, Role.ADMINISTRATOR)
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


class SetupInvalid(ValueError):
    """A position or unit that cannot be saved as given; the message says why."""


def _name(text: str, what: str, limit: int) -> str:
    try:
        value = clean_text(text, what, limit)
    except InputRefused as refused:
        raise SetupInvalid(str(refused)) from None
    if not value:
        raise SetupInvalid(f"{what} is required")
    return value


def _save_unique(record: Position | Unit, taken: str) -> None:
    """Save a record whose name must be unique; `taken` says so when it is not."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise SetupInvalid(taken) from None


@requires(*SETUP_ROLES)
@transaction.atomic
def position_save(
    *,
    actor: Actor,
    name: str,
    languages: list[str],
    handles_text: bool,
    is_backup: bool,
    position: Position | None = None,
) -> Position:
    """Add a position or change one (its agent state stays the call-taker's)."""
    name = _name(name, "the position's name", 64)
    codes = sorted({code.strip().lower() for code in languages if code.strip()} - {"en"})
    wrong = [code for code in codes if not LANGUAGE.match(code)]
    if wrong:
        raise SetupInvalid(f"languages are codes such as es or vi, not {wrong[0]!r}")
    target = position or Position()
    target.name, target.languages = name, codes
    target.handles_text, target.is_backup = handles_text, is_backup
    _save_unique(target, f"there is already a position called {name}")
    audit_write(
        actor=actor,
        action="emergency.position.save",
        obj=target,
        detail={"languages": codes, "text": handles_text, "backup": is_backup},
    )
    return target


@requires(*SETUP_ROLES)
@transaction.atomic
def unit_save(
    *,
    actor: Actor,
    call_sign: str,
    discipline: str,
    co_responder: bool = False,
    lat: float | None = None,
    lon: float | None = None,
    unit: Unit | None = None,
) -> Unit:
    """Add a unit (in service) or change one; where it is parked, if known."""
    call_sign = _name(call_sign, "the call sign", 20).upper()
    if discipline not in {d.value for d in Discipline}:
        kinds = ", ".join(d.value for d in Discipline)
        raise SetupInvalid(f"the discipline is one of {kinds}")
    if co_responder and discipline != Discipline.CLINICIAN:
        raise SetupInvalid("a co-responder team is a clinician unit (with an officer riding)")
    if (lat is None) != (lon is None):
        raise SetupInvalid("give both latitude and longitude, or neither")
    try:
        finite(lat, "latitude", -90, 90)
        finite(lon, "longitude", -180, 180)
    except InputRefused as refused:
        raise SetupInvalid(str(refused)) from None
    target = unit or Unit(status=Unit.Status.AVAILABLE)
    target.call_sign, target.discipline, target.co_responder = call_sign, discipline, co_responder
    if lat is not None:
        target.lat, target.lon = lat, lon
    _save_unique(target, f"there is already a unit {call_sign}")
    audit_write(
        actor=actor,
        action="emergency.unit.save",
        obj=target,
        detail={"discipline": discipline, "co_responder": co_responder},
    )
    return target
