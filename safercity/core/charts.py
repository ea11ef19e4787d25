"""Charts as SVG, drawn on the server from Vega-Lite specs (works offline, no JavaScript)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import vl_convert
from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

T = TypeVar("T")
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

# Text large enough to read once the chart is scaled down to a phone's width (a 480-unit chart
# on a 360 px screen keeps 15-unit labels at about 11 px). A spec's own config wins.
READABLE: dict[str, Any] = {
    "font": "system-ui, sans-serif",
    "axis": {"labelFontSize": 15, "titleFontSize": 15},
    "legend": {"labelFontSize": 15, "titleFontSize": 15, "labelLimit": 320},
    "title": {"fontSize": 16},
}


# d3's number and date formats for each of the site's languages (US Spanish: "1,000", "ene").
D3_LOCALES: dict[str, Any] = {"en": "en-US", "es": "es-MX"}  # vl-convert names them


def svg(spec: dict[str, Any]) -> SafeString:
    """The chart in the active language: numbers and dates in its formats. Vega writes its own
    screen-reader descriptions in English only, so in another language they are left out and
    the page's caption describes the chart."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    config = READABLE if language == "en" else {**READABLE, "aria": False}
    drawn: str = vl_convert.vegalite_to_svg(
        {"$schema": SCHEMA, "config": config, **spec},
        format_locale=D3_LOCALES.get(language, "en-US"),
        time_format_locale=D3_LOCALES.get(language, "en-US"),
    )
    return mark_safe(drawn)  # noqa: S308 - drawn by vl-convert from our own numbers


def in_each_language(compute: Callable[[], T]) -> dict[str, T]:
    """`compute` once in each of the site's languages, for a snapshot that pages read with
    `in_language`."""
    found = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found[language] = compute()
    return found


def in_language(by_language: dict[str, T], missing: T) -> T:
    """What a snapshot holds for each of the site's languages, in the request's (or the
    default language's, or `missing` from a snapshot taken before it held languages)."""
    found = by_language.get(translation.get_language() or settings.LANGUAGE_CODE)
    return found if found is not None else by_language.get(settings.LANGUAGE_CODE, missing)
