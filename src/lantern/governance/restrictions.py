"""Need-to-know: records on an access list are invisible to everyone not on it.

Selectors exclude ``hidden_ids(user)`` wherever they read entities, events or links, so a
restricted record does not appear on a page, in search, on a chart, in a ranked list or as a link
from another record; opening it by id gives "not found" (never "forbidden", which would confirm it
exists). The list is kept per request on the user object.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction, RecordRestriction, Team


def hidden_restrictions(user) -> QuerySet[RecordRestriction]:
    rows = RecordRestriction.objects.all()
    if getattr(user, "is_authenticated", False):
        rows = rows.exclude(users=user).exclude(teams__members=user)
    return rows


def hidden_ids(user) -> QuerySet:
    """The ids (a subquery) of restricted records ``user`` is not on the list of."""
    return hidden_restrictions(user).values("object_id")


def is_hidden(user, object_id) -> bool:
    return hidden_restrictions(user).filter(object_id=object_id).exists()


def restrict(
    *, record, kind: str, reason: str, users: Iterable = (), teams: Iterable[Team] = (), actor
) -> RecordRestriction:
    """Put a record on an access list (the person restricting it is always on the list)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValueError(
            "reason: say why this record is restricted (for example: address of a person at risk)."
        )
    if len(reason) > 500:
        raise ValueError("reason: 500 characters at most.")
    with transaction.atomic():
        restriction, _ = RecordRestriction.objects.update_or_create(
            object_id=record.pk,
            defaults={"kind": kind, "label": str(record)[:300], "reason": reason, "created_by": _user(actor)},
        )
        restriction.users.set({*users, *([actor] if _user(actor) else [])})
        restriction.teams.set(teams)
        audit_record(
            user=_user(actor),
            action=AuditAction.UPDATE,
            object_type=kind,
            object_id=str(record.pk),
            summary=(
                f"restricted to {restriction.users.count()} user(s) and "
                f"{restriction.teams.count()} team(s): {reason}"
            )[:500],
            path="restriction",
        )
    return restriction


def unrestrict(*, record, actor) -> None:
    with transaction.atomic():
        deleted, _ = RecordRestriction.objects.filter(object_id=record.pk).delete()
        if deleted:
            audit_record(
                user=_user(actor),
                action=AuditAction.UPDATE,
                object_type="restriction",
                object_id=str(record.pk),
                summary="restriction lifted",
                path="restriction",
            )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
