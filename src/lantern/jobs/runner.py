"""Running one job: claim it, run its kind's function with a context, record how it ended."""

from __future__ import annotations

import logging
import os
import socket

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lantern.jobs.context import Heartbeat, JobCancelled, JobContext
from lantern.jobs.models import Job
from lantern.jobs.registry import JobFailed, kind_of

log = logging.getLogger(__name__)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def run_job(job_id: str) -> str:
    """Run a queued job to its end; returns its final status. A job that is not queued (cancelled
    while waiting, or already taken by another worker) is left alone."""
    if not _claim(job_id):
        return "skipped"
    job = Job.objects.select_related("created_by").get(pk=job_id)
    ctx = JobContext(job)
    try:
        with Heartbeat(job.pk):
            result = kind_of(job).run(ctx)
    except JobCancelled:
        _end(job_id, Job.Status.CANCELLED, stage="Cancelled; finished steps are kept.")
    except Exception as exc:  # recorded on the job for the person who started it, and logged
        log.exception("job %s (%s) failed", job_id, job.kind)
        _end(job_id, Job.Status.FAILED, error=_said(exc))
    else:
        _end(job_id, Job.Status.FINISHED, result={"summary": result.summary, "url": result.url})
    return Job.objects.filter(pk=job_id).values_list("status", flat=True).first() or "gone"


def _claim(job_id: str) -> bool:
    now = timezone.now()
    with transaction.atomic():
        return bool(
            Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
                status=Job.Status.RUNNING,
                started_at=now,
                heartbeat_at=now,
                rate_since=now,
                rate_from=F("done"),
                attempts=F("attempts") + 1,
                worker=worker_name(),
                error="",
            )
        )


def _end(job_id: str, status: str, *, stage: str = "", error: str = "", result: dict | None = None) -> None:
    fields = {"status": status, "finished_at": timezone.now(), "error": error}
    if stage:
        fields["stage"] = stage
    if result is not None:
        fields["result"] = result
        fields["stage"] = "Finished"
    Job.objects.filter(pk=job_id).update(**fields)


def _said(exc: Exception) -> str:
    """A refusal as it was written for people; anything else with its class, for whoever looks into it."""
    text = str(exc).strip() or "no message"
    return (text if isinstance(exc, JobFailed) else f"{type(exc).__name__}: {text}")[:2000]
