"""Modules report their commitments' live figures here; the scorecard reads them.

A module registers a provider in its AppConfig.ready(). A commitment whose module is not
installed is shown as not built yet, plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from safercity.accountability.commitments import COMMITMENTS, Commitment


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    meets_target: bool | None  # None: no verdict (too little data, or no target for it)
    period: str = ""


Provider = Callable[[], list[Figure]]
_providers: dict[int, list[Provider]] = {}
_pages: dict[int, str] = {}
# The crime app tells the homicide goal this year's count so far: (target a year) -> JSON.
SoFarProvider = Callable[[int], dict[str, Any] | None]
_so_far: list[SoFarProvider] = []


def register_homicides_so_far(provider: SoFarProvider) -> None:
    _so_far[:] = [provider]


def homicides_so_far(target: int) -> dict[str, Any] | None:
    return _so_far[0](target) if _so_far else None


def register(commitment: int, provider: Provider) -> None:
    _providers.setdefault(commitment, []).append(provider)


def register_page(commitment: int, url_name: str) -> None:
    """A public page with the commitment's figures in detail (linked from the scorecard)."""
    _pages[commitment] = url_name


@dataclass(frozen=True)
class ScorecardRow:
    commitment: Commitment
    built: bool
    figures: list[Figure]
    page: str | None = None


def module_installed(label: str) -> bool:
    return any(config.label == label for config in apps.get_app_configs())


def scorecard(with_figures: bool = True) -> list[ScorecardRow]:
    """The ten commitments, with their live figures computed now (the rollup calls this;
    pages read the rollup's snapshot through `selectors.scorecard_view`)."""
    rows = []
    for commitment in COMMITMENTS:
        built = module_installed(commitment.module)
        figures = (
            [f for provider in _providers.get(commitment.number, []) for f in provider()]
            if built and with_figures
            else []
        )
        page = _pages.get(commitment.number) if built else None
        rows.append(ScorecardRow(commitment, built, figures, page))
    return rows
