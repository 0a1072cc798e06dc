"""Writes of breach alerts: filing screened episodes without duplicates, and people's reviews.

An episode's evidence is filed once per (order, condition, kind, evidence id). New evidence
within 30 minutes of an existing alert for the same condition joins that alert (updating it)
instead of raising another, so rerunning screening, or screening late reads, never duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyarrow as pa
from django.db import transaction

from lantern.engine.screening.screen import EPISODE_GAP_US, Episode, explain
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import SYSTEM, Actor, StoreError
from lantern.orders.models import AlertEvidence, AlertKind, BreachAlert, Order

GAP = timedelta(microseconds=EPISODE_GAP_US)


@dataclass
class Filed:
    new: list[BreachAlert] = field(default_factory=list)
    updated: int = 0


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def episodes_file(episodes: Iterable[Episode], *, actor: Actor = SYSTEM) -> Filed:
    filed = Filed()
    orders = {}
    for episode in episodes:
        order = orders.get(episode.order_id) or Order.objects.get(pk=episode.order_id)
        orders[episode.order_id] = order
        rows = [_evidence(order, episode, row) for row in episode.hits.to_pylist()]
        outcome, alert = _file(
            order, episode.condition, episode.version, AlertKind.ZONE, rows, episode.timezone, actor
        )
        if outcome == "new":
            filed.new.append(alert)
        elif outcome == "updated":
            filed.updated += 1
    return filed


def _evidence(order: Order, episode: Episode, row: dict) -> AlertEvidence:
    return AlertEvidence(
        order=order,
        condition_number=episode.condition,
        kind=row["kind"],
        evidence_id=str(row["evidence_id"])[:120],
        at=_dt(row["at_us"]),
        source_id=str(row["source_id"] or "")[:120],
        latitude=row["lat"],
        longitude=row["lon"],
        vrm=(row["vrm"] or "")[:20],
        matched_vrm=(row["matched_vrm"] or "")[:20],
        basis=(row["basis"] or "")[:12],
        match=(row["match"] or "")[:40],
        confidence=float(row["confidence"]),
        accuracy_m=row["accuracy_m"],
    )


def evidence_file(
    *,
    order: Order,
    condition: int,
    version: int,
    kind: str,
    rows: list[AlertEvidence],
    explanation: str,
    actor: Actor = SYSTEM,
) -> tuple[str, BreachAlert | None]:
    """File evidence that is not about a place (a late notification, a contact): one alert per item set."""
    return _file(order, condition, version, kind, rows, "Europe/London", actor, explanation=explanation)


def _file(
    order, condition, version, kind, rows, tz, actor, explanation: str | None = None
) -> tuple[str, BreachAlert | None]:
    """("new" | "updated" | "unchanged", the alert the evidence is filed under)."""
    with transaction.atomic():
        # One filer per order at a time (PostgreSQL; SQLite serialises writers anyway): two live
        # consumers filing reads of one episode must not both find no alert and raise two.
        list(Order.objects.select_for_update().filter(pk=order.pk).values_list("pk", flat=True))
        known = set(
            AlertEvidence.objects.filter(
                order=order,
                condition_number=condition,
                kind__in={r.kind for r in rows},
                evidence_id__in=[r.evidence_id for r in rows],
            ).values_list("kind", "evidence_id")
        )
        fresh = [r for r in rows if (r.kind, r.evidence_id) not in known]
        if not fresh:
            return "unchanged", None
        first = min(r.at for r in fresh)
        last = max(r.at for r in fresh)
        alert = (
            BreachAlert.objects.select_for_update()
            .filter(
                order=order,
                condition_number=condition,
                kind=kind,
                last_at__gte=first - GAP,
                first_at__lte=last + GAP,
            )
            .order_by("first_at")
            .first()
        )
        created = alert is None
        if created:
            alert = BreachAlert.objects.create(
                order=order,
                condition_number=condition,
                condition_version=version,
                kind=kind,
                first_at=first,
                last_at=last,
                confidence=0,
                explanation="",
            )
        for row in fresh:
            row.alert = alert
        AlertEvidence.objects.bulk_create(fresh)
        _refresh(alert, version, tz, explanation)
        audit_record(
            user=actor.user,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            object_type="breach_alert",
            object_id=str(alert.pk),
            summary=f"{'potential breach' if created else 'more evidence'}: "
            f"{order.reference} condition {condition}",
            path=actor.via,
            detail={"evidence": len(fresh)},
        )
    return ("new" if created else "updated"), alert


def _refresh(alert: BreachAlert, version: int, tz: str, explanation: str | None) -> None:
    evidence = list(alert.evidence.order_by("at", "evidence_id"))
    alert.first_at = evidence[0].at
    alert.last_at = evidence[-1].at
    alert.evidence_count = len(evidence)
    alert.confidence = max(e.confidence for e in evidence)
    alert.condition_version = max(alert.condition_version, version)
    if explanation is not None:
        alert.explanation = explanation
    else:
        alert.explanation = explain(_episode_of(alert, evidence, tz))
    alert.save()


def _episode_of(alert: BreachAlert, evidence: list[AlertEvidence], tz: str) -> Episode:
    table = pa.table(
        {
            "kind": [e.kind for e in evidence],
            "at_us": pa.array([int(e.at.timestamp() * 1_000_000) for e in evidence], pa.int64()),
            "source_id": [e.source_id for e in evidence],
            "matched_vrm": [e.matched_vrm for e in evidence],
            "basis": [e.basis for e in evidence],
            "match": [e.match for e in evidence],
            "confidence": [e.confidence for e in evidence],
        }
    )
    spec_name = _zone_name(alert)
    return Episode(
        order_id=str(alert.order_id),
        reference=alert.order.reference,
        subject_id=str(alert.order.subject_id),
        condition=alert.condition_number,
        version=alert.condition_version,
        zone_name=spec_name,
        timezone=tz,
        hits=table,
    )


def _zone_name(alert: BreachAlert) -> str:
    condition = alert.order.conditions.filter(
        number=alert.condition_number, version=alert.condition_version
    ).first()
    return (
        condition.spec.get("name") if condition else ""
    ) or f"the zone of condition {alert.condition_number}"


# ---- review ---------------------------------------------------------------------------------


def alert_review(*, alert: BreachAlert, status: str, reason: str = "", actor: Actor = SYSTEM) -> BreachAlert:
    """Move an alert through review: new, under review, actioned, dismissed (a reason required)."""
    if status not in BreachAlert.Status.values:
        raise StoreError(f"status {status!r} is not one of {', '.join(BreachAlert.Status.values)}.")
    reason = reason.strip()
    if status == BreachAlert.Status.DISMISSED and not reason:
        raise StoreError("reason: say why the alert is dismissed (for example: not the subject's vehicle).")
    if len(reason) > 2000:
        raise StoreError("reason: keep it under 2,000 characters.")
    with transaction.atomic():
        previous = alert.status
        alert.status = status
        alert.status_reason = reason
        alert.save(update_fields=["status", "status_reason", "updated_at"])
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="breach_alert",
            object_id=str(alert.pk),
            summary=f"alert {previous} -> {status}",
            path=actor.via,
            detail={"reason": reason} if reason else None,
        )
    return alert


def alert_assign(*, alert: BreachAlert, user, actor: Actor = SYSTEM) -> BreachAlert:
    with transaction.atomic():
        alert.assigned_to = user
        if alert.status == BreachAlert.Status.NEW and user is not None:
            alert.status = BreachAlert.Status.UNDER_REVIEW
        alert.save(update_fields=["assigned_to", "status", "updated_at"])
        audit_record(
            user=actor.user,
            action=AuditAction.UPDATE,
            object_type="breach_alert",
            object_id=str(alert.pk),
            summary=f"alert assigned to {user.get_username() if user else 'nobody'}",
            path=actor.via,
        )
    return alert
