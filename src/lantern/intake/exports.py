"""Intake's lists as rows for the CSV and XLSX downloads: the triage queue, imports, the partner portal.

Each function takes the queryset the page itself shows (from the same selector, with the same
filters and access rules) and yields rows lazily, so a long list is never held twice.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lantern.intake import selectors_triage
from lantern.intake.models import ImportRun, SafetyAlert, Submission
from lantern.intel.models import IntelligenceReport
from lantern.web.exports import batches

TRIAGE_HEADERS = [
    "Report id", "Reference", "Received", "Happened", "Channel", "Source", "Grade", "Handling code",
    "Assigned to", "Summary", "Identifiers found", "Identifiers in the store",
]  # fmt: skip


def triage_rows(reports: QuerySet[IntelligenceReport]) -> Iterator[list]:
    """One row per report; mention counts are looked up a batch of reports at a time."""
    for batch in batches(reports.iterator(chunk_size=2_000)):
        counts = selectors_triage.mention_counts([r.pk for r in batch])
        for r in batch:
            yield [
                str(r.pk),
                r.source_ref,
                r.recorded_at,
                r.occurred_from,
                r.get_source_type_display(),
                r.source.name,
                r.grade,
                r.get_handling_code_display(),
                r.assigned_to.get_username() if r.assigned_to else "",
                r.summary,
                *counts.get(r.pk, (0, 0)),
            ]


IMPORT_HEADERS = [
    "Import id", "File", "Kind", "Started by", "Started", "Finished", "Status", "Rows in the file",
    "Rows read", "Filed", "Already known", "Quarantined", "Error", "File SHA-256",
]  # fmt: skip


def import_runs() -> QuerySet[ImportRun]:
    """Every import run, newest first (the Imports page and its download)."""
    return ImportRun.objects.select_related("started_by").order_by("-created_at")


def import_rows(runs: QuerySet[ImportRun]) -> Iterator[list]:
    for run in runs.iterator(chunk_size=2_000):
        yield [
            str(run.pk),
            run.file_name,
            run.get_kind_display(),
            run.started_by.get_username() if run.started_by else "command line",
            run.created_at,
            run.finished_at,
            run.get_status_display(),
            run.rows_total,
            run.rows_done,
            run.filed,
            run.known,
            run.quarantined,
            run.error,
            run.file_sha256,
        ]


SUBMISSION_HEADERS = [
    "Submission id", "Reference", "Received", "Channel", "Status", "Shared with police", "Warning sent",
    "Alert reference",
]  # fmt: skip


def submission_rows(submissions: QuerySet[Submission]) -> Iterator[list]:
    for s in submissions.iterator(chunk_size=2_000):
        safety = getattr(s, "safety", None)
        yield [
            str(s.pk),
            s.reference,
            s.received_at,
            s.get_channel_display(),
            s.get_status_display(),
            _shared(safety),
            "yes" if safety is not None and safety.warn_others else "no",
            _alert_reference(safety),
        ]


def _shared(safety) -> str:
    if safety is None:
        return ""
    if safety.consent_withdrawn_at:
        return "consent withdrawn"
    return "yes" if safety.share_with_police else "no"


def _alert_reference(safety) -> str:
    alert = getattr(safety, "alert", None) if safety is not None else None
    return alert.reference if alert is not None else ""


ALERT_HEADERS = ["Reference", "Issued", "Warning"]


def alert_rows(alerts: QuerySet[SafetyAlert]) -> Iterator[list]:
    for a in alerts.iterator(chunk_size=2_000):
        yield [a.reference, a.created_at, a.text]
