"""An analyst records an order by drawing its zone on the map; an officer reviews a potential breach."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from lantern.demo.lake import write_reads
from lantern.intel.models import Person
from lantern.orders.models import BreachAlert, Order

from .test_triage import _sign_in

pytestmark = pytest.mark.browser


def test_analyst_draws_a_zone_and_records_an_order(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    subject = Person.objects.exclude(orders__isnull=False).first()
    _sign_in(page, live_server, make_user("analyst", "analyst-orders"))
    page.goto(f"{live_server.url}/orders/new/?subject={subject.pk}")
    expect(page.get_by_role("heading", name="Record an order", level=1)).to_be_visible()
    page.get_by_label("Reference").fill("DRAWN/SRO/1")
    page.get_by_label("Type").select_option("SRO")
    page.get_by_label("Applicant").fill("Cambridgeshire Constabulary")
    page.get_by_label("Court").fill("Peterborough Magistrates' Court")
    page.get_by_label("Made on").fill("2026-03-01")
    page.get_by_label("Effective from").fill("2026-03-01")
    page.get_by_label("Zone name").fill("Drawn red-light district")
    page.get_by_label("Times the zone applies").fill("19:00-07:00")
    page.get_by_label("Registered vehicles").fill("AB12 CDE from 2026-03-01")
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    drawing = page.locator(".zone-draw")
    drawing.scroll_into_view_if_needed()
    box = drawing.bounding_box()
    corners = [(0.35, 0.35), (0.65, 0.35), (0.65, 0.65), (0.35, 0.65)]
    for fx, fy in corners:  # clockwise on screen: the page turns it counter-clockwise, as RFC 7946 asks
        drawing.click(position={"x": box["width"] * fx, "y": box["height"] * fy})
    assert errors == []
    geojson = json.loads(page.get_by_label("Zone boundary (GeoJSON)").input_value())
    ring = geojson["coordinates"][0]
    assert geojson["type"] == "Polygon" and len(ring) == 5 and ring[0] == ring[-1]
    expect(drawing.locator("path.leaflet-interactive").first).to_be_visible()
    screenshot("order-draw-zone")
    assert axe_violations() == []

    page.get_by_role("button", name="Record the order").click()
    expect(page.get_by_role("heading", name="Sexual Risk Order DRAWN/SRO/1", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("recorded")
    expect(
        page.get_by_role("region", name="Map of the order's exclusion zones").locator(
            "path.leaflet-interactive"
        )
    ).to_have_count(1)
    expect(page.get_by_role("cell", name=re.compile("Drawn red-light district; 19:00-07:00"))).to_be_visible()
    screenshot("order-recorded")
    assert axe_violations() == []
    order = Order.objects.get(reference="DRAWN/SRO/1")
    assert order.conditions.get(number=1).spec["geojson"]["type"] == "Polygon"


def test_officer_reviews_a_potential_breach(
    live_server, demo_world, make_user, page, screenshot, axe_violations, settings, tmp_path
):
    settings.LAKE_DIR = tmp_path / "lake"
    write_reads(demo_world, settings.LAKE_DIR, days=30, reads_per_day=1_000)
    call_command("screen", stdout=io.StringIO(), stderr=io.StringIO())
    alert = BreachAlert.objects.order_by("-evidence_count", "first_at").first()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("officer", "officer-alerts"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Breach alerts").click()
    expect(page.get_by_role("heading", name="Breach alerts", level=1)).to_be_visible()
    page.locator(f"a[href='/orders/alerts/{alert.pk}/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(alert.order.reference)
    expect(page.locator(".explanation")).to_contain_text("registered to the subject")
    assert errors == []
    where = page.get_by_role("region", name="Map of the zone and the evidence")
    expect(where.locator("path.leaflet-interactive")).to_have_count(1 + alert.evidence_count)
    expect(page.get_by_role("table").last).to_contain_text(re.compile(r"(BST|GMT)"))
    screenshot("alert-evidence")
    assert axe_violations() == []

    page.get_by_label("Action").select_option("dismissed")
    page.get_by_role("button", name="Update the alert").click()
    expect(page.get_by_role("alert")).to_contain_text("say why the alert is dismissed")
    page.get_by_label("Action").select_option("actioned")
    page.get_by_label("Reason").fill("Breach file opened")
    page.get_by_role("button", name="Update the alert").click()
    expect(page.get_by_role("status")).to_contain_text("Alert updated")
    alert.refresh_from_db()
    assert alert.status == "actioned"
