"""A member of the public reports anonymously (with and without JavaScript), gets a reference, and an
analyst finds the report in triage, confirms the plate it names and grades it. axe-core checks
every form page a reporter sees."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from lantern.intake.models import Submission
from lantern.intel.models import EventLink, Vehicle
from tests.conftest import current_code

pytestmark = pytest.mark.browser
AXE = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "lantern"
    / "web"
    / "static"
    / "vendor"
    / "axe-core"
    / "axe.min.js"
)
WHAT = "Most nights men call at the flat above the shop, and a silver car {plate} waits outside."


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


def _fill_report(page, plate: str) -> None:
    page.get_by_label("What did you see or hear?").fill(WHAT.format(plate=plate))
    page.get_by_label("Date").fill("2026-10-03")
    page.get_by_label("Postcode").fill("pe1 2ab")
    page.get_by_label("Vehicle registrations").fill(plate)
    page.get_by_label("No, I want to stay anonymous").check()


def _reference(page) -> str:
    status = page.get_by_role("status")
    expect(status).to_contain_text("Your reference is")
    match = re.search(r"LAN-[0-9A-Z]{4}-[0-9A-Z]{4}", status.inner_text())
    assert match, status.inner_text()
    return match.group(0)


def test_a_public_report_with_javascript_reaches_triage(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    cache.clear()
    plate = "af10 xkr"  # the SRO subject's car, typed carelessly
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Reporting").get_by_role("link", name="Report a concern").click()
    expect(page.get_by_role("heading", name=re.compile("Report a concern"), level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("08000 121 700")
    screenshot("public-report-form")
    assert axe_violations() == []

    _fill_report(page, plate)
    page.get_by_role("button", name="Send the report").click()
    reference = _reference(page)
    screenshot("public-report-receipt")
    assert axe_violations() == []
    report = Submission.objects.get(reference=reference).report
    assert report.status == "new" and report.grade == "2CC"

    page.goto(live_server.url + "/report/safety/")
    expect(page.get_by_role("heading", name=re.compile("dangerous client"), level=1)).to_be_visible()
    screenshot("safety-report-form")
    assert axe_violations() == []

    analyst = make_user("analyst", "analyst-public-journey")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(analyst.username)
    page.get_by_label("Password").fill(analyst.plain_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(current_code(analyst))
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{live_server.url}/triage/?source_type=public")
    last = page.get_by_role("link", name="Last page (newest)")
    if last.count():
        last.click()
    page.get_by_role("link", name=re.compile(re.escape(reference))).click()
    vehicle = Vehicle.objects.get(vrm="AF10XKR")
    vrm_row = page.get_by_role("row", name=re.compile("vehicle registration", re.I))
    expect(vrm_row.get_by_role("link", name=vehicle.label, exact=True)).to_be_visible()
    vrm_row.get_by_role("button", name=re.compile("Confirm link")).click()
    expect(page.get_by_role("row", name=re.compile("vehicle registration", re.I))).to_contain_text(
        "Linked to the report"
    )
    page.get_by_label("Source evaluation").select_option("2")
    page.get_by_label("Intelligence assessment").select_option("B")
    page.get_by_label("Handling code").select_option("P")
    page.get_by_label("Handling conditions").fill("")
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_role("status")).to_contain_text("Graded 2BP.")
    assert EventLink.objects.filter(event_id=report.pk, entity_id=vehicle.pk, role="vehicle_used").exists()
    report.refresh_from_db()
    assert report.grade == "2BP"


def test_a_public_report_without_javascript(live_server, demo_world, browser):
    cache.clear()
    context = browser.new_context(java_script_enabled=False, locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/report/")
        page.get_by_role("button", name="Send the report").click()  # empty: the errors come back
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("What did you see or hear?")
        _fill_report(page, "ZZ51 ABC")
        page.get_by_role("button", name="Send the report").click()
        reference = _reference(page)
    finally:
        context.close()
    assert Submission.objects.get(reference=reference).report.text.startswith("Most nights")
