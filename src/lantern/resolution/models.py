"""Resolution as an overlay: records stay as their sources gave them; clusters group them.

A cluster is one real person (or vehicle, or place) however the sources wrote it. Membership is
the only thing a run or an analyst changes, so every merge can be undone. Analysts' decisions are
kept apart from the model's scores and outrank them on every later run.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from lantern.intel.models import Entity


class ResolutionRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    class Mode(models.TextChoices):
        FULL = "full", "full (retrained)"
        INCREMENTAL = "incremental", "incremental (new records only)"
        PLACES = "places", "places"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    engine = models.CharField(max_length=8, default="duckdb")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    threshold = models.FloatField(default=0.9)
    records = models.PositiveIntegerField(default=0)
    set_aside = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    merges = models.PositiveIntegerField(default=0)
    labels_used = models.PositiveIntegerField(default=0)
    decisions_agreed = models.PositiveIntegerField(default=0)  # the model alone agreed with the analysts
    decisions_total = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    message = models.TextField(blank=True)
    model = models.JSONField(null=True, blank=True)  # Splink's settings with trained m and u (versioned)

    class Meta:
        ordering = ["-started_at"]

    def summary(self) -> str:
        if self.status == self.Status.FAILED:
            return f"Resolution failed: {self.message}"
        if self.mode == self.Mode.PLACES:
            return f"{self.records:,} addresses: {self.pairs:,} similar pairs, {self.merges:,} places merged."
        agreed = ""
        if self.decisions_total:
            agreed = (
                f" The model alone agreed with {self.decisions_agreed} of {self.decisions_total} decisions."
            )
        return (
            f"{self.records:,} person records ({self.set_aside:,} set aside: nothing to match on) "
            f"resolved into {self.clusters:,} people from {self.pairs:,} scored pairs "
            f"in {self.seconds:.1f} s "
            f"({self.get_mode_display()}, {self.engine}).{agreed}"
        )


class Cluster(models.Model):
    """One resolved entity. Its id never changes while most of its records stay together."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16)  # an EntityKind
    label = models.CharField(max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "-size"])]


class Membership(models.Model):
    entity = models.OneToOneField(
        Entity, on_delete=models.CASCADE, primary_key=True, related_name="membership"
    )
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    probability = models.FloatField(
        null=True, blank=True
    )  # best pair that put it here; null alone or decided
    since = models.DateTimeField(auto_now=True)


class ScoredPair(models.Model):
    """A pair the model scored above the threshold, with each field's match weight (the "why")."""

    left = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+", db_index=False)
    probability = models.FloatField()
    match_weight = models.FloatField()
    weights = models.JSONField(default=dict)
    run = models.ForeignKey(ResolutionRun, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["left", "right"], name="scored_pair_unique")]
        indexes = [models.Index(fields=["right"])]


class Decision(models.Model):
    """An analyst's word: these records are (or are not) the same. Withdrawn, never deleted."""

    class Kind(models.TextChoices):
        SAME = "same", "the same"
        NOT_SAME = "not_same", "not the same"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    left = models.JSONField()  # entity ids (strings)
    right = models.JSONField()
    note = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at"]


class Merge(models.Model):
    """Records of one cluster joined another (by a run or a decision); undoing it moves them back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kept = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="merges_in")
    absorbed = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="merges_out")
    records = models.JSONField()  # entity ids that moved
    run = models.ForeignKey(ResolutionRun, null=True, blank=True, on_delete=models.SET_NULL)
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at"]


class SavedChart(models.Model):
    """A link chart an analyst kept: the entities on it and the filters, to reopen or export."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nodes = models.JSONField()  # node ids on the chart
    filters = models.JSONField(default=dict)  # link kinds, date range
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
