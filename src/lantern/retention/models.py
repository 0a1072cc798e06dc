"""Retention: when each record is next reviewed, and the tombstones of what was disposed of.

``ReviewSchedule`` holds no personal data (a kind, an id, a group, dates and the reviewer's
reason); it is deleted with its record. ``Disposal`` is the tombstone kept for good: what kind of
record, its old id, a keyed hash of its source reference (so a re-import of the same record can be
recognised without keeping who it was), who disposed of it, why, and counts of what went.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class RecordKind(models.TextChoices):
    PERSON = "person", "person"
    EVENT = "event", "event"


class ReviewSchedule(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "awaiting its first review"
        RETAINED = "retained", "retained at a review"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_kind = models.CharField(max_length=8, choices=RecordKind.choices)
    object_id = models.UUIDField(unique=True)  # the Person (Entity) or Event id
    group = models.CharField(max_length=8)  # a policy group code
    why = models.CharField(max_length=300)  # why the record is in its group
    policy_version = models.CharField(max_length=40)
    start_on = models.DateField()  # the date the review period counts from
    review_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_on", "created_at"]
        indexes = [models.Index(fields=["record_kind", "review_on"], name="retention_kind_due")]

    def __str__(self) -> str:
        return f"{self.record_kind} {self.object_id} review on {self.review_on}"


class Disposal(models.Model):
    """A tombstone: no name, no text of the record, nothing that identifies the person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record_kind = models.CharField(max_length=8, choices=RecordKind.choices)
    object_id = models.UUIDField(db_index=True)  # the disposed record's old id
    reference_hash = models.CharField(max_length=64, blank=True)  # HMAC of "source:record id"
    description = models.CharField(max_length=300)  # non-identifying: kind, source, group
    group = models.CharField(max_length=8, blank=True)
    reason = models.TextField()
    disposed_at = models.DateTimeField(auto_now_add=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disposed_by_username = models.CharField(max_length=150, blank=True)
    counts = models.JSONField(default=dict)  # what was deleted: rows per table, lake rows per kind
    audit_sequence = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-disposed_at"]

    def __str__(self) -> str:
        return f"disposal of {self.record_kind} {self.object_id}"
