"""Writing the audit chain. Call inside the transaction of the change being recorded."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from lantern.governance.models import AuditAction, AuditChainHead, AuditEntry


def _entry_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{previous_hash}|{payload}".encode()).hexdigest()


def audit_record(
    *,
    user,
    action: AuditAction | str,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    path: str = "",
    detail: dict | None = None,
) -> AuditEntry:
    """Append one entry to the chain (atomic with the caller's transaction)."""
    actor = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        now = timezone.now()
        fields = {
            "sequence": head.sequence + 1,
            "at": now.isoformat(),
            "user_id": actor.pk if actor else None,
            "username": actor.get_username() if actor else "",
            "action": str(action),
            "object_type": object_type,
            "object_id": str(object_id),
            "summary": summary[:500],
            "path": path[:500],
            "detail": detail or {},
        }
        entry_hash = _entry_hash(head.entry_hash, fields)
        entry = AuditEntry.objects.create(
            sequence=fields["sequence"],
            at=now,
            user=actor,
            username=fields["username"],
            action=fields["action"],
            object_type=object_type,
            object_id=fields["object_id"],
            summary=fields["summary"],
            path=fields["path"],
            detail=fields["detail"],
            previous_hash=head.entry_hash,
            entry_hash=entry_hash,
        )
        head.sequence, head.entry_hash = fields["sequence"], entry_hash
        head.save(update_fields=["sequence", "entry_hash"])
    return entry


def verify_chain() -> tuple[bool, str]:
    """Recompute every hash in order; report the first entry that does not match."""
    previous = "0" * 64
    expected_sequence = 1
    for entry in AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000):
        if entry.sequence != expected_sequence:
            return False, f"entry #{expected_sequence} is missing (next found is #{entry.sequence})"
        fields = {
            "sequence": entry.sequence,
            "at": entry.at.isoformat(),
            "user_id": entry.user_id,
            "username": entry.username,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "summary": entry.summary,
            "path": entry.path,
            "detail": entry.detail,
        }
        if entry.previous_hash != previous or _entry_hash(previous, fields) != entry.entry_hash:
            return False, f"entry #{entry.sequence} (id {entry.pk}) was altered or reordered"
        previous = entry.entry_hash
        expected_sequence += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and (head.sequence, head.entry_hash) != (expected_sequence - 1, previous):
        return (
            False,
            f"the chain ends at #{expected_sequence - 1} but its head says #{head.sequence}: "
            "entries were removed",
        )
    return True, f"{expected_sequence - 1} entries verified"
