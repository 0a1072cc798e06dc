"""Headless Debian Chromium driven by Playwright against Django's live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
AXE = REPO / "src" / "lantern" / "web" / "static" / "vendor" / "axe-core" / "axe.min.js"
# Flags that keep Chromium from reaching for the internet at start (see ../shared/NOTES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _chromium() -> str:
    for candidate in (os.environ.get("LANTERN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail(
        "Chromium is not installed: run `make system-packages` (installs the Debian chromium package)."
    )


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django's live server runs in another,
    # so ORM calls made by the test itself are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", timezone_id="Europe/London"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # Every browser test also proves the Content Security Policy holds: Chromium reports each
    # blocked inline script or style on the console.
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    context.close()
    assert blocked == [], f"the page broke its Content Security Policy: {blocked[:3]}"


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def axe_violations(page):
    """Run axe-core (served locally by `make assets`) on the current page; return its violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make assets`.")

    def _check() -> list[dict]:
        # from Lantern's own static files: an inline copy would break the Content Security Policy
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=f"{origin}/static/vendor/axe-core/axe.min.js")
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return _check
