"""Reads of the audit trail: who looked at a record, what a user did, for those who may know."""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from lantern.governance.models import AuditEntry
from lantern.governance.roles import Capability, has_capability


def _require(user, capability: Capability = Capability.VIEW_AUDIT) -> None:
    if not has_capability(user, capability):
        raise PermissionDenied("Your role does not allow the audit trail.")


def record_history(user, *, object_id: str) -> QuerySet[AuditEntry]:
    """Every entry about one record (any kind), newest first."""
    _require(user)
    return AuditEntry.objects.filter(object_id=str(object_id)).select_related("user").order_by("-sequence")


def entries(
    user,
    *,
    username: str = "",
    action: str = "",
    object_type: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[AuditEntry]:
    _require(user)
    rows = AuditEntry.objects.order_by("-sequence")
    if username:
        rows = rows.filter(username=username)
    if action:
        rows = rows.filter(action=action)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if since:
        rows = rows.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        rows = rows.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    return rows
