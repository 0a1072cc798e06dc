"""A long job started from the web: what it is, how far it has got, and what it has finished."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for a worker"
        RUNNING = "running", "running"
        CANCELLING = "cancelling", "stopping"
        CANCELLED = "cancelled", "cancelled"
        FAILED = "failed", "failed"
        FINISHED = "finished", "finished"

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.CANCELLING)
    RESUMABLE = (Status.CANCELLED, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, db_index=True)
    title = models.CharField(max_length=200)  # "Import persons.csv", "Screen reads since 1 Nov"
    params = models.JSONField(default=dict)  # plain values only: the kind's form, cleaned
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    stage = models.CharField(max_length=200, blank=True)  # what it is doing now, in words
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)  # 0: not known yet
    # The estimate of time left is measured from here: the stage's start, or this attempt's.
    rate_since = models.DateTimeField(null=True, blank=True)
    rate_from = models.BigIntegerField(default=0)
    steps_done = models.JSONField(default=list)  # finished steps: a resumed job never redoes them
    state = models.JSONField(default=dict)  # what finished steps returned, for the steps after them
    result = models.JSONField(default=dict)  # {"summary": "...", "url": "..."} once finished
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    worker = models.CharField(max_length=100, blank=True)  # host:pid that holds it
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_beat")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def resumable(self) -> bool:
        return self.status in self.RESUMABLE

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))


class WorkerBeat(models.Model):
    """A `lantern worker` process says it is alive every few seconds (readiness, the jobs page)."""

    name = models.CharField(max_length=100, unique=True)  # host:pid
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.name
