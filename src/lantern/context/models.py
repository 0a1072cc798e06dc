"""Open context data: street-level crime published by data.police.uk, kept apart from intelligence.

Nothing here links to the POLE store: these rows describe places and months, never people, and
come from a public source Lantern does not check. Field sizes follow ``engine.police_uk.LIMITS``
(a longer value quarantines its row), so PostgreSQL never refuses a row the engine accepted.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from lantern.engine.police_uk import LIMITS


class CrimeImport(models.Model):
    """One `lantern import police-uk` of a file, folder or archive."""

    class Status(models.TextChoices):
        RUNNING = "running", "running"
        FINISHED = "finished", "finished"
        FAILED = "failed", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)  # empty for a folder
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_stored = models.PositiveIntegerField(default=0)  # new rows
    rows_unchanged = models.PositiveIntegerField(default=0)  # already held, as they were
    rows_updated = models.PositiveIntegerField(default=0)  # already held; a later outcome recorded
    rows_quarantined = models.PositiveIntegerField(default=0)
    files = models.JSONField(default=list)  # the street files read
    skipped = models.JSONField(default=list)  # [[name, why not read], ...]
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    via = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.started_at:%Y-%m-%d %H:%M})"


class OpenCrime(models.Model):
    """One row of a street-level file: a crime or anti-social behaviour report, by month and map point."""

    key = models.CharField(max_length=64, unique=True)  # see engine.police_uk.row_key
    crime_id = models.CharField(max_length=LIMITS["crime_id"], blank=True)
    month = models.DateField(db_index=True)  # the first of the month
    reported_by = models.CharField(max_length=LIMITS["reported_by"], blank=True)
    falls_within = models.CharField(max_length=LIMITS["falls_within"], blank=True)
    longitude = models.FloatField(null=True, blank=True)  # both empty: published with no location
    latitude = models.FloatField(null=True, blank=True)
    location = models.CharField(max_length=LIMITS["location"], blank=True)
    street = models.CharField(max_length=LIMITS["location"], blank=True, db_index=True)
    lsoa_code = models.CharField(max_length=LIMITS["lsoa_code"], blank=True, db_index=True)
    lsoa_name = models.CharField(max_length=LIMITS["lsoa_name"], blank=True)
    crime_type = models.CharField(max_length=LIMITS["crime_type"], db_index=True)
    last_outcome = models.CharField(max_length=LIMITS["last_outcome"], blank=True)
    context = models.TextField(blank=True)
    import_run = models.ForeignKey(CrimeImport, on_delete=models.PROTECT, related_name="crimes")

    class Meta:
        ordering = ["-month", "id"]

    def __str__(self) -> str:
        return f"{self.crime_type}, {self.month:%Y-%m}, {self.location}"


class QuarantinedCrimeRow(models.Model):
    """A row that was not stored: which file, which line, why, and the row as it was read."""

    run = models.ForeignKey(CrimeImport, on_delete=models.CASCADE, related_name="quarantine")
    file_name = models.CharField(max_length=500)  # the street file (a member of the archive)
    line_number = models.PositiveIntegerField()  # the physical line the row starts on; header is 1
    reason = models.TextField()
    raw = models.JSONField()  # {header: cell as read}, or {"line": text} for a row that would not split

    class Meta:
        ordering = ["run", "file_name", "line_number"]
