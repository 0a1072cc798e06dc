"""The feeds' health: reads per minute, the last read seen, the last batch, lag, and silence.

Per source and per camera: reads per minute over the last hour (from the per-minute counts the
consumer keeps), the newest read's seen time, the last batch received, and the lag (received
minus seen) as the median and the maximum over the source's last ``LAG_BATCHES`` batches. A source
that sent no batch for longer than its threshold is silent: flagged here, and warned about once
(an audit entry and an e-mail) by ``check_silence``.
"""

from __future__ import annotations

import logging
import statistics
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.governance.roles import Capability, has_capability
from lantern.orders.live.models import CameraMinute, FeedBatch, FeedSource, ReceivedRead, RulesChange

log = logging.getLogger(__name__)
LAG_BATCHES = 50
WINDOW = timedelta(hours=1)
KEEP_MINUTES = timedelta(days=2)  # per-camera minute counts; older ones are pruned
KEEP_RECEIVED = timedelta(days=7)  # read ids kept to spot a read pushed again


def feed_health(user) -> list[dict]:
    """Each feed source with its cameras (see the module's docstring), for officers and analysts."""
    if not (has_capability(user, Capability.REVIEW_ALERTS) or has_capability(user, Capability.VIEW_ORDERS)):
        raise PermissionDenied("Your role does not allow this (review_alerts or view_orders).")
    return feed_health_rows(now=timezone.now())


def feed_health_rows(*, now: datetime) -> list[dict]:
    cameras = _cameras(now)
    rows = []
    for source in FeedSource.objects.all():
        lags = list(
            FeedBatch.objects.filter(source=source)
            .order_by("-received_at")[:LAG_BATCHES]
            .values_list("lag_p50_s", "lag_max_s", "last_seen_at")
        )
        own = cameras.get(source.pk, [])
        quiet_since = source.last_batch_at or source.created_at
        silent = source.active and now - quiet_since > timedelta(minutes=source.silence_minutes)
        rows.append(
            {
                "name": source.name,
                "active": source.active,
                "silence_minutes": source.silence_minutes,
                "last_batch_at": source.last_batch_at,
                "last_read_seen_at": max((c["last_seen_at"] for c in own), default=None),
                "reads_per_minute": round(sum(c["reads_last_hour"] for c in own) / 60, 2),
                "lag_p50_s": round(statistics.median(p for p, _, _ in lags), 1) if lags else None,
                "lag_max_s": round(max(m for _, m, _ in lags), 1) if lags else None,
                "silent": silent,
                "quiet_minutes": int((now - quiet_since).total_seconds() // 60),
                "cameras": own,
            }
        )
    return rows


def _cameras(now: datetime) -> dict[int, list[dict]]:
    """source id -> its cameras, busiest first, from the per-minute counts kept."""
    recent = {
        (r["source_id"], r["camera_id"]): r["reads"]
        for r in CameraMinute.objects.filter(minute__gte=now - WINDOW)
        .values("source_id", "camera_id")
        .annotate(reads=Sum("reads"))
    }
    result: dict[int, list[dict]] = {}
    for row in CameraMinute.objects.values("source_id", "camera_id").annotate(
        last_seen_at=Max("last_seen_at"), last_received=Max("minute")
    ):
        reads = recent.get((row["source_id"], row["camera_id"]), 0)
        result.setdefault(row["source_id"], []).append(
            {
                "camera_id": row["camera_id"],
                "reads_per_minute": round(reads / (WINDOW.total_seconds() / 60), 2),
                "reads_last_hour": reads,
                "last_seen_at": row["last_seen_at"],
                "last_received_at": row["last_received"],
            }
        )
    for cameras in result.values():
        cameras.sort(key=lambda c: (-c["reads_last_hour"], c["camera_id"]))
    return result


def check_silence(*, now: datetime | None = None) -> list[FeedSource]:
    """Warn once about each active source silent beyond its threshold: an audit entry and an
    e-mail to ``LANTERN_ALERT_EMAIL``. A batch from the source ends the silence (``mark_batch``)."""
    now = now or timezone.now()
    warned = []
    for source in FeedSource.objects.filter(active=True, silence_warned_at__isnull=True):
        quiet_since = source.last_batch_at or source.created_at
        if now - quiet_since <= timedelta(minutes=source.silence_minutes):
            continue
        minutes = int((now - quiet_since).total_seconds() // 60)
        with transaction.atomic():
            FeedSource.objects.filter(pk=source.pk).update(silence_warned_at=now)
            audit_record(
                user=None,
                action=AuditAction.UPDATE,
                object_type="feed source",
                object_id=str(source.pk),
                summary=f"feed {source.name} silent for {minutes} minutes "
                f"(the threshold is {source.silence_minutes})",
                path="live alerts",
            )
        _mail(source, minutes)
        warned.append(source)
    return warned


def _mail(source: FeedSource, minutes: int) -> None:
    if not settings.LANTERN_ALERT_EMAIL:
        log.warning("feed %s silent for %s minutes (no LANTERN_ALERT_EMAIL to tell)", source.name, minutes)
        return
    url = settings.LANTERN_BASE_URL.rstrip("/") + "/orders/feeds/"
    try:
        send_mail(
            subject=f"Lantern: ANPR feed {source.name} is silent",
            message=(
                f"No batch of reads has come from the feed {source.name} for {minutes} minutes "
                f"(the warning threshold is {source.silence_minutes}). Breaches it would have shown "
                f"cannot be alerted until it sends again.\n\nFeed health: {url}"
            ),
            from_email=settings.LANTERN_ALERT_FROM,
            recipient_list=[settings.LANTERN_ALERT_EMAIL],
        )
    except Exception as exc:  # a mail failure is logged; the warning is already in the audit trail
        log.warning("feed %s: the silence e-mail failed: %s", source.name, exc)


def prune(*, now: datetime | None = None) -> dict[str, int]:
    """Drop per-minute counts, received read ids and rule changes past their use."""
    now = now or timezone.now()
    with transaction.atomic():
        dropped = {
            "camera_minutes": CameraMinute.objects.filter(minute__lt=now - KEEP_MINUTES).delete()[0],
            "received_reads": ReceivedRead.objects.filter(received_at__lt=now - KEEP_RECEIVED).delete()[0],
            "rule_changes": RulesChange.objects.filter(at__lt=now - KEEP_MINUTES).delete()[0],
        }
        if any(dropped.values()):
            audit_record(
                user=None,
                action=AuditAction.DELETE,
                object_type="feed health",
                summary="live alerts housekeeping: "
                + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in dropped.items()),
                path="live alerts",
                detail=dropped,
            )
    return dropped
