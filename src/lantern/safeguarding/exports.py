"""Safeguarding's lists as rows for the CSV and XLSX downloads, over the pages' own querysets."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lantern.safeguarding.models import Referral, Task

TASK_HEADERS = [
    "Task id", "Due on", "Overdue", "Task", "Kind", "About", "About (record id)", "About (kind)", "Owner",
    "Status", "Created", "Completed", "Outcome",
]  # fmt: skip


def task_rows(tasks: QuerySet[Task]) -> Iterator[list]:
    for t in tasks.iterator(chunk_size=2_000):
        yield [
            str(t.pk),
            t.due_on,
            t.is_overdue,
            t.title,
            t.get_kind_display(),
            t.subject.label,
            str(t.subject_id),
            t.subject.get_kind_display(),
            t.owner.get_username() if t.owner else "",
            t.get_status_display(),
            t.created_at,
            t.completed_at,
            t.outcome,
        ]


REFERRAL_HEADERS = [
    "Referral id", "Recorded", "Kind", "Person", "Person (record id)", "Child", "Age band", "Exploitation",
    "Status", "Reference", "First responder", "Submitted",
]  # fmt: skip


def referral_rows(referrals: QuerySet[Referral]) -> Iterator[list]:
    """An MS1 names nobody: its person columns say so rather than stay blank."""
    for r in referrals.iterator(chunk_size=2_000):
        yield [
            str(r.pk),
            r.created_at,
            r.get_kind_display(),
            r.person.label if r.person else "anonymous",
            str(r.person_id or ""),
            r.is_child,
            r.get_age_band_display(),
            ", ".join(r.exploitation_labels),
            r.get_status_display(),
            r.reference,
            r.first_responder,
            r.submitted_at,
        ]
