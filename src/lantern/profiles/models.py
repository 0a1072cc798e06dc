"""Problem profiles: the analyst's product for an area and a period. The figures are rebuilt from
the store each time the profile is shown (so it never shows a record since restricted or
disposed); what the analyst writes, the assessment and the recommendations, is kept here."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

TEXT_LIMIT = 20_000  # an assessment of several pages; longer is refused with a message


class ProblemProfile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(max_length=200)
    area_spec = models.CharField(max_length=64, help_text='"all", a postcode district, or a saved area id')
    area_name = models.CharField(max_length=200)
    first_day = models.DateField()
    last_day = models.DateField()
    assessment = models.TextField(blank=True)
    recommendations = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")), name="profile_period"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("profiles:problem", args=[self.pk])
