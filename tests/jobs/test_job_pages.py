"""Starting the real kinds of job from /jobs/ on the demo world, and who may see and download what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lantern.governance.models import AuditEntry
from lantern.jobs.models import Job
from lantern.orders.models import ScreeningRun
from lantern.risk.models import RiskRun

pytestmark = pytest.mark.django_db


def _start(client, kind: str, data: dict) -> Job:
    response = client.post(reverse("jobs:new", args=[kind]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def test_the_jobs_page_offers_what_the_role_may_start(client_for):
    page = client_for("analyst").get(reverse("jobs:list")).content.decode()
    for label in ("Screen evidence against orders", "Resolve people and places", "Recompute risk"):
        assert label in page
    assert "Import a file" not in page  # imports start from the Imports page, which maps columns


def test_officers_and_partners_have_no_jobs_page(client_for):
    assert client_for("officer").get(reverse("jobs:list")).status_code == 403
    assert client_for("partner").get(reverse("jobs:list")).status_code == 403


def test_screening_by_days_is_one_step_a_day(demo_world, client_for):
    job = _start(
        client_for("analyst"), "screen", {"since": "2026-10-01", "until": "2026-10-04", "engine": "duckdb"}
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED, job.error
    assert job.steps_done == ["day 2026-10-01", "day 2026-10-02", "day 2026-10-03"]
    assert ScreeningRun.objects.filter(status="finished").count() == 3
    assert "reads" in job.result["summary"] and job.result["url"] == reverse("orders:alerts")


def test_a_bad_screening_form_says_what_to_fix(client_for):
    response = client_for("analyst").post(
        reverse("jobs:new", args=["screen"]),
        {"since": "2026-10-04", "until": "2026-10-01", "engine": "duckdb"},
    )
    assert response.status_code == 400
    assert "swap the dates" in response.content.decode()
    assert not Job.objects.exists()


def test_a_risk_run_as_a_job(demo_world, client_for):
    job = _start(client_for("supervisor"), "risk", {})
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED, job.error
    assert RiskRun.objects.filter(status=RiskRun.Status.DONE).exists()
    assert "subjects scored" in job.result["summary"]
    page = client_for("supervisor").get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Finished" in page and "subjects scored" in page


def test_a_profile_job_is_downloaded_only_by_who_started_it(demo_world, client_for, client, users):
    job = _start(
        client_for("analyst"),
        "profile",
        {"area": "all", "first_day": "2026-08-01", "last_day": "2026-10-31", "title": ""},
    )
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED, job.error
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AuditEntry.objects.filter(object_type="job", object_id=str(job.pk), action="export").exists()

    other = client_for("supervisor")
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 200  # the team sees the job
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404  # not the file


def test_cancel_and_resume_are_posts_with_clear_refusals(demo_world, client_for):
    client = client_for("analyst")
    job = _start(client, "risk", {})
    assert "Resume" not in client.get(reverse("jobs:cancel", args=[job.pk])).content.decode()
    response = client.post(reverse("jobs:cancel", args=[job.pk]))
    assert response.status_code == 409
    assert "nothing to cancel" in response.content.decode()
    assert client.post(reverse("jobs:resume", args=[job.pk])).status_code == 409


def test_unknown_kinds_and_jobs_are_not_found(client_for):
    client = client_for("analyst")
    assert client.get(reverse("jobs:new", args=["import"])).status_code == 404
    assert client.get(reverse("jobs:new", args=["rm-rf"])).status_code == 404
    assert (
        client.get(reverse("jobs:detail", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    )
