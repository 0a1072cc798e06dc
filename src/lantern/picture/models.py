"""Areas the picture is drawn for: postcode district outlines built from the gazetteer, and
areas analysts have drawn or uploaded (kept so a profile can be rebuilt for the same ground)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class DistrictOutline(models.Model):
    """A postcode district's approximate outline (see ``engine.areas``), rebuilt after each
    postcode import."""

    code = models.CharField(max_length=4, primary_key=True)  # "PE1", "SW1A"
    geojson = models.JSONField()
    postcodes = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]


class Area(models.Model):
    class Kind(models.TextChoices):
        POLYGON = "polygon", "drawn on the map"
        BOUNDARY = "boundary", "uploaded boundary"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    geojson = models.JSONField(help_text="The outline in longitude/latitude (WGS84)")
    source_name = models.CharField(max_length=200, blank=True, help_text="The uploaded file's name")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
