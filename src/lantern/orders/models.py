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
