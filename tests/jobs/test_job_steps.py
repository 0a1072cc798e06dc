"""The job machinery on a kind made for the test: steps kept across attempts, progress and the time
left, cancellation at the next report, resuming, and taking back a job whose worker stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lantern.governance.models import AuditEntry
from lantern.governance.roles import Capability
from lantern.jobs import registry
from lantern.jobs.context import seconds_left, time_left_text
from lantern.jobs.models import Job
from lantern.jobs.registry import JobFailed, JobKind, JobResult
from lantern.jobs.runner import run_job
from lantern.jobs.services import JobError, job_cancel, job_resume, job_start, jobs_recover

CALLS: list[str] = []


def _counting(ctx) -> JobResult:
    """Three steps; the second fails on the first attempt when the job asks for it."""
    ctx.stage("Counting", total=3)
    for n, name in enumerate(["one", "two", "three"]):
        ctx.step(name, lambda name=name: _do(ctx, name))
        ctx.progress(n + 1, 3)
    return JobResult(f"counted {ctx.job.state['one']}+{ctx.job.state['two']}+{ctx.job.state['three']}")


def _do(ctx, name: str) -> int:
    CALLS.append(name)
    if name == "two" and ctx.params.get("fail_once") and CALLS.count("two") == 1:
        raise ValueError("the source file is unreadable")
    if name == "two" and ctx.params.get("refuse"):
        raise JobFailed("The file has no header row: add one and start the job again.")
    if name == "two" and ctx.params.get("cancel_in_two"):
        Job.objects.filter(pk=ctx.job.pk).update(status=Job.Status.CANCELLING)
    return len(name)


@pytest.fixture
def counting():
    CALLS.clear()
    kind = registry.register(
        JobKind(name="test-count", label="Count", capability=Capability.RUN_JOBS, run=_counting)
    )
    yield kind
    del registry.KINDS[kind.name]


def test_a_job_runs_its_steps_and_says_what_it_did(db, counting, users):
    job = job_start("test-count", {}, user=users["analyst"])
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED
    assert job.result["summary"] == "counted 3+3+5"
    assert job.steps_done == ["one", "two", "three"] and CALLS == ["one", "two", "three"]
    assert (job.done, job.total, job.percent) == (3, 3, 100)
    assert AuditEntry.objects.filter(object_type="job", object_id=str(job.pk)).exists()


def test_a_failed_job_resumes_without_redoing_finished_steps(db, counting, users):
    job = job_start("test-count", {"fail_once": True}, user=users["analyst"])
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "ValueError: the source file is unreadable" in job.error
    assert job.steps_done == ["one"]

    job_resume(job, user=users["analyst"])
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED, job.error
    assert CALLS == ["one", "two", "two", "three"]  # "one" was not done again
    assert job.attempts == 2


def test_a_refusal_is_shown_in_its_own_words_and_a_crash_with_its_kind(db, counting, users):
    crashed = job_start("test-count", {"fail_once": True}, user=users["analyst"])
    refused = job_start("test-count", {"refuse": True}, user=users["analyst"])
    refused.refresh_from_db()
    crashed.refresh_from_db()
    assert refused.error == "The file has no header row: add one and start the job again."
    assert crashed.error == "ValueError: the source file is unreadable"


def test_cancel_stops_at_the_next_report_and_resume_goes_on(db, counting, users):
    job = job_start("test-count", {"cancel_in_two": True}, user=users["analyst"])
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.steps_done == ["one", "two"]  # the step under way finished; nothing after it ran
    with pytest.raises(JobError, match="nothing to cancel"):
        job_cancel(job, user=users["analyst"])

    job.params = {}
    job.save(update_fields=["params"])
    job_resume(job, user=users["analyst"])
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED
    assert CALLS == ["one", "two", "three"]


def test_a_queued_job_cancelled_never_runs(db, counting, users):
    job = Job.objects.create(kind="test-count", title="Count", created_by=users["analyst"])
    job_cancel(job, user=users["analyst"])
    assert run_job(str(job.pk)) == "skipped"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and CALLS == []
    with pytest.raises(JobError, match="only a failed or cancelled job"):
        job_resume(Job.objects.create(kind="test-count", title="Count"), user=users["analyst"])


def test_time_left_is_measured_from_the_stage_speed(db):
    now = timezone.now()
    job = Job(status="running", total=1000, done=250, rate_from=50, rate_since=now - timedelta(seconds=20))
    assert seconds_left(job, now) == pytest.approx(75)  # 200 rows in 20 s: 750 rows to go
    job.status = Job.Status.CANCELLED
    assert seconds_left(job, now) is None
    assert seconds_left(Job(status="running", total=0, done=5, rate_since=now), now) is None
    assert (
        seconds_left(Job(status="running", total=10, done=10, rate_since=now - timedelta(seconds=20)), now)
        is None
    )
    assert [time_left_text(s) for s in (None, 7.2, 43, 75, 1790, 7800)] == [
        "",
        "about 7 s",
        "about 45 s",
        "about 75 s",
        "about 30 min",
        "about 2 h 10 min",
    ]


def test_a_job_whose_worker_stopped_beating_is_queued_again_then_given_up(db, counting, settings):
    settings.LANTERN_JOB_MAX_ATTEMPTS = 2
    old = timezone.now() - timedelta(seconds=settings.LANTERN_JOB_STALE_S + 5)
    job = Job.objects.create(
        kind="test-count",
        title="Count",
        status=Job.Status.RUNNING,
        heartbeat_at=old,
        attempts=1,
        worker="h:1",
    )
    fresh = Job.objects.create(
        kind="test-count", title="Busy", status=Job.Status.RUNNING, heartbeat_at=timezone.now(), attempts=1
    )
    settings.LANTERN_JOBS_INLINE = True
    assert jobs_recover() == [str(job.pk)]
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Job.Status.FINISHED and job.attempts == 2  # ran again, inline here
    assert fresh.status == Job.Status.RUNNING

    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=old)
    assert jobs_recover() == []
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped 2 times" in job.error
