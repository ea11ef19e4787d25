"""axe-core from the browser tests: the serious and critical violations on the page shown."""

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
