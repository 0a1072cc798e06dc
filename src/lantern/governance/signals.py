"""Sign-ins and failed sign-ins go into the audit trail like any other access."""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction


@receiver(user_logged_in)
def record_sign_in(sender, request, user, **kwargs) -> None:
    audit_record(
        user=user,
        action=AuditAction.SIGN_IN,
        object_type="user",
        object_id=str(user.pk),
        summary="signed in",
        path=request.path if request else "",
    )


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    # The username tried is kept (it may be mistyped personal data, but it is what a lockout review needs);
    # the password never is: Django has already replaced it in ``credentials``.
    tried = str(credentials.get("username", ""))[:150]
    audit_record(
        user=None,
        action=AuditAction.SIGN_IN,
        object_type="user",
        object_id="",
        summary=f"failed sign-in as {tried!r}",
        path=request.path if request else "",
    )


@receiver(post_save, sender=LogEntry)
def record_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    """Every change made in the administration screens (users, teams, grants...) enters the chain."""
    if not created:
        return
    action = {ADDITION: AuditAction.CREATE, CHANGE: AuditAction.UPDATE, DELETION: AuditAction.DELETE}.get(
        instance.action_flag, AuditAction.UPDATE
    )
    audit_record(
        user=instance.user,
        action=action,
        object_type=f"admin:{instance.content_type.model if instance.content_type else ''}",
        object_id=str(instance.object_id or "")[:64],
        summary=f"{instance.object_repr} ({instance.get_change_message() or 'no fields changed'})"[:500],
        path="/admin/",
    )
