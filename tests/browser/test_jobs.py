"""An analyst follows a long job: a progress bar with the time left, updated without reloading,
then the result; and cancels another, which then offers to resume."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lantern.jobs.models import Job
from tests.conftest import current_code

pytestmark = pytest.mark.browser


def _sign_in(page, live_server, user) -> None:
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(user.plain_password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Six-digit code").fill(current_code(user))
    page.get_by_role("button", name="Continue").click()


def _running(user, title: str) -> Job:
    now = timezone.now()
    return Job.objects.create(
        kind="screen",
        title=title,
        status=Job.Status.RUNNING,
        stage="Screening 10 day(s), one at a time",
        done=4,
        total=10,
        rate_since=now - timedelta(seconds=40),
        rate_from=0,
        heartbeat_at=now,
        created_by=user,
    )


def test_analyst_follows_a_job_and_cancels_another(
    live_server, db, make_user, page, screenshot, axe_violations
):
    analyst = make_user("analyst", "analyst-jobs")
    job = _running(analyst, "Screen 2026-10-01 to 2026-10-11 (duckdb)")
    other = _running(analyst, "Screen new evidence (duckdb)")
    _sign_in(page, live_server, analyst)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Jobs").click()
    expect(page.get_by_role("link", name="Screen evidence against orders")).to_be_visible()
    expect(page.get_by_role("progressbar").first).to_be_visible()
    assert axe_violations() == []

    page.get_by_role("link", name=job.title).click()
    expect(page.get_by_role("status")).to_contain_text("Running: Screening 10 day(s)")
    # 4 days in the first 40 s or so: about a minute for the other 6
    expect(page.get_by_text(re.compile(r"4 of 10 \(40%\); about (1 min|[5-9]\d s) left"))).to_be_visible()
    screenshot("job-progress")
    assert axe_violations() == []

    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FINISHED,
        done=10,
        stage="Finished",
        result={"summary": "1,200 reads screened: 3 hits, 1 new alert(s).", "url": "/orders/alerts/"},
    )
    expect(page.get_by_role("status")).to_contain_text("Finished", timeout=10_000)  # the poll, no reload
    expect(page.get_by_text("1 new alert(s)")).to_be_visible()
    expect(page.get_by_role("link", name="See the result")).to_have_attribute("href", "/orders/alerts/")
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)

    page.goto(f"{live_server.url}/jobs/{other.pk}/")
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("status")).to_contain_text("Stopping")
    Job.objects.filter(pk=other.pk).update(
        status=Job.Status.CANCELLED, stage="Cancelled; finished steps are kept."
    )
    expect(page.get_by_role("button", name="Resume")).to_be_visible(timeout=10_000)
    expect(page.get_by_text("left")).to_have_count(0)  # no time left for a job that is not running
    screenshot("job-cancelled")
