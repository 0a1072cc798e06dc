"""The map and the dashboard in Chromium: layers drawn without tiles, the layer control, tooltips
as text, a drawn area saved and mapped, and the dashboard for a postcode district."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from playwright.sync_api import expect

from lantern.demo.world import ANCHOR
from lantern.intel.models import Event
from lantern.intel.services import Actor
from lantern.picture.models import Area
from lantern.risk.services import risk_recompute

from .test_triage import _sign_in

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x class="injected"> <b class="injected">bold</b> seen at the flat'
# Opens (or closes) every point's and cell's tooltip; the district labels are permanent ones.
TOOLTIPS = """() => { const map = document.querySelector('.area-map').lanternMap;
  map.eachLayer(l => { const t = l.getTooltip && l.getTooltip();
                       if (t && !t.options.permanent) { l.VERBTooltip(); } }); }"""
DRAWN = re.compile(r'^\{"type":"Polygon","coordinates":\[\[\[')
OVERLAYS = (
    "Postcode districts (approximate)",
    "Reports (",
    "Incidents (",
    "Sightings (",
    "Harm hotspots (H3 cells) (",
    "Premises by risk (",
    "Order zones in force (",
    "Breach alerts (",
)


def _serious(violations: list[dict]) -> list[str]:
    return [v["id"] for v in violations if v["impact"] in ("serious", "critical")]


def test_the_map_draws_its_layers_without_tiles_and_the_dashboard_a_district(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    risk_recompute(actor=Actor(via="tests"), as_of=datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC))
    report = (
        Event.objects.filter(kind="report", location__latitude__isnull=False)
        .order_by("-occurred_from")
        .first()
    )
    Event.objects.filter(pk=report.pk).update(summary=HOSTILE)  # put back once the tooltips are checked
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("analyst", "analyst-map"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", name="Map", level=1)).to_be_visible()
    expect(page.locator(".picture-scope")).to_contain_text("1 Nov 2025 to 31 Oct 2026")
    area_map = page.locator(".area-map")
    expect(area_map.locator("path.map-point-report").first).to_be_attached()
    assert area_map.locator("path.map-point-report").count() >= 20
    assert area_map.locator("path.map-point-premises").count() >= 1
    assert area_map.locator("path.map-cell").count() >= 5
    assert area_map.locator("path.map-zone").count() >= 1
    # no tiles configured: the district outlines are the base, labelled
    assert area_map.locator(".leaflet-tile").count() == 0
    assert area_map.locator("path.map-district").count() >= 30
    expect(area_map.locator(".district-label", has_text="PE1").first).to_be_visible()
    labels = area_map.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    for overlay in OVERLAYS:
        assert any(label.strip().startswith(overlay) for label in labels), (overlay, labels)

    # switching a layer off in the control takes its points off the map
    area_map.locator(".leaflet-control-layers-overlays label", has_text="Reports (").locator(
        "input"
    ).uncheck()
    expect(area_map.locator("path.map-point-report")).to_have_count(0)
    area_map.locator(".leaflet-control-layers-overlays label", has_text="Reports (").locator("input").check()
    expect(area_map.locator("path.map-point-report").first).to_be_attached()

    # a summary written as markup shows as the words typed
    page.evaluate(TOOLTIPS.replace("VERB", "open"))
    expect(page.locator(".leaflet-tooltip", has_text="seen at the flat").first).to_be_attached()
    assert page.locator(".area-map .injected").count() == 0
    page.evaluate(TOOLTIPS.replace("VERB", "close"))
    Event.objects.filter(pk=report.pk).update(summary=report.summary)
    page.reload()
    expect(area_map.locator("path.map-point-report").first).to_be_attached()
    expect(page.get_by_role("table").first).to_contain_text("Summary")
    screenshot("area-map")
    assert _serious(axe_violations()) == []

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.get_by_label("Area", exact=True).select_option(label="Postcode district PE1")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".picture-scope")).to_contain_text("Postcode district PE1")
    expect(
        page.get_by_role("img", name="Reports and incidents by month, Postcode district PE1")
    ).to_be_visible()
    expect(page.get_by_role("img", name="Incident harm by month, Postcode district PE1")).to_be_visible()
    heat = page.get_by_role(
        "img", name="Reports and incidents by day of week and hour (UK time), Postcode district PE1"
    )
    expect(heat).to_be_visible()
    box = heat.bounding_box()
    assert box and box["width"] > 300
    expect(page.locator(".totals .total-reports .count")).not_to_have_text("0")
    expect(page.get_by_role("link", name="Safeguarding tasks open")).to_be_visible()
    screenshot("dashboard")
    assert _serious(axe_violations()) == []
    assert errors == []


def test_an_area_drawn_on_the_map_is_saved_and_mapped(
    live_server, demo_world, make_user, page, axe_violations
):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("officer", "officer-draw"))
    page.goto(f"{live_server.url}/picture/areas/new/")
    expect(page.get_by_role("heading", name="New area", level=1)).to_be_visible()
    drawing = page.locator(".area-map")
    expect(drawing.locator("path.map-district").first).to_be_attached()
    assert _serious(axe_violations()) == []
    box = drawing.bounding_box()
    for dx, dy in ((0.4, 0.4), (0.6, 0.4), (0.6, 0.6), (0.4, 0.6)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    expect(page.get_by_label("Outline (GeoJSON)")).to_have_value(DRAWN)
    page.get_by_label("Name", exact=True).fill("Drawn in the browser")
    page.get_by_role("button", name="Save the area").click()

    expect(page.get_by_role("heading", name="Map", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Drawn in the browser")
    expect(page.locator(".area-map path.map-boundary")).to_have_count(1)
    area = Area.objects.get(name="Drawn in the browser")
    assert area.kind == "polygon" and len(area.geojson["coordinates"][0]) == 5
    assert errors == []
