"""Every service function says who may call it, with `@requires`, and the check runs inside the
service, before anything else: pages, APIs, commands and tasks all pass through it. Views keep
no copy of the rule; a page that only reads may ask `allows` to decide what to show.

`SERVICES` lists every guarded service and its rule, so a test can try every actor on each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied

from safercity.core.actors import Actor, ApiClient, PublicActor, SystemActor
from safercity.core.roles import Role, roles_of

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Rule:
    """Who may call one service: staff holding one of `roles`, an API client whose key has
    `scope`, and members of the public when `public` is set."""

    name: str
    roles: frozenset[Role]
    scope: str | None = None
    public: bool = False

    def describe(self) -> str:
        who = [role.label for role in sorted(self.roles)]
        if self.scope:
            who.append(f"an API key with the {self.scope!r} scope")
        if self.public:
            who.append("the public")
        return ", ".join(who) or "nobody but an operator's command"


def allows(rule: Rule, actor: Actor) -> bool:
    if isinstance(actor, SystemActor):
        return actor.skip_permission_checks
    if isinstance(actor, ApiClient):
        return rule.scope is not None and rule.scope in actor.scopes
    if isinstance(actor, PublicActor):
        return rule.public
    return bool(roles_of(actor) & rule.roles)


def require(actor: Actor, rule: Rule) -> None:
    if not allows(rule, actor):
        raise PermissionDenied(f"{rule.name} is for: {rule.describe()}.")


SERVICES: dict[str, tuple[Callable[..., object], Rule]] = {}


def requires(
    *roles: Role, scope: str | None = None, public: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Guard a service whose keyword argument `actor` is who is calling."""

    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        rule = Rule(
            name=f"{service.__module__}.{service.__qualname__}",
            roles=frozenset(roles),
            scope=scope,
            public=public,
        )

        @wraps(service)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = kwargs.get("actor")
            if actor is None:
                raise TypeError(f"{rule.name} needs actor= (who is calling)")
            require(actor, rule)  # type: ignore[arg-type]
            return service(*args, **kwargs)

        SERVICES[rule.name] = (checked, rule)
        return checked

    return decorate
