"""An analyst opens the demo controller's link chart: his premises and the women at risk, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lantern.resolution.services import resolve_persons
from tests.resolution.test_pages import controller

from .test_triage import _sign_in

pytestmark = pytest.mark.browser


def test_the_controllers_chart_shows_his_premises_and_the_women_at_risk(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    resolve_persons(mode="full")
    start = controller(demo_world)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("analyst", "analyst-chart"))
    page.goto(f"{live_server.url}/people/{start.pk}/")
    page.get_by_role("link", name="Open on a link chart").click()
    expect(page.get_by_role("heading", name="Link chart", level=1)).to_be_visible()
    chart = page.locator("#chart")
    expect(chart.locator("canvas").first).to_be_visible()
    drawn = page.evaluate("() => document.getElementById('chart').lanternChart.nodes().length")
    listed = page.locator(".chart-entities li")
    assert drawn == listed.count() + page.locator(".timeline li[data-node]").count() > 10

    controllers = page.get_by_role("heading", name="Possible controllers")
    expect(controllers).to_be_visible()
    expect(page.locator(".controllers li").filter(has_text=start.label)).to_be_visible()
    premises = page.locator(".chart-entities li").filter(has=page.locator(".flag-premises"))
    at_risk = page.locator(".chart-entities li").filter(has=page.locator(".flag-risk"))
    assert premises.count() >= 2 and at_risk.count() >= 2
    # The canvas shows the controller's node drawn and styled as a possible controller.
    styled = page.evaluate(
        """(id) => { const n = document.getElementById('chart').lanternChart.nodes().filter(
               x => x.data('controller')); return n.length ? n[0].style('background-color') : null; }""",
        str(start.pk),
    )
    assert styled is not None
    screenshot("link-chart-controller")

    before = drawn
    first_woman = at_risk.first.get_attribute("data-node")
    page.evaluate(
        "(id) => document.getElementById('chart').lanternChart.getElementById(id).emit('tap')", first_woman
    )
    expect(page.get_by_role("status").filter(has_text="linked item(s) added")).to_be_visible()
    after = page.evaluate("() => document.getElementById('chart').lanternChart.nodes().length")
    assert after >= before
    assert "node=" + first_woman in page.locator("a[data-export='anx']").get_attribute("href")
    page.get_by_label("Chart name").fill("Hargreaves network")
    page.get_by_role("button", name="Save chart").click()
    expect(page.get_by_role("heading", name="Link chart: Hargreaves network", level=1)).to_be_visible()
    assert errors == []
    assert axe_violations() == []
