"""The audit trail: append-only, every entry chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "viewed"
    SEARCH = "search", "searched"
    CREATE = "create", "created"
    UPDATE = "update", "updated"
    DELETE = "delete", "deleted"
    IMPORT = "import", "imported"
    EXPORT = "export", "exported"
    SIGN_IN = "sign_in", "signed in"


class AuditEntry(models.Model):
    """One read or write of personal data. Never updated or deleted by the application."""

    sequence = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    username = models.CharField(max_length=150, blank=True)  # kept if the account is later renamed
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    path = models.CharField(max_length=500, blank=True)  # the page or command it came from
    detail = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return (
            f"#{self.sequence} {self.username or 'system'} {self.action} {self.object_type} {self.object_id}"
        )


class AuditChainHead(models.Model):
    """A single row locked while an entry is appended, so concurrent writers cannot fork the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.BigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)
