"""Civil orders and their conditions, held as versioned data an engine can evaluate."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from lantern.intel.models import Person


class OrderType(models.TextChoices):
    SRO = "SRO", "Sexual Risk Order"
    ISRO = "ISRO", "Interim Sexual Risk Order"
    SHPO = "SHPO", "Sexual Harm Prevention Order"
    ISHPO = "ISHPO", "Interim Sexual Harm Prevention Order"
    STRO = "STRO", "Slavery and Trafficking Risk Order"
    ISTRO = "ISTRO", "Interim Slavery and Trafficking Risk Order"
    STPO = "STPO", "Slavery and Trafficking Prevention Order"


class Order(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        ACTIVE = "active", "active"
        VARIED = "varied", "varied"
        DISCHARGED = "discharged", "discharged"
        EXPIRED = "expired", "expired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=60, unique=True)
    order_type = models.CharField(max_length=6, choices=OrderType.choices)
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="orders")
    applicant = models.CharField(max_length=200)
    court = models.CharField(max_length=200)
    made_on = models.DateField()
    effective_from = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="Empty means until further order")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    officer_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders_in_charge",
    )
    discharged_on = models.DateField(null=True, blank=True, help_text="The first day it no longer applied")
    discharge_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.get_order_type_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.pk])


class ConditionKind(models.TextChoices):
    EXCLUSION_ZONE = "exclusion_zone", "exclusion zone"
    VEHICLE_NOTIFICATION = "vehicle_notification", "vehicle notification"
    NAME_ADDRESS_NOTIFICATION = "name_address_notification", "name and address notification"
    NO_CONTACT = "no_contact", "no contact"
    OTHER = "other", "other (not machine-checkable)"


class OrderCondition(models.Model):
    """One version of one condition. A variation adds a version; what applied when stays answerable."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="conditions")
    number = models.PositiveSmallIntegerField(help_text="The condition's number in the order")
    version = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=32, choices=ConditionKind.choices)
    wording = models.TextField(help_text="The condition as the court worded it")
    spec = models.JSONField(default=dict, help_text="Machine-readable form: zone GeoJSON, windows, vehicles")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["number", "version"]
        constraints = [
            models.UniqueConstraint(fields=["order", "number", "version"], name="condition_unique_version"),
        ]

    @property
    def machine_checkable(self) -> bool:
        return self.kind != ConditionKind.OTHER


class OrderDocument(models.Model):
    """A court document (the order as sealed, a variation) kept beside the order's data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(max_length=200)
    file_name = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=500)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]


class AlertKind(models.TextChoices):
    ZONE = "zone", "in an exclusion zone"
    VEHICLE_NOT_NOTIFIED = "vehicle", "vehicle not notified"
    ADDRESS_NOT_NOTIFIED = "address", "name or address not notified"
    CONTACT = "contact", "contact with a named person"


class BreachAlert(models.Model):
    """A potential breach: one episode of evidence against one condition, for a person to review."""

    class Status(models.TextChoices):
        NEW = "new", "new"
        UNDER_REVIEW = "under_review", "under review"
        ACTIONED = "actioned", "actioned"
        DISMISSED = "dismissed", "dismissed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="alerts")
    condition_number = models.PositiveSmallIntegerField()
    condition_version = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=AlertKind.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW, db_index=True)
    status_reason = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="breach_alerts",
    )
    first_at = models.DateTimeField(db_index=True)
    last_at = models.DateTimeField()
    evidence_count = models.PositiveIntegerField(default=0)
    confidence = models.FloatField()
    explanation = models.TextField()
    notified_at = models.DateTimeField(null=True, blank=True)
    notify_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_at"]
        indexes = [models.Index(fields=["order", "condition_number", "last_at"], name="alert_episode_idx")]

    def __str__(self) -> str:
        return f"alert {str(self.pk)[:8]} on {self.order.reference}"

    def get_absolute_url(self) -> str:
        return reverse("orders:alert", args=[self.pk])


class AlertEvidence(models.Model):
    """One read, fix, sighting or linking event behind an alert; never counted twice for a condition."""

    alert = models.ForeignKey(BreachAlert, on_delete=models.CASCADE, related_name="evidence")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="+", db_index=False)
    condition_number = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10)  # read | fix | sighting | event
    evidence_id = models.CharField(max_length=120)
    at = models.DateTimeField()
    source_id = models.CharField(max_length=120, blank=True)  # camera, device, event
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    vrm = models.CharField(max_length=20, blank=True)
    matched_vrm = models.CharField(max_length=20, blank=True)
    basis = models.CharField(max_length=12, blank=True)
    match = models.CharField(max_length=40, blank=True)
    confidence = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["at", "evidence_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "condition_number", "kind", "evidence_id"],
                name="evidence_once_per_condition",
            )
        ]


class ScreeningRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engine = models.CharField(max_length=10)
    since = models.DateTimeField(null=True, blank=True)
    until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    files = models.PositiveIntegerField(default=0)
    reads = models.PositiveBigIntegerField(default=0)
    fixes = models.PositiveBigIntegerField(default=0)
    candidates = models.PositiveBigIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)
    alerts_new = models.PositiveIntegerField(default=0)
    alerts_updated = models.PositiveIntegerField(default=0)
    unknown_cameras = models.JSONField(default=dict)
    seconds = models.FloatField(default=0)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at"]


class ScreenedFile(models.Model):
    """A lake file every order has been screened against, so the next run skips it."""

    path = models.CharField(max_length=500, unique=True)
    size = models.PositiveBigIntegerField()
    mtime_ns = models.BigIntegerField(default=0)  # a file rewritten in place is screened again
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="+")


class ScreenedOrder(models.Model):
    """The rules of an order as last screened: a changed fingerprint rescreens the whole lake for it."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, primary_key=True, related_name="+")
    fingerprint = models.CharField(max_length=64)
    run = models.ForeignKey(ScreeningRun, on_delete=models.CASCADE, related_name="+")
