"""Who does a thing. Four kinds, and none of them may do anything by its kind alone:

- a signed-in user (Django's user): what their roles allow;
- a `PublicActor`: a resident using a public page (not signed in): only what is public;
- an `ApiClient`: a program holding a key: what the key's scopes allow;
- a `SystemActor`: a command or a background task: nothing, unless it says
  `skip_permission_checks=True` (as wagtail's actions do), and the audit entry then says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class SystemActor:
    """An operator-run command or a background task. Commands need shell access to the server."""

    name: str
    skip_permission_checks: bool = False

    def __str__(self) -> str:
        suffix = " (permission checks skipped)" if self.skip_permission_checks else ""
        return f"system:{self.name}{suffix}"


@dataclass(frozen=True)
class PublicActor:
    """A member of the public on a public page or form: no account, no roles."""

    channel: str = "web"

    def __str__(self) -> str:
        return f"public:{self.channel}"


@dataclass(frozen=True)
class ApiClient:
    """A program calling an API with a key; it may do what the key's scopes name."""

    name: str
    scopes: frozenset[str] = field(default_factory=frozenset)

    def __str__(self) -> str:
        return self.name


Actor = AbstractBaseUser | AnonymousUser | PublicActor | ApiClient | SystemActor


def command_actor(name: str) -> SystemActor:
    """The actor of an operator's command: it runs with shell access to the server, so it
    skips the checks, and every audit entry it writes says so."""
    return SystemActor(name, skip_permission_checks=True)


def actor_label(actor: Actor) -> str:
    if isinstance(actor, SystemActor | PublicActor | ApiClient):
        return str(actor)
    if not actor.is_authenticated:
        return "anonymous"
    return actor.get_username()
