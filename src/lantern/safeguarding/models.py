"""Safeguarding records: the tasks officers are given and the referrals made for people at risk.

Why here and not in the POLE store: a task or a referral is something the police *do* about a
person or a place, with an owner, a due date and a status that changes, whereas the store holds
what was *said*. When a visit is done the store gets its ``Visit`` event (through the intel
services), so the subject's timeline shows it like any other event.

A referral is either a National Referral Mechanism referral (names the potential victim; an adult
must consent, a child needs no consent) or an MS1 Duty to Notify record (an adult who declined:
anonymous by law, so it carries no person and nothing that identifies them). The database refuses
an MS1 with a person, as well as an adult's NRM without consent, whatever code writes the row.
Nationality is recorded because the Home Office asks for it; nothing in Lantern scores on it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from lantern.intel.models import Entity, Person, Visit


class Task(models.Model):
    class Kind(models.TextChoices):
        WELFARE_VISIT = "welfare_visit", "welfare visit"
        WARRANT = "warrant", "warrant"
        ORDER_APPLICATION = "order_application", "order application"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        DONE = "done", "done"
        CANCELLED = "cancelled", "cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # PROTECT: a person or place with safeguarding work against it must not vanish with the work.
    subject = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="safeguarding_tasks")
    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="safeguarding_tasks",
    )
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The visit event filed in the store when a welfare visit or warrant task was done.
    visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("safeguarding:task", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "under 18"
    A18_24 = "18_24", "18-24"
    A25_34 = "25_34", "25-34"
    A35_44 = "35_44", "35-44"
    A45_54 = "45_54", "45-54"
    A55_PLUS = "55_plus", "55 and over"
    UNKNOWN = "unknown", "not known"


class ExploitationType(models.TextChoices):
    SEXUAL = "sexual", "sexual exploitation"
    LABOUR = "labour", "labour exploitation"
    CRIMINAL = "criminal", "criminal exploitation"
    DOMESTIC_SERVITUDE = "domestic_servitude", "domestic servitude"
    ORGAN_HARVESTING = "organ_harvesting", "organ harvesting"
    NOT_KNOWN = "not_known", "not yet known"


class Referral(models.Model):
    class Kind(models.TextChoices):
        NRM = "nrm", "National Referral Mechanism (NRM) referral"
        MS1 = "ms1", "MS1 Duty to Notify (anonymous)"

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        SUBMITTED = "submitted", "submitted"
        POSITIVE_RG = "positive_rg", "positive reasonable grounds decision"
        NEGATIVE_RG = "negative_rg", "negative reasonable grounds decision"
        CONCLUSIVE_POSITIVE = "conclusive_positive", "conclusive grounds: positive"
        CONCLUSIVE_NEGATIVE = "conclusive_negative", "conclusive grounds: negative"
        WITHDRAWN = "withdrawn", "withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=3, choices=Kind.choices)
    # Always null for an MS1 (a database constraint too): the duty-to-notify record is anonymous.
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    is_child = models.BooleanField()
    consent = models.BooleanField(default=False)  # an adult's informed consent; a child needs none
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    exploitation_types = models.JSONField(default=list)  # ExploitationType values
    indicators = models.TextField(blank=True)
    nationality = models.CharField(
        max_length=100, blank=True, help_text="Asked for by the Home Office; never used in any score."
    )
    first_responder = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="ms1")
                | (models.Q(person__isnull=True) & models.Q(is_child=False) & models.Q(consent=False)),
                name="referral_ms1_anonymous_adult",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="nrm") | models.Q(is_child=True) | models.Q(consent=True),
                name="referral_nrm_adult_consents",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference or str(self.pk)[:8]}"

    def get_absolute_url(self) -> str:
        return reverse("safeguarding:referral", args=[self.pk])

    @property
    def exploitation_labels(self) -> list[str]:
        labels = dict(ExploitationType.choices)
        return [labels.get(value, value) for value in self.exploitation_types]
