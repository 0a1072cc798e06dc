"""An officer signs in, finds the SRO subject by his VRM typed carelessly, and sees his timeline and order."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from lantern.engine.normalise import normalise_vrm

pytestmark = pytest.mark.browser


def _subject_vrm(world) -> str:
    order = world.orders[0]
    plate = next(v.vrm for v in world.vehicles if v.key == order.registered_vehicles[0])
    return normalise_vrm(plate).lower()  # "af10xkr": lower case, no spaces


def _subject_name(world) -> str:
    record = next(p for p in world.persons if p.key == world.orders[0].subject)
    return f"{record.given_names} {record.family_name.upper()}"


def test_officer_finds_the_subject_by_vrm(
    live_server, demo_world, make_user, page, screenshot, axe_violations
):
    officer = make_user("officer", "pc-browser")
    TOTPDevice.objects.filter(user=officer).delete()  # a new officer: enrols at the first sign-in
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(officer.plain_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    screenshot("two-factor-enrolment")
    assert axe_violations() == []
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    page.get_by_label("Six-digit code").fill("000000" if totp(key) != 0 else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("That code did not match")
    TOTPDevice.objects.get(user=officer).throttle_reset()  # as the wait after a wrong code would
    page.get_by_label("Six-digit code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_text("person records")).to_be_visible()
    screenshot("dashboard")
    assert axe_violations() == []

    vrm = _subject_vrm(demo_world)
    page.get_by_label("Search people, vehicles, phones, places").fill(vrm)
    page.get_by_role("button", name="Search", exact=True).first.click()
    # the first search of a session asks why, and records the answer with every search
    expect(page.get_by_role("alert").filter(has_text="Choose why you are searching")).to_be_visible()
    page.get_by_label("Why you are searching").select_option("investigation")
    page.locator("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("Results for"))).to_be_visible()
    plate = normalise_vrm(vrm)
    result = page.get_by_role("link", name=re.compile(rf"^{plate[:4]} {plate[4:]}$"))
    expect(result).to_be_visible()
    screenshot("search-results")
    assert axe_violations() == []

    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{plate[:4]} {plate[4:]}")
    page.get_by_role("link", name=_subject_name(demo_world)).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(_subject_name(demo_world))
    timeline = page.locator("table.timeline tbody tr")
    expect(timeline.first).to_be_visible()
    assert timeline.count() >= 3
    orders = page.locator("section", has=page.get_by_role("heading", name="Orders"))
    expect(orders.get_by_role("link", name=re.compile("Sexual Risk Order"))).to_be_visible()
    expect(orders).to_contain_text("19:00-07:00")
    screenshot("subject")
    assert axe_violations() == []


def test_sign_in_page_is_accessible_and_explains_a_failure(live_server, db, page, axe_violations):
    page.goto(live_server.url + "/accounts/login/")
    assert axe_violations() == []
    page.get_by_label("Username").fill("nobody")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("did not match")
    assert axe_violations() == []
