"""An analyst opens the escalating subject's profile from his person page, in Chromium: every
section, the marking, the severity chart, and a PDF to download for an order application."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.profiles.test_subject_profile import SECTIONS, prepare_robert

from .test_triage import _sign_in

pytestmark = pytest.mark.browser


def test_an_analyst_opens_the_subject_profile_from_the_person_page_and_downloads_the_pdf(
    live_server, demo_world, make_user, page, screenshot, axe_violations, tmp_path
):
    robert = prepare_robert(demo_world)  # his records resolved as one man, and scored
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("analyst", "analyst-subject-profile"))

    page.goto(f"{live_server.url}/people/{robert.pk}/")
    page.get_by_role("link", name="Subject profile page").click()
    expect(page.get_by_role("heading", name="Subject profile: Robert James ASHDOWN", level=1)).to_be_visible()
    expect(page.locator(".marking").first).to_have_text("OFFICIAL-SENSITIVE — handling code P")
    for heading in SECTIONS:
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.get_by_role("cell", name="Bob Ashdown", exact=True)).to_be_visible()
    expect(page.locator(".escalation-explanation")).to_contain_text("Escalating: severity rose")
    chart = page.get_by_role("img", name="Severity of incidents over time")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    screenshot("subject-profile")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("subject-profile-")
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    assert errors == []
