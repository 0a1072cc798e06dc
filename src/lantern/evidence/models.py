"""Evidence sources kept in the operational store. Reads and GPS fixes live in the Parquet lake."""

from __future__ import annotations

from django.db import models


class Camera(models.Model):
    camera_id = models.CharField(max_length=40, primary_key=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["camera_id"]

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.description}"
