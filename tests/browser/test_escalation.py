"""An analyst opens the escalating customer from the priorities list: the explanation, the chart of
severity over time and the evidence chronology are on his page, in Chromium."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from playwright.sync_api import expect

from lantern.demo.world import ANCHOR
from lantern.intel.services import Actor
from lantern.risk.services import risk_recompute

from .test_triage import _sign_in

pytestmark = pytest.mark.browser


def test_the_escalating_subjects_page_explains_and_charts_his_escalation(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    risk_recompute(actor=Actor(via="tests"), as_of=datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("analyst", "analyst-risk"))
    page.get_by_role("link", name="Priorities").click()
    expect(page.get_by_role("heading", name="Subjects: escalation and perpetrator priority")).to_be_visible()
    page.get_by_label("Rank by").select_option("escalation")
    page.get_by_role("button", name="Show").click()
    first = page.locator("table.ranked tbody tr").first
    expect(first).to_contain_text("Escalating")
    first.get_by_role("link").click()

    explanation = page.locator(".escalation-explanation")
    expect(explanation).to_contain_text("Escalating: severity rose")
    expect(explanation).to_contain_text("In order:")
    text = explanation.inner_text().split("In order:")[1]
    assert text.index("degrading request") < text.index("weapon produced")
    chart = page.get_by_role("img", name="Severity of incidents over time")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    dots = page.locator("svg.severity-chart circle.sev-dot")
    assert dots.count() >= 10
    expect(page.locator("svg.severity-chart line.sev-trend")).to_have_count(1)
    # the trend line rises: its right end is higher on the page (smaller y) than its left end
    y1, y2 = (float(page.locator("line.sev-trend").get_attribute(a)) for a in ("y1", "y2"))
    assert y2 < y1
    expect(page.get_by_role("link", name="Download the evidence chronology (CSV)")).to_be_visible()
    page.locator(".risk-subject").scroll_into_view_if_needed()
    screenshot("escalating-subject")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []
    assert errors == []


def test_an_officer_plans_a_welfare_visit_from_the_premises_list_and_reads_the_hotspots(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    risk_recompute(actor=Actor(via="tests"), as_of=datetime.combine(ANCHOR, time(23, 59), tzinfo=UTC))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, live_server, make_user("officer", "officer-risk"))
    page.get_by_role("link", name="Premises", exact=True).click()
    expect(page.get_by_role("heading", name="Premises at risk", level=1)).to_be_visible()
    first = page.locator("table.ranked tbody tr").first
    expect(first).to_contain_text("women linked")
    address = first.locator("td").nth(1).inner_text()
    screenshot("premises-at-risk")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []
    first.get_by_role("link", name="Plan a welfare visit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(address)
    page.get_by_label("What is to be done").fill("Welfare visit: women reported at the address")
    page.get_by_label("Due on").fill("2099-01-31")
    page.get_by_role("button", name="Record the task").click()
    expect(page.get_by_text("Welfare visit: women reported at the address").first).to_be_visible()

    page.get_by_role("link", name="Hotspots").click()
    expect(page.get_by_role("heading", name="Hotspots", level=1)).to_be_visible()
    cells = page.locator(".map path.leaflet-interactive")
    expect(cells.first).to_be_attached()
    assert cells.count() >= 5
    expect(
        page.get_by_role("table", name="Harm by day of week and hour this period; darker is more.")
    ).to_be_visible()
    assert page.locator("table.heat td[class^='heat-']:not(.heat-0)").count() >= 5
    screenshot("hotspots")
    assert [v["id"] for v in axe_violations() if v["impact"] in ("serious", "critical")] == []
    assert errors == []
