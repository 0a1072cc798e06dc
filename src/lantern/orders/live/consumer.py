"""Stream entries stored: reads into the lake, through the live matcher, alerts filed and told.

For each entry, in this order, and only then acknowledged (XACK):

1. its reads are written to the lake as ``reads/date=D/live-<entry id>.parquet``, the columns and
   date partitions ``lantern import reads`` writes, so batch screening sees the same evidence; a
   redelivered entry rewrites its own file, never adds a second copy (many small files: merging
   them is left for later, see docs/architecture.md);
2. the reads go through the ``LiveMatcher`` of the rules in force (kept current per batch);
3. episodes are filed through ``alerts.episodes_file`` (evidence once per condition, an episode's
   later read joins its alert), the feed's health recorded and the batch audited, in one
   transaction;
4. once that has committed, the officer in charge is e-mailed and the webhook called for each new alert, as
   batch screening does. An entry delivered again after a crash also tells about any alert of its
   evidence still untold, so a consumer killed between commit and e-mail loses no message.

A consumer killed at any point leaves the entry pending in the group: on restart it reads its own
pending entries first (id 0), and other consumers claim entries left idle longer than
``LANTERN_LIVE_CLAIM_MS`` (XAUTOCLAIM). Every step above is idempotent, so a redelivery changes
nothing that was already stored.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from lantern.engine.lake_ingest import write_read_partitions
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import Actor
from lantern.orders.alerts import episodes_file
from lantern.orders.live import stream
from lantern.orders.live.matching import CURRENT
from lantern.orders.live.models import CameraMinute, FeedBatch, FeedSource, QuarantinedRead
from lantern.orders.live.stream import Entry, EntryError
from lantern.orders.models import BreachAlert
from lantern.orders.notify import alert_notify

log = logging.getLogger(__name__)
LIVE = Actor(via="live alerts")
ENTRIES_PER_READ = 10


@dataclass(frozen=True)
class Stored:
    entry_id: str
    reads: int
    files: list[str]
    alerts_new: int
    alerts_updated: int
    first_time: bool  # False: the entry had been stored before (a redelivery)
    tell: list[BreachAlert]  # alerts whose officer is to be told once this is committed


def _dt(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, UTC)


def store_entry(entry_id: str, entry: Entry, *, redelivered: bool = False) -> Stored:
    reads = entry.table()
    files = write_read_partitions(reads, settings.LAKE_DIR, f"live-{entry_id}") if reads.num_rows else []
    matcher = CURRENT.matcher()
    hits = matcher.match(reads)
    with transaction.atomic():
        filed = episodes_file(matcher.episodes(hits), actor=LIVE)
        first_time = _record(entry_id, entry, reads, len(files), len(filed.new), filed.updated)
        tell = list(filed.new)
        if redelivered or not first_time:
            tell += _untold(hits.column("evidence_id").to_pylist(), exclude={a.pk for a in tell})
    return Stored(entry_id, reads.num_rows, files, len(filed.new), filed.updated, first_time, tell)


def _untold(read_ids: list[str], exclude: set) -> list[BreachAlert]:
    if not read_ids:
        return []
    alerts = BreachAlert.objects.filter(
        evidence__kind="read", evidence__evidence_id__in=read_ids, notified_at__isnull=True
    ).exclude(pk__in=exclude)
    return list(alerts.select_related("order__officer_in_charge").distinct())


def tell(alerts: list[BreachAlert]) -> None:
    """E-mail and webhook for each alert, as batch screening does; only after the alerts commit."""
    for alert in alerts:
        alert_notify(alert)


def _record(entry_id: str, entry: Entry, reads: pa.Table, files: int, new: int, updated: int) -> bool:
    """The batch's health record (once per entry: a redelivery counts nothing twice) and its audit."""
    source = FeedSource.objects.filter(pk=entry.source_id).first() if entry.source_id else None
    seen = reads.column("seen_at").cast(pa.int64()).to_numpy() if reads.num_rows else np.zeros(0, np.int64)
    lag = (entry.received_us - seen) / 1_000_000
    received = _dt(entry.received_us)
    _, created = FeedBatch.objects.get_or_create(
        entry_id=entry_id,
        defaults={
            "source": source,
            "received_at": received,
            "stored_at": timezone.now(),
            "reads": reads.num_rows,
            "first_seen_at": _dt(int(seen.min())) if len(seen) else None,
            "last_seen_at": _dt(int(seen.max())) if len(seen) else None,
            "lag_p50_s": float(np.median(lag)) if len(lag) else 0.0,
            "lag_max_s": float(lag.max()) if len(lag) else 0.0,
            "alerts_new": new,
            "alerts_updated": updated,
        },
    )
    if not created:
        return False
    if source is not None and reads.num_rows:
        _camera_minutes(source, reads, received)
    audit_record(
        user=None,
        action=AuditAction.IMPORT,
        object_type="live batch",
        object_id=entry_id[:64],
        summary=f"{entry.source or 'unknown feed'}: {reads.num_rows} reads into the lake, "
        f"{new} new alerts, {updated} updated",
        path=LIVE.via,
        detail={"files": files},
    )
    return True


def _camera_minutes(source: FeedSource, reads: pa.Table, received: datetime) -> None:
    """Add the batch's reads to each camera's count for the minute it was received."""
    per_camera = reads.group_by("camera_id").aggregate([("read_id", "count"), ("seen_at", "max")])
    minute = received.replace(second=0, microsecond=0)
    adapt = connection.ops.adapt_datetimefield_value
    rows = [
        (source.pk, camera, adapt(minute), count, adapt(last))
        for camera, count, last in zip(
            per_camera.column("camera_id").to_pylist(),
            per_camera.column("read_id_count").to_pylist(),
            per_camera.column("seen_at_max").to_pylist(),
            strict=True,
        )
    ]
    table = CameraMinute._meta.db_table
    later = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (source_id, camera_id, minute, reads, last_seen_at) "  # noqa: S608 (names are ours)
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (source_id, camera_id, minute) DO UPDATE SET "
            f"reads = {table}.reads + excluded.reads, "
            f"last_seen_at = {later}({table}.last_seen_at, excluded.last_seen_at)",
            rows,
        )


# ---- the stream -------------------------------------------------------------------------------


def consume_once(*, consumer: str = "web", block_ms: int = 0) -> int:
    """Store what is waiting for this consumer: entries a dead consumer left, its own pending
    entries (after a restart), then new ones (waiting up to ``block_ms`` for them). Returns how
    many entries were stored; 0 when there is no stream (``LANTERN_REDIS_URL`` empty)."""
    if not stream.enabled():
        return 0
    stream.ensure_group()
    done = _handle(stream.claim_stale(consumer, ENTRIES_PER_READ), redelivered=True)
    done += _handle(stream.read(consumer, pending=True, count=ENTRIES_PER_READ), redelivered=True)
    if not done:
        fresh = stream.read(consumer, pending=False, count=ENTRIES_PER_READ, block_ms=block_ms)
        done += _handle(fresh, redelivered=False)
    return done


def _handle(items: list[tuple[str, dict]], *, redelivered: bool) -> int:
    done = 0
    for entry_id, fields in items:
        if fields:
            try:
                entry = Entry.decode(fields)
            except EntryError as exc:
                _quarantine_entry(entry_id, fields, str(exc))
            else:
                tell(store_entry(entry_id, entry, redelivered=redelivered).tell)
            if settings.LANTERN_LIVE_THROTTLE_MS:
                time.sleep(settings.LANTERN_LIVE_THROTTLE_MS / 1000)
            done += 1
        stream.acknowledge(entry_id)  # an entry deleted from the stream has no fields: nothing to store
    return done


def _quarantine_entry(entry_id: str, fields: dict, reason: str) -> None:
    """An entry no Lantern endpoint wrote: kept with the reason, so nothing vanishes unexplained."""
    with transaction.atomic():
        QuarantinedRead.objects.create(
            received_at=timezone.now(),
            batch=entry_id[:40],
            index=0,
            reason=f"stream entry {entry_id}: {reason}"[:2000],
            raw={k: str(v)[:2000].replace("\x00", "") for k, v in list(fields.items())[:20]},
        )
        audit_record(
            user=None,
            action=AuditAction.CREATE,
            object_type="live batch",
            object_id=entry_id[:64],
            summary=f"stream entry quarantined: {reason}"[:500],
            path=LIVE.via,
        )
    log.warning("stream entry %s quarantined: %s", entry_id, reason)
