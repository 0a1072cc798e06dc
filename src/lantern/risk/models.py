"""Risk results: each run's scores with their explanations, and the versioned risk model.

A run replaces the previous run's rows (the run itself is kept, with the configuration version
it used), so pages always show one consistent picture and every figure can be traced to a model.
Subjects and people are keyed by their resolved cluster where resolution has run, otherwise by
the record; ``person`` is one record of them, for links.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from lantern.intel.models import Location, Person


class RiskModel(models.Model):
    """One version of the risk configuration (weights, bands, thresholds); one is in force."""

    version = models.CharField(max_length=40, unique=True)
    config = models.JSONField()
    note = models.TextField(blank=True)
    active = models.BooleanField(default=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version


class RiskRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    as_of = models.DateTimeField()
    model_version = models.CharField(max_length=40)
    vocabulary_version = models.CharField(max_length=40, blank=True)
    subjects = models.PositiveIntegerField(default=0)
    escalating = models.PositiveIntegerField(default=0)
    premises = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    notes = models.JSONField(default=list)
    message = models.TextField(blank=True)
    hotspots = models.JSONField(default=dict)

    class Meta:
        ordering = ["-started_at"]

    def summary(self) -> str:
        if self.status == self.Status.FAILED:
            return f"Risk scoring failed: {self.message}"
        return (
            f"{self.subjects:,} subjects scored ({self.escalating:,} escalating), {self.premises:,} premises "
            f"and {self.people:,} people at risk, with model {self.model_version} in {self.seconds:.1f} s."
        )


class SubjectRisk(models.Model):
    run = models.ForeignKey(RiskRun, on_delete=models.CASCADE, related_name="subject_scores")
    subject_key = models.CharField(max_length=64, db_index=True)
    person = models.ForeignKey(Person, null=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300)
    incidents = models.PositiveIntegerField()
    escalating = models.BooleanField(db_index=True)
    escalation_rank = models.PositiveIntegerField(db_index=True)
    priority = models.FloatField()
    priority_rank = models.PositiveIntegerField(db_index=True)
    serial = models.BooleanField()
    slope_per_30_days = models.FloatField(null=True)
    mk_p = models.FloatField(null=True)
    explanation = models.TextField()  # the escalation paragraph, citing the incidents in order
    priority_text = models.TextField()
    detail = models.JSONField(default=dict)  # points, chronology, trend line, new kinds

    class Meta:
        ordering = ["priority_rank"]


class PremisesRisk(models.Model):
    run = models.ForeignKey(RiskRun, on_delete=models.CASCADE, related_name="premises_scores")
    location_key = models.CharField(max_length=64, db_index=True)
    location = models.ForeignKey(Location, null=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300)
    rank = models.PositiveIntegerField(db_index=True)
    score = models.FloatField()
    high_risk = models.BooleanField()
    indicators = models.JSONField(default=dict)
    explanation = models.TextField()

    class Meta:
        ordering = ["rank"]


class PersonRisk(models.Model):
    """A person at risk (never a suspect by default): why, and whether a referral is prompted."""

    run = models.ForeignKey(RiskRun, on_delete=models.CASCADE, related_name="person_scores")
    subject_key = models.CharField(max_length=64, db_index=True)
    person = models.ForeignKey(Person, null=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300)
    rank = models.PositiveIntegerField(db_index=True)
    score = models.FloatField()
    prompt_referral = models.BooleanField()
    indicators = models.JSONField(default=dict)
    explanation = models.TextField()

    class Meta:
        ordering = ["rank"]
