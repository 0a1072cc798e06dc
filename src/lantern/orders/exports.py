"""Alerts and their evidence as rows, for CSV exports (commands and pages)."""

from __future__ import annotations

from lantern.orders.models import AlertEvidence, BreachAlert

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
            a.first_at.isoformat(),
            a.last_at.isoformat(),
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
