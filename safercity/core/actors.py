"""Who does a thing: a signed-in user, or the system acting for a named command or task."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class SystemActor:
    """An operator-run command or a background task. Commands need shell access to the server."""

    name: str

    def __str__(self) -> str:
        return f"system:{self.name}"


Actor = AbstractBaseUser | AnonymousUser | SystemActor


def actor_label(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return str(actor)
    if not actor.is_authenticated:
        return "anonymous"
    return actor.get_username()
