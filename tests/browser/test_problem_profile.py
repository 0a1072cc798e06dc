"""An analyst builds a problem profile for a postcode district in Chromium, reads it and writes the
assessment; the map and charts are drawn on the page without a script or a tile."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from playwright.sync_api import expect

from lantern.demo.world import ANCHOR
from lantern.intel.services import Actor
from lantern.risk.services import risk_recompute

from .test_triage import _sign_in

pytestmark = pytest.mark.browser
SECTIONS = (
    "Scope",
    "Key findings",
    "Hotspot map",
    "Trends",
    "Subjects",
    "Premises",
    "People at risk",
    "Orders and breaches",
    "Intelligence gaps",
    "Recommendations",
)


def test_an_analyst_builds_a_profile_of_a_district_and_writes_the_assessment(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    risk_recompute(actor=Actor(via="tests"), as_of=datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("analyst", "analyst-profile"))
    page.goto(f"{live_server.url}/profiles/")
    page.get_by_label("Title").fill("Red-light district, year to October 2026")
    page.get_by_label("Area").select_option(label="Postcode district PE1")
    page.get_by_label("From").fill("2025-11-01")
    page.get_by_label("To").fill("2026-10-31")
    page.get_by_role("button", name="Build the profile").click()

    expect(
        page.get_by_role("heading", name="Red-light district, year to October 2026", level=1)
    ).to_be_visible()
    for section in SECTIONS:
        expect(page.get_by_role("heading", name=section, level=2, exact=True)).to_be_visible()
    hotspot_map = page.get_by_role("img", name="Hotspots in Postcode district PE1")
    expect(hotspot_map).to_be_visible()
    box = hotspot_map.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    assert page.locator("svg.static-map polygon").count() > 0  # harm cells
    expect(page.get_by_role("img", name="Reports and incidents per month")).to_be_visible()
    expect(page.locator("ul li", has_text="intelligence reports and").first).to_be_visible()
    screenshot("problem-profile")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []

    page.get_by_role("textbox", name="Analyst's assessment").fill(
        "Exploitation is concentrated at two addresses off Lincoln Road."
    )
    page.get_by_role("textbox", name="Recommendations").fill(
        "Welfare visits to both addresses within 14 days."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The assessment and recommendations are saved.")).to_be_visible()
    expect(page.locator(".analyst-text").first).to_have_text(
        "Exploitation is concentrated at two addresses off Lincoln Road."
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert errors == []
