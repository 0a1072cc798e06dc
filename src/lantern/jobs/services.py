"""Starting, cancelling and resuming jobs, and taking back the jobs of a worker that died.

Every change is audited. A job goes to the queue (django-tasks, database backend) for
`lantern worker`; inline (tests, LANTERN_JOBS_INLINE, or inside an open transaction, where another
connection could not see the job) it runs in the caller.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.jobs.models import Job
from lantern.jobs.registry import kind_of
from lantern.jobs.runner import run_job

log = logging.getLogger(__name__)


class JobError(Exception):
    """A request about a job that cannot be met, in words for the person who made it."""


def job_start(kind: str, params: dict, *, user=None, via: str = "") -> Job:
    spec = kind_of(kind)
    job = Job.objects.create(kind=spec.name, title=spec.title_for(params), params=params, created_by=user)
    _audit(job, user, via, f"started {job.title}")
    _dispatch(job)
    return job


def job_cancel(job: Job, *, user=None, via: str = "") -> Job:
    """A waiting job is cancelled at once; a running one stops at its next step or progress report."""
    waiting = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED, finished_at=timezone.now(), stage="Cancelled before it started."
    )
    running = waiting or Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        status=Job.Status.CANCELLING
    )
    if not running:
        raise JobError(f"This job is {job.get_status_display()}: there is nothing to cancel.")
    _audit(job, user, via, f"cancelled {job.title}")
    job.refresh_from_db()
    return job


def job_resume(job: Job, *, user=None, via: str = "") -> Job:
    """Queue a failed or cancelled job again: it skips the steps it finished."""
    if not Job.objects.filter(pk=job.pk, status__in=Job.RESUMABLE).update(
        status=Job.Status.QUEUED, finished_at=None, error="", stage="Waiting to resume."
    ):
        raise JobError(f"This job is {job.get_status_display()}: only a failed or cancelled job resumes.")
    _audit(job, user, via, f"resumed {job.title}")
    job.refresh_from_db()
    _dispatch(job)
    return job


def jobs_recover(*, stale_seconds: int | None = None) -> list[str]:
    """Queue again every running job whose worker stopped beating (killed, out of memory, machine
    gone). A job that has lost its worker MAX_ATTEMPTS times is failed instead: it may be what kills
    the worker. Safe with several workers: each job is taken back by one conditional update."""
    cutoff = timezone.now() - timedelta(seconds=stale_seconds or settings.LANTERN_JOB_STALE_S)
    stale = Job.objects.filter(
        status__in=(Job.Status.RUNNING, Job.Status.CANCELLING), heartbeat_at__lt=cutoff
    )
    requeued = []
    for job in stale:
        if job.status == Job.Status.CANCELLING or job.attempts >= settings.LANTERN_JOB_MAX_ATTEMPTS:
            status, note = _given_up(job)
            Job.objects.filter(pk=job.pk, heartbeat_at=job.heartbeat_at).update(
                status=status,
                stage=note,
                error=note if status == Job.Status.FAILED else "",
                finished_at=timezone.now(),
            )
            continue
        taken = Job.objects.filter(pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at).update(
            status=Job.Status.QUEUED, stage=f"Its worker ({job.worker}) stopped; waiting to resume."
        )
        if taken:
            log.warning("job %s lost its worker %s; queued again", job.pk, job.worker)
            _audit(job, None, "lantern worker", f"queued again after its worker stopped: {job.title}")
            _dispatch(job)
            requeued.append(str(job.pk))
    return requeued


def _given_up(job: Job) -> tuple[str, str]:
    if job.status == Job.Status.CANCELLING:
        return Job.Status.CANCELLED, "Cancelled (its worker stopped before it could)."
    return Job.Status.FAILED, (
        f"Its worker stopped {job.attempts} times while running it; resume it once the cause is found."
    )


def _dispatch(job: Job) -> None:
    if settings.LANTERN_JOBS_INLINE or connection.in_atomic_block:
        run_job(str(job.pk))
        return
    from lantern.jobs.tasks import run_job_task

    # Enqueue only once the job row is committed, or a fast worker might not find it.
    transaction.on_commit(lambda: run_job_task.enqueue(str(job.pk)))


def _audit(job: Job, user, via: str, summary: str) -> None:
    audit_record(
        user=user,
        action=AuditAction.UPDATE,
        object_type="job",
        object_id=str(job.pk),
        summary=summary[:300],
        path=via or "lantern",
        detail={"kind": job.kind},
    )
