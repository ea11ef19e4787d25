"""`check --deploy` items of our own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning


def audit_key(**_: Any) -> list[CheckMessage]:
    if len(str(settings.SAFERCITY_AUDIT_KEY)) >= 32:
        return []
    return [
        Warning(
            "SAFERCITY_AUDIT_KEY is unset or shorter than 32 characters: the audit log gets no "
            "signed checkpoints, so a cut, wiped or rewritten log cannot be detected.",
            hint="Set a long random SAFERCITY_AUDIT_KEY, kept outside the database.",
            id="safercity.W001",
        )
    ]
