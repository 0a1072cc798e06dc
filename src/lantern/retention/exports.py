"""Retention's lists as rows for the CSV and XLSX downloads, over the pages' own querysets."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from lantern.retention import selectors
from lantern.retention.models import Disposal, ReviewSchedule
from lantern.retention.policy import Policy
from lantern.web.exports import batches

QUEUE_HEADERS = [
    "Review id", "Review on", "Overdue", "Record", "Record id", "Kind", "Group", "Group name",
    "Why this group", "Policy", "Last reviewed", "Last reviewed by", "Last reason",
]  # fmt: skip


def queue_rows(schedules: QuerySet[ReviewSchedule], policy: Policy) -> Iterator[list]:
    """The review queue in the page's order; records' names are looked up a batch at a time."""
    today = timezone.localdate()
    for batch in batches(schedules.iterator(chunk_size=2_000)):
        labels = selectors.labels_for(batch)
        for s in batch:
            group = policy.groups.get(s.group)
            yield [
                str(s.pk),
                s.review_on,
                s.review_on < today,
                labels.get(s.object_id, "(record not found)"),
                str(s.object_id),
                s.get_record_kind_display(),
                s.group,
                group.name if group else "",
                s.why,
                s.policy_version,
                s.last_reviewed_at,
                _reviewer(s) if s.last_reviewed_at else "",
                s.last_reason,
            ]


def _reviewer(schedule: ReviewSchedule) -> str:
    user = schedule.last_reviewed_by
    return user.get_username() if user else "a former user"


DISPOSAL_HEADERS = [
    "Disposal id", "Disposed of", "Kind", "Record", "Old record id", "Group", "By", "Reason", "Deleted",
    "Audit entry",
]  # fmt: skip


def disposal_rows(disposals: QuerySet[Disposal]) -> Iterator[list]:
    """Tombstones: nothing here names the person (the description is non-identifying by design)."""
    for d in disposals.iterator(chunk_size=2_000):
        yield [
            str(d.pk),
            d.disposed_at,
            d.get_record_kind_display(),
            d.description,
            str(d.object_id),
            d.group,
            d.disposed_by_username or "system",
            d.reason,
            "; ".join(f"{count} {name}" for name, count in d.counts.items()),
            d.audit_sequence,
        ]
