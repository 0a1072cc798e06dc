"""An analyst finds a public report in the triage queue, links the plate it mentions, and grades it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from lantern.intel import services
from lantern.intel.models import EventLink, IntelligenceReport, Vehicle
from lantern.intel.services import EventInput
from tests.conftest import current_code

pytestmark = pytest.mark.browser

SUMMARY = "Cars stopping by women on Lincoln Road"


def _public_report(vehicle: Vehicle, ref: str) -> IntelligenceReport:
    """A report shaped as the public form files one: public source, anonymous, provisional grade 2CC.

    Filed directly through the store's event service so its text is fixed; the journey through the
    public form itself is tests/browser/test_public_report.py.
    """
    source = services.source_ensure(code="public-web", name="Public report form", kind="public")
    plate = vehicle.label.lower()  # typed carelessly: "af10 xkr"
    return services.event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref=ref,
            occurred_from=datetime(2026, 3, 6, 22, 40, tzinfo=UTC),
            summary=SUMMARY,
            details={
                "text": f"Most nights a silver car {plate} stops by the women near the church; one gets in.",
                "sanitised_text": f"Most nights a silver car {plate} stops by women and one gets in.",
                "source_type": "public",
                "source_evaluation": "2",
                "intelligence_assessment": "C",
                "handling_code": "C",
                "handling_conditions": "Public report: not yet assessed",
            },
        )
    ).obj


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.plain_password)
    page.get_by_role("button", name="Sign in").click()
    if user.groups.exclude(name="partner").exists():  # staff: the one-time code from their app
        page.get_by_label("Six-digit code").fill(current_code(user))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()


def test_analyst_triages_a_public_report(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    vehicle = Vehicle.objects.get(vrm="AF10XKR")  # the demo's SRO subject's car
    report = _public_report(vehicle, "PUB-BROWSER-1")
    analyst = make_user("analyst", "analyst-browser")
    _sign_in(page, live_server, analyst)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    expect(page.get_by_role("heading", name="Triage queue", level=1)).to_be_visible()
    page.get_by_label("Report type").select_option("public")
    page.get_by_role("button", name="Filter").click()
    last = page.get_by_role("link", name="Last page (newest)")
    if last.count():
        last.click()
    row = page.get_by_role("row", name=re.compile(SUMMARY))
    expect(row).to_contain_text("2CC")
    expect(row).to_contain_text("1 found, 1 in the store")
    screenshot("triage-queue")
    assert axe_violations() == []

    row.get_by_role("link", name=re.compile(SUMMARY)).click()
    expect(page.get_by_role("heading", name=SUMMARY, level=1)).to_be_visible()
    expect(page.locator("mark.mention-vrm")).to_have_text(vehicle.label.lower())
    mentions = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name="In the store"))
    vrm_row = mentions.get_by_role("row", name=re.compile("vehicle registration", re.I))
    expect(vrm_row.get_by_role("link", name=vehicle.label, exact=True)).to_be_visible()
    screenshot("triage-detail")
    assert axe_violations() == []

    vrm_row.get_by_role("button", name=re.compile("Confirm link")).click()  # htmx swaps the row
    expect(page.locator(f"#{vrm_row.get_attribute('id') or 'x'}")).to_contain_text("Linked to the report")
    assert EventLink.objects.filter(event_id=report.pk, entity_id=vehicle.pk, role="vehicle_used").exists()

    page.get_by_label("Source evaluation").select_option("1")
    page.get_by_label("Intelligence assessment").select_option("B")
    page.get_by_label("Handling code").select_option("C")
    page.get_by_label("Handling conditions").fill("Not to be shared outside the force")
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_role("status")).to_contain_text("Graded 1BC.")
    screenshot("triage-graded")
    assert axe_violations() == []

    page.get_by_role("link", name="Open the report as others see it").click()
    links = page.locator("section", has=page.get_by_role("heading", name="Linked records"))
    expect(links.get_by_role("link", name=vehicle.label, exact=True)).to_be_visible()
    expect(page.get_by_text("1BC", exact=True)).to_be_visible()
    report.refresh_from_db()
    assert report.grade == "1BC"


def test_triage_works_without_javascript(live_server, demo_world, make_user, browser, axe_violations):
    vehicle = Vehicle.objects.get(vrm="AF10XKR")
    report = _public_report(vehicle, "PUB-BROWSER-NOJS")
    analyst = make_user("analyst", "analyst-nojs")
    context = browser.new_context(java_script_enabled=False, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    try:
        _sign_in(page, live_server, analyst)
        page.goto(f"{live_server.url}/triage/{report.pk}/")
        vrm_row = page.get_by_role("row", name=re.compile("vehicle registration", re.I))
        vrm_row.get_by_role("button", name=re.compile("Confirm link")).click()  # a plain POST, then back
        expect(page.get_by_role("status")).to_contain_text("linked to the report")
        expect(page.get_by_role("row", name=re.compile("vehicle registration", re.I))).to_contain_text(
            "Linked to the report"
        )
        page.get_by_label("Handling code").select_option("C")
        page.get_by_label("Handling conditions").fill("")
        page.get_by_role("button", name="Save the grade").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("handling code C needs the conditions written down")
        alert.get_by_role("link").first.click()
        expect(page.get_by_label("Handling conditions")).to_be_focused()
    finally:
        context.close()
    assert EventLink.objects.filter(event_id=report.pk, entity_id=vehicle.pk).exists()


def test_officer_logs_intelligence_with_a_5x5x5_grade(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    vehicle = Vehicle.objects.get(vrm="AF10XKR")
    officer = make_user("officer", "officer-log-browser")
    _sign_in(page, live_server, officer)
    page.get_by_role("link", name="Log intelligence").click()
    expect(page.get_by_role("heading", name="Log intelligence", level=1)).to_be_visible()
    assert axe_violations() == []

    page.get_by_label("When it happened").fill("2026-03-06T23:10")
    page.get_by_label("The information as received").fill("My neighbour at 12 saw af10 xkr pick up a woman")
    page.get_by_label("Sanitised text: what can be shared").fill(
        "A silver car picked up a woman on Lincoln Road"
    )
    page.get_by_label("Source details (restricted)").fill("Neighbour, 12 Example Street")
    page.get_by_label("Or a 5x5x5 grade").fill("B2 3")
    page.get_by_label("Link 1: record").fill("af10xkr")
    page.get_by_label("Link 1: role").select_option("vehicle_used")
    page.get_by_role("button", name="Save the entry").click()

    shown_back = page.get_by_role("status")
    expect(shown_back).to_contain_text("becomes 2AC in 3x5x2")
    expect(page.get_by_label("Handling code")).to_have_value("C")
    screenshot("log-5x5x5-shown-back")
    assert axe_violations() == []
    page.get_by_role("button", name="Save the entry").click()

    expect(page.get_by_role("heading", name="A silver car picked up a woman on Lincoln Road")).to_be_visible()
    expect(page.get_by_text("2AC", exact=True)).to_be_visible()
    links = page.locator("section", has=page.get_by_role("heading", name="Linked records"))
    expect(links.get_by_role("link", name=vehicle.label)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Neighbour, 12 Example Street")
