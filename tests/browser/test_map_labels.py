"""A public report written as markup shows on the map as the words typed, in Chromium."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from lantern.intel.models import IntelligenceReport

from .test_triage import _sign_in

pytestmark = pytest.mark.browser

HOSTILE = '<img src=x class="injected"> <b class="injected">bold</b> near PE1 1AA'


def test_map_tooltips_show_report_text_as_text(live_server, demo_world, make_user, page):
    cache.clear()
    page.goto(f"{live_server.url}/report/")
    page.get_by_label("What did you see or hear?").fill(HOSTILE)
    page.get_by_label("Date").fill("2026-10-03")
    page.get_by_label("Postcode").fill("pe1 2ab")
    page.get_by_label("No, I want to stay anonymous").check()
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("status")).to_contain_text("Your reference is")
    report = IntelligenceReport.objects.filter(source_type="public").order_by("-recorded_at").first()
    assert report is not None and report.location is not None, "the report should be placed on the map"
    _sign_in(page, live_server, make_user("analyst", "an-map-labels"))
    page.goto(f"{live_server.url}/events/{report.pk}/")
    expect(page.locator(".map .leaflet-interactive").first).to_be_attached()
    page.evaluate(
        """() => { const map = document.querySelector('.map').lanternMap;
                   map.eachLayer(l => { if (l.getTooltip && l.getTooltip()) { l.openTooltip(); } }); }"""
    )
    tooltip = page.locator(".leaflet-tooltip").first
    expect(tooltip).to_be_visible()
    assert page.locator(".leaflet-tooltip .injected").count() == 0
    assert "<b" in tooltip.inner_text() or "<img" in tooltip.inner_text()
