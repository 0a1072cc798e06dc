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


class Team(models.Model):
    """A group of users who share access to restricted records (a unit, a desk, an operation)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="lantern_teams", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecordRestriction(models.Model):
    """A record (an entity or an event) only the people and teams on its access list may see.

    For example the address of a person at risk, or a source's identity. Everyone else is told
    the record does not exist (404), finds nothing in search, and sees no link to it.
    """

    object_id = models.UUIDField(unique=True)
    kind = models.CharField(max_length=16)  # an entity kind, or "event"
    label = models.CharField(max_length=300)  # shown to those on the list, in the admin
    reason = models.CharField(max_length=500)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    teams = models.ManyToManyField(Team, related_name="restrictions", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.label} (restricted)"
