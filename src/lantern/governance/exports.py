"""Audit entries as rows for the CSV and XLSX downloads of the audit pages."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lantern.governance.models import AuditEntry

AUDIT_HEADERS = [
    "Entry", "When", "User", "Did", "Kind of record", "Record id", "Summary", "Purpose", "From",
    "Entry hash",
]  # fmt: skip


def audit_rows(entries: QuerySet[AuditEntry]) -> Iterator[list]:
    """One row per entry in the page's order; the hash lets a reader check a row against the chain."""
    for e in entries.iterator(chunk_size=5_000):
        yield [
            e.sequence,
            e.at,
            e.username or "system",
            e.get_action_display(),
            e.object_type,
            e.object_id,
            e.summary,
            (e.detail or {}).get("purpose", ""),
            e.path,
            e.entry_hash,
        ]
