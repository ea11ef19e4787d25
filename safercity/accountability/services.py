from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from safercity.accountability.models import Parameter
from safercity.core.actors import Actor
from safercity.core.audit import audit_write
from safercity.core.permissions import requires
from safercity.core.roles import Role
from safercity.core.rollups import rollups_stale


@requires(Role.ADMINISTRATOR)
@transaction.atomic
def parameter_set(
    *, actor: Actor, key: str, value: Decimal, source: str, as_of: date, source_url: str = ""
) -> Parameter:
    """Change a sourced parameter. The source is required: no number without a citation."""
    if not source.strip():
        raise ValueError("a parameter needs its source")
    parameter = Parameter.objects.select_for_update().get(key=key)
    before = parameter.value
    parameter.value, parameter.source, parameter.as_of = value, source, as_of
    parameter.source_url = source_url or parameter.source_url
    parameter.save()
    audit_write(
        actor=actor,
        action="accountability.parameter.set",
        obj=parameter,
        detail={"key": key, "before": before, "after": value, "source": source},
    )
    rollups_stale("scorecard", "crime:dashboard")
    return parameter
