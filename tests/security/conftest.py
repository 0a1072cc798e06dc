"""Shared helpers of the attack tests: payloads, the unescaped-markup check, and the URL walk."""

from __future__ import annotations

import json
import re
import uuid
from html.parser import HTMLParser

import pytest

from tests.governance.test_url_matrix import _lantern_patterns

# One string carrying every stored/reflected XSS probe the issue names.
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
PAYLOAD = f"{SCRIPT}{IMG}{JS_URL}//{TEMPLATE}"
PAYLOADS = [SCRIPT, IMG, JS_URL, TEMPLATE, f"'{IMG}", "</textarea><script>alert(1)</script>"]


class _Scanner(HTMLParser):
    """Reads a page as a browser would and notes every probe that would run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.script_type: str | None = None
        self.map_labels: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href", "data") and re.match(
                r"\s*javascript:", value, re.I
            ):
                self.found.append(f"<{tag} {name}={value[:60]!r}>")
            if name in ("data-points", "data-zones", "data-cells"):
                self.map_labels += _labels(value)
        if tag == "script":
            self.script_type = dict(attrs).get("type") or "text/javascript"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.script_type = None

    def handle_endtag(self, tag):
        if tag == "script":
            self.script_type = None

    def handle_data(self, data):
        if self.script_type is not None and "json" not in self.script_type and "alert(" in data:
            self.found.append(f"<script>{data[:80]}")


def _labels(value: str) -> list[str]:
    """The texts a map script shows in its tooltips (labels of points and cells, names of zones)."""
    try:
        items = json.loads(value or "[]")
    except ValueError:
        return []
    return [
        str(item.get(key))
        for item in items
        if isinstance(item, dict)
        for key in ("label", "name")
        if item.get(key)
    ]


def _scan(html: str) -> _Scanner:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner


def unsafe_markup(html: str) -> list[str]:
    """Every element or attribute on the page through which a probe would run (empty when escaped)."""
    return _scan(html).found


def map_tooltip_markup(html: str) -> list[str]:
    """Labels handed to the map script (Leaflet tooltips: a string is set as innerHTML) holding markup."""
    return [label for label in _scan(html).map_labels if re.search(r"<[a-z/!]", label, re.I)]


def tagged(tag: str, limit: int | None = None) -> str:
    """The payload prefixed with a field tag (to tell which fields were displayed), cut to a limit."""
    value = f"{tag}{PAYLOAD}"
    return value[:limit] if limit else value


def shown_escaped(html: str, tag: str) -> bool:
    """Whether the tagged payload appears on the page, escaped."""
    return f"{tag}&lt;script&gt;" in html or f"{tag}&lt;" in html


def get_patterns():
    """(name, pattern, view) of every Lantern URL (the URL matrix's enumeration)."""
    return list(_lantern_patterns())


def fill(pattern: str, pk) -> str:
    return "/" + pattern.replace("<uuid:pk>", str(pk)).replace("<slug:kind>", "risk")


def random_uuid() -> str:
    return str(uuid.uuid4())


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and lockouts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
