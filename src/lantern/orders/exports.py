"""Orders, alerts, their evidence and screening runs as rows, for CSV and XLSX exports.

``alerts_rows`` and ``breach_evidence_rows`` are `lantern export`'s (stable machine headers for
other systems); the ``*_rows(queryset)`` functions are the pages' downloads, with the headers a
person reads, over the same queryset the page shows.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lantern.orders.models import AlertEvidence, BreachAlert, Order, ScreeningRun

ALERT_HEADERS = [
    "alert_id", "order_reference", "order_type", "condition", "condition_version", "kind", "status",
    "first_at", "last_at", "evidence_count", "confidence", "assigned_to", "explanation",
]  # fmt: skip


def alerts_rows(alerts=None) -> tuple[list[str], list[list]]:
    alerts = alerts if alerts is not None else BreachAlert.objects.all()
    rows = [
        [
            str(a.pk),
            a.order.reference,
            a.order.order_type,
            a.condition_number,
            a.condition_version,
            a.kind,
            a.status,
            a.first_at,
            a.last_at,
            a.evidence_count,
            round(a.confidence, 3),
            a.assigned_to.get_username() if a.assigned_to else "",
            a.explanation,
        ]
        for a in alerts.select_related("order", "assigned_to").order_by("first_at", "pk")
    ]
    return ALERT_HEADERS, rows


def breach_evidence_rows() -> tuple[list[str], list[list]]:
    """One row per ANPR read behind an alert: ``alert_id, read_id``."""
    rows = [
        [str(alert_id), read_id]
        for alert_id, read_id in AlertEvidence.objects.filter(kind="read")
        .order_by("alert_id", "at", "evidence_id")
        .values_list("alert_id", "evidence_id")
    ]
    return ["alert_id", "read_id"], rows


EVIDENCE_HEADERS = [
    "kind", "evidence_id", "local_time", "utc_time", "source", "latitude", "longitude", "vrm_read",
    "vrm_watched", "basis", "match", "confidence", "accuracy_m",
]  # fmt: skip


def evidence_rows(alert: BreachAlert, local) -> list[list]:
    return [
        [
            e.kind,
            e.evidence_id,
            local(e.at),
            e.at.isoformat(),
            e.source_id,
            e.latitude,
            e.longitude,
            e.vrm,
            e.matched_vrm,
            e.basis,
            e.match,
            round(e.confidence, 3),
            e.accuracy_m,
        ]
        for e in alert.evidence.all()
    ]


ORDER_HEADERS = [
    "Order id", "Reference", "Type", "Subject", "Subject id", "Applicant", "Court", "Made on",
    "In force from", "Expires on", "Status", "Officer in charge", "Discharged on",
]  # fmt: skip


def order_rows(orders: QuerySet[Order]) -> Iterator[list]:
    """One row per order; a blank expiry means until further order."""
    for o in orders.iterator(chunk_size=2_000):
        yield [
            str(o.pk),
            o.reference,
            o.get_order_type_display(),
            o.subject.label,
            str(o.subject_id),
            o.applicant,
            o.court,
            o.made_on,
            o.effective_from,
            o.expires_on,
            o.get_status_display(),
            o.officer_in_charge.get_username() if o.officer_in_charge else "",
            o.discharged_on,
        ]


ALERT_QUEUE_HEADERS = [
    "Alert id", "First evidence", "Last evidence", "Order", "Order type", "Subject", "Subject id",
    "Condition", "Condition version", "What", "Evidence items", "Confidence", "Status", "Assigned to",
    "Explanation",
]  # fmt: skip


def alert_queue_rows(alerts: QuerySet[BreachAlert]) -> Iterator[list]:
    """The alert queue in the page's order (newest evidence first)."""
    for a in alerts.iterator(chunk_size=2_000):
        yield [
            str(a.pk),
            a.first_at,
            a.last_at,
            a.order.reference,
            a.order.get_order_type_display(),
            a.order.subject.label,
            str(a.order.subject_id),
            a.condition_number,
            a.condition_version,
            a.get_kind_display(),
            a.evidence_count,
            round(a.confidence, 3),
            a.get_status_display(),
            a.assigned_to.get_username() if a.assigned_to else "",
            a.explanation,
        ]


SCREENING_HEADERS = [
    "Run id", "Started", "Started by", "Engine", "Status", "Screened from", "Screened to", "Files",
    "Reads", "GPS fixes", "Candidates", "Hits", "New alerts", "Updated alerts", "Seconds",
    "Unknown cameras", "Error",
]  # fmt: skip


def screening_rows(runs: QuerySet[ScreeningRun]) -> Iterator[list]:
    for r in runs.iterator(chunk_size=2_000):
        yield [
            str(r.pk),
            r.started_at,
            r.started_by.get_username() if r.started_by else "command line",
            r.engine,
            r.get_status_display(),
            r.since,
            r.until,
            r.files,
            r.reads,
            r.fixes,
            r.candidates,
            r.hits,
            r.alerts_new,
            r.alerts_updated,
            round(r.seconds, 1),
            "; ".join(f"{camera} ({n} reads)" for camera, n in sorted(r.unknown_cameras.items())),
            r.error,
        ]
