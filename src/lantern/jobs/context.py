"""What a running job's function gets: progress, cancellation, and steps that are never redone.

A job is a list of steps. `ctx.step(name, fn)` runs ``fn`` once: its (JSON) result is kept on the
job with the step's name, so after a failure, a cancellation or a dead worker, the resumed job
skips every finished step and carries on with the first unfinished one. Inside a step, work that
commits as it goes (an import's chunks) resumes by its own bookkeeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from lantern.intel.services.base import Actor
from lantern.jobs.models import Job

T = TypeVar("T")


class JobCancelled(Exception):
    """Raised at the next step or progress report after someone pressed Cancel."""


class JobContext:
    def __init__(self, job: Job) -> None:
        self.job = job
        self.actor = Actor(user=job.created_by, via=f"job {job.pk} ({job.kind})")
        self._last_write = 0.0

    @property
    def params(self) -> dict:
        return self.job.params

    @property
    def user(self):
        return self.job.created_by

    # ------------------------------------------------------------------ steps

    def step(self, name: str, fn: Callable[[], T]) -> T:
        """Run ``fn`` unless a previous attempt finished it; keep its result (JSON) for later steps."""
        if name in self.job.steps_done:
            return self.job.state.get(name)
        self.check_cancelled()
        value = fn()
        self.job.steps_done = [*self.job.steps_done, name]
        self.job.state = {**self.job.state, name: value}
        Job.objects.filter(pk=self.job.pk).update(steps_done=self.job.steps_done, state=self.job.state)
        return value

    def finished(self, name: str) -> bool:
        return name in self.job.steps_done

    # ------------------------------------------------------------------ progress

    def stage(self, text: str, *, total: int = 0, done: int = 0) -> None:
        """Start a new stage: its own count (from ``done`` when part was done before), and its own
        measure of speed for the estimate of time left."""
        now, done = timezone.now(), max(0, done)
        self.job.stage, self.job.done, self.job.total = text[:200], done, max(0, total)
        self.job.rate_since, self.job.rate_from = now, done
        self._write(stage=self.job.stage, done=done, total=self.job.total, rate_since=now, rate_from=done)
        self.check_cancelled()

    def progress(self, done: int, total: int | None = None) -> None:
        """Report how far the stage has got; written at most twice a second. Raises JobCancelled."""
        self.job.done = max(0, done)
        if total is not None:
            self.job.total = max(0, total)
        if time.monotonic() - self._last_write < 0.5 and self.job.done < self.job.total:
            return
        self._write(done=self.job.done, total=self.job.total)
        self.check_cancelled()

    def check_cancelled(self) -> None:
        status = Job.objects.filter(pk=self.job.pk).values_list("status", flat=True).first()
        if status in (Job.Status.CANCELLING, Job.Status.CANCELLED, None):
            raise JobCancelled()

    def _write(self, **fields: Any) -> None:
        self._last_write = time.monotonic()
        Job.objects.filter(pk=self.job.pk).update(heartbeat_at=timezone.now(), **fields)


class Heartbeat:
    """Beats for a running job from a thread of its own, so one long step (training a model) that
    reports nothing for minutes is not taken for a dead worker. Stops when the job's work does."""

    def __init__(self, job_id, *, every: float | None = None) -> None:
        self.job_id = job_id
        self.every = every or settings.LANTERN_JOB_HEARTBEAT_S
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-beat-{job_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        # A job run inside an open transaction (tests) cannot be seen from another connection.
        if not connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.every + 5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(self.every):
                Job.objects.filter(pk=self.job_id, status__in=Job.ACTIVE).update(heartbeat_at=timezone.now())
        finally:
            close_old_connections()
            connection.close()


def seconds_left(job: Job, now: datetime | None = None) -> float | None:
    """Time left at the stage's measured speed; None until there is enough to measure, or once
    the job is no longer running."""
    if (
        job.status != Job.Status.RUNNING
        or not job.total
        or job.done <= job.rate_from
        or job.rate_since is None
        or job.done >= job.total
    ):
        return None
    elapsed = ((now or timezone.now()) - job.rate_since).total_seconds()
    if elapsed < 1:
        return None
    rate = (job.done - job.rate_from) / elapsed
    return (job.total - job.done) / rate


def time_left_text(seconds: float | None) -> str:
    """ "about 40 s", "about 3 min", "about 2 h 10 min": rounded as a person would say it."""
    if seconds is None:
        return ""
    if seconds < 90:
        return f"about {max(1, round(seconds / 5) * 5 if seconds > 10 else round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"about {minutes} min"
    return f"about {minutes // 60} h {minutes % 60} min"
