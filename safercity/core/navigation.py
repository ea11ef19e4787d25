"""The staff tools each app offers, for the staff home page. Each app registers its pages in
its `ready()`; who may open a page is read from the page's own `role_required`, so the home
page shows each person just what they may use and keeps no second list of roles."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import resolve, reverse

from safercity.core.actors import Actor
from safercity.core.roles import Role, has_role


@dataclass(frozen=True)
class StaffTool:
    group: str
    label: str
    url_name: str
    about: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)

    def roles(self) -> frozenset[Role]:
        view = resolve(self.url).func
        return getattr(view, "required_roles", frozenset())


TOOLS: list[StaffTool] = []


def register_tool(group: str, label: str, url_name: str, about: str = "") -> None:
    if all(tool.url_name != url_name for tool in TOOLS):
        TOOLS.append(StaffTool(group, label, url_name, about))


def tools_for(actor: Actor) -> dict[str, list[StaffTool]]:
    """The tools this person may open, by group, in the order the apps registered them."""
    grouped: dict[str, list[StaffTool]] = {}
    for tool in TOOLS:
        if has_role(actor, *tool.roles()):
            grouped.setdefault(tool.group, []).append(tool)
    return grouped
