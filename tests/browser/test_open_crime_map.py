"""An officer reads a year of data.police.uk crime: the map draws a circle per map point, in Chromium."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from lantern.context.importer import import_police_uk
from lantern.demo.police_uk import write_archive
from lantern.demo.world import ANCHOR

from .test_triage import _sign_in

pytestmark = pytest.mark.browser


def test_the_open_crime_page_maps_every_point_and_counts_by_type(
    live_server, make_user, page, screenshot, axe_violations, tmp_path
):
    archive = write_archive(tmp_path / "police-uk.zip", seed=1, anchor=ANCHOR)
    import_police_uk(archive.path, via="tests")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("officer", "officer-open-crime"))
    page.goto(f"{live_server.url}/context/crime/")
    expect(page.get_by_role("heading", name="Open crime data (data.police.uk)", level=1)).to_be_visible()
    expect(page.get_by_role("note", name="About this data")).to_contain_text("not intelligence")

    points = json.loads(page.locator(".map").get_attribute("data-points"))
    assert len(points) > 100
    markers = page.locator(".map path.leaflet-interactive")
    expect(markers).to_have_count(len(points))
    box = page.locator(".map").bounding_box()
    assert box and box["width"] > 300 and box["height"] > 200
    busiest = points[0]
    page.evaluate(
        """() => { const map = document.querySelector('.map').lanternMap;
                   let first = null;
                   map.eachLayer(l => { if (!first && l.getTooltip && l.getTooltip()) { first = l; } });
                   first.openTooltip(); }"""
    )
    expect(page.locator(".leaflet-tooltip").first).to_have_text(busiest["label"])

    types = page.get_by_role("table", name="Crimes by type, most first.")
    expect(types.locator("tbody tr").first).to_contain_text("Violence and sexual offences")
    page.get_by_label("Crime type", exact=True).select_option("Drugs")
    page.get_by_role("button", name="Show").click()
    expect(types.locator("tbody tr")).to_have_count(1)
    drugs = json.loads(page.locator(".map").get_attribute("data-points"))
    expect(page.locator(".map path.leaflet-interactive")).to_have_count(len(drugs))
    assert 0 < len(drugs) < len(points)

    page.goto(f"{live_server.url}/context/crime/")
    expect(markers).to_have_count(len(points))
    page.locator(".map").scroll_into_view_if_needed()
    screenshot("open-crime-map")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []
    assert errors == []
