"""Spanish everywhere the public reads: every public page of the demo city (its services,
departments, notices, scorecard and crime pages included) rendered with Spanish chosen, failing
on any text that is still a catalog string in English."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib
import pytest

from tests.access import NOT_FOLLOWED, page_kind, seeds

CATALOG = Path(__file__).resolve().parent.parent / "safercity/locale/es/LC_MESSAGES/django.po"
READ_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
LIMIT = 150


class _Reader(HTMLParser):
    """The text a visitor reads or hears (text, labels, button values) and the page's links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skipping += 1
        found = dict(attrs)
        self.texts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
            self.texts.append(found["value"] or "")
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.texts.append(data)


def _english() -> set[str]:
    """Catalog strings whose Spanish differs from the English, as they read once rendered."""
    english = set()
    for entry in polib.pofile(str(CATALOG)):
        if not entry.msgstr or entry.msgstr == entry.msgid or "%(" in entry.msgid:
            continue
        words = _plain(entry.msgid)
        if "{" not in words and re.search(r"[A-Za-z]{3}", words):
            english.add(words)
    return english


def _plain(text: str) -> str:
    """Text as compared: spaces collapsed, and the punctuation pages put around a catalog
    string ("Closed on time: 91%", "(too recent to tell)") left off."""
    return " ".join(text.split()).strip(" :;,.()—*←")


def _untranslated(html: str, english: set[str]) -> tuple[set[str], list[str]]:
    reader = _Reader()
    reader.feed(html)
    shown = {_plain(text) for text in reader.texts}
    return shown & english, reader.links


@pytest.fixture
def resident_pages(demo_history) -> list[str]:
    """Pages linked from nowhere public: a resident's own status page."""
    from safercity.service311.models import ServiceRequest

    item = ServiceRequest.objects.exclude(lat=None).order_by("pk").first()
    assert item is not None
    return [f"/311/requests/{item.token}/"]


@pytest.mark.django_db
def test_every_public_page_reads_in_spanish(client, settings, resident_pages):
    english = _english()
    assert len(english) > 200, "the Spanish catalog is missing"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    queue = ["/", *resident_pages, *[path for path in seeds("/") if not path.startswith("/staff")]]
    seen: set[str] = set()
    found: dict[str, set[str]] = {}
    while queue and len(seen) < LIMIT:
        path = queue.pop(0)
        if page_kind(urlsplit(path).path) in seen:
            continue
        seen.add(page_kind(urlsplit(path).path))
        answer = client.get(path)
        if answer.status_code in (301, 302, 405) or "text/html" not in answer["Content-Type"]:
            continue
        assert answer.status_code == 200, f"{path} answered {answer.status_code}"
        html = answer.content.decode()
        if not html.lstrip().lower().startswith("<!doctype html"):
            continue  # a fragment for htmx
        assert 'lang="es"' in html, path
        left, links = _untranslated(html, english)
        if left:
            found[path] = left
        for href in links:
            url = urlsplit(urldefrag(href)[0])
            if url.netloc or not url.path.startswith("/") or url.path.startswith(NOT_FOLLOWED):
                continue
            if "." in url.path.rsplit("/", 1)[-1] or url.path.startswith("/staff"):
                continue
            if page_kind(url.path) not in seen:
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    assert len(seen) >= 15, f"the crawl reached only {sorted(seen)}"
    report = "\n".join(f"{path}: {sorted(words)[:12]}" for path, words in found.items())
    assert not found, "English under lang=es:\n" + report
