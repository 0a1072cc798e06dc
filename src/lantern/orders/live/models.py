"""Feed sources, what they pushed (received, quarantined, stored) and the rules' change log."""

from __future__ import annotations

from django.db import models


class FeedSource(models.Model):
    """An ANPR system that pushes reads, with its bearer token (only the token's SHA-256 is kept)."""

    name = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=16, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    active = models.BooleanField(default=True)
    silence_minutes = models.PositiveIntegerField(
        default=15, help_text="Warn when no batch came for this long"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_batch_at = models.DateTimeField(null=True, blank=True)
    silence_warned_at = models.DateTimeField(null=True, blank=True)  # one warning per silence

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReceivedRead(models.Model):
    """A read id already accepted from a feed: the same read pushed again is a duplicate."""

    read_id = models.CharField(max_length=64, primary_key=True)
    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="+", db_index=False)
    received_at = models.DateTimeField(db_index=True)


class QuarantinedRead(models.Model):
    """A pushed read that was not accepted, with the reason the sender was given."""

    source = models.ForeignKey(FeedSource, null=True, on_delete=models.SET_NULL, related_name="quarantine")
    received_at = models.DateTimeField(db_index=True)
    batch = models.CharField(max_length=40)  # the push's reference, or the stream entry's id
    index = models.PositiveIntegerField()  # position in the batch (0 = the first read)
    read_id = models.CharField(max_length=64, blank=True)
    columns = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    raw = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "index"]


class FeedBatch(models.Model):
    """A stream entry (or an inline push) once its reads are in the lake and matched."""

    entry_id = models.CharField(max_length=64, unique=True)
    source = models.ForeignKey(FeedSource, null=True, on_delete=models.SET_NULL, related_name="batches")
    received_at = models.DateTimeField(db_index=True)
    stored_at = models.DateTimeField()
    reads = models.PositiveIntegerField()
    first_seen_at = models.DateTimeField(null=True)
    last_seen_at = models.DateTimeField(null=True)
    lag_p50_s = models.FloatField(default=0)  # received minus seen, over the batch's reads
    lag_max_s = models.FloatField(default=0)
    alerts_new = models.PositiveIntegerField(default=0)
    alerts_updated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["source", "received_at"], name="feedbatch_source_idx")]


class CameraMinute(models.Model):
    """Reads from one camera of one source received in one minute: the feed's health by camera."""

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="+")
    camera_id = models.CharField(max_length=40)
    minute = models.DateTimeField()
    reads = models.PositiveIntegerField()
    last_seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "camera_id", "minute"], name="camera_minute_unique")
        ]
        indexes = [models.Index(fields=["minute"], name="camera_minute_idx")]


class RulesChange(models.Model):
    """Written in the same transaction as a change to what screening watches, so the live matcher
    (which reads the newest id per batch) rebuilds the rules of just those orders."""

    class What(models.TextChoices):
        ORDER = "order", "an order, its conditions or its subject's vehicles"
        CAMERAS = "cameras", "camera sites"

    what = models.CharField(max_length=8, choices=What.choices)
    order_id = models.UUIDField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)
