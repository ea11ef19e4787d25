"""What the page crawls share (the pages to visit) and axe-core from the browser tests: the
serious and critical violations on the page shown."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe

FAILING = {"serious", "critical"}
_AXE = Axe()


def violations_on(page: Any) -> list[str]:
    """Run axe-core on the page as it is now; each failing rule with where it fails."""
    results = _AXE.run(page, options={"resultTypes": ["violations"]})
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] not in FAILING:
            continue
        where = "; ".join(
            " ".join(str(part) for part in node["target"]) for node in violation["nodes"][:3]
        )
        problems.append(f"{violation['impact']} {violation['id']} ({violation['help']}) at {where}")
    return problems


NOT_FOLLOWED = ("/staff/logout/", "/admin/", "/i18n/", "/media/", "/static/", "/api/", "/open311/")


def page_kind(path: str) -> str:
    """One page of each kind is enough: /311/requests/17/ and /311/requests/18/ are one kind."""
    return "/".join("#" if part.isdigit() or len(part) > 20 else part for part in path.split("/"))


def seeds(prefix: str) -> list[str]:
    """Every page address with no parameters under `prefix`, linked from somewhere or not."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, before=""):
        for pattern in patterns:
            route = before + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "^" not in route:
                yield "/" + route

    return [
        path
        for path in walk(get_resolver().url_patterns)
        if path.startswith(prefix)
        and not path.startswith(NOT_FOLLOWED)
        and "." not in path.rsplit("/", 1)[-1]
    ]
