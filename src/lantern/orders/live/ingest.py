"""A pushed batch of reads: each read checked, bad ones quarantined with a reason, the rest recorded
and put on the stream (or stored in the request when no Redis is configured).

Reads are checked by ``engine.lake_ingest.check_reads``, the rules ``lantern import reads`` applies
to a file, with the future held to a few minutes; a read id repeated within the batch is
quarantined, and one already received from a feed is counted as a duplicate and not stored again.
The received read ids, the quarantine, the source's last batch time and the audit entry commit in
one transaction with putting the entry on the stream: if Redis is down the push fails whole (the
sender retries), and a retry of a batch that was taken counts as duplicates.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

import pyarrow as pa
import redis
from django.db import connection, transaction
from django.utils import timezone

from lantern.engine.lake_ingest import check_reads
from lantern.evidence.models import Camera
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.orders.live import stream
from lantern.orders.live.consumer import LIVE, store_entry, tell
from lantern.orders.live.feeds import feed_get, mark_batch
from lantern.orders.live.models import FeedSource, QuarantinedRead, ReceivedRead
from lantern.orders.live.stream import Entry

MAX_READS = 1_000
MAX_BYTES = 1_000_000
MAX_FUTURE_S = 300  # a camera's clock a little ahead; a read from further ahead is not yet
FIELDS = ("read_id", "vrm", "camera_id", "seen_at", "confidence")
_UNKNOWN_CAMERA_ADVICE = "import it with `lantern import cameras`, then push the read again"


class PushError(ValueError):
    """The batch as a whole is refused (the sender gets ``status`` and this message)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class PushResult:
    accepted: int = 0
    duplicates: int = 0
    quarantined: list[dict] = field(default_factory=list)  # {"index", "read_id", "reason"}
    entry_id: str = ""  # the stream entry, or "inline-..." when stored in the request
    alerts_new: int = 0  # stored in the request only: the new alerts it raised

    @property
    def queued(self) -> bool:
        return self.entry_id != "" and not self.entry_id.startswith("inline-")

    def as_json(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "quarantined": self.quarantined}


def push_reads(*, source: FeedSource | str, reads: list[dict]) -> PushResult:
    """Check, record and pass on one batch from ``source`` (what ``POST /api/anpr/reads`` calls)."""
    source = feed_get(source) if isinstance(source, str) else source
    if not isinstance(reads, list) or not all(isinstance(r, dict) for r in reads):
        raise PushError(
            422, "reads: give a list of reads, each an object with read_id, vrm, camera_id, seen_at"
        )
    if len(reads) > MAX_READS:
        raise PushError(422, f"reads: at most {MAX_READS:,} reads in one batch; this one has {len(reads):,}")
    columns, problems = _columns(reads)
    now = timezone.now()
    checked = check_reads(
        columns,
        known_cameras=_known_cameras(columns["camera_id"]),
        now_us=int(now.timestamp() * 1_000_000),
        future_us=MAX_FUTURE_S * 1_000_000,
    )
    for q in checked.rejected:
        problems.setdefault(q.row_number - 1, _reason(q.columns, q.reason))
    valid = checked.valid.filter(_keep(checked.valid, problems))
    with transaction.atomic():
        fresh = _received(source, valid.column("read_id").to_pylist(), now)
        accepted = valid.filter([rid in fresh for rid in valid.column("read_id").to_pylist()])
        result = PushResult(accepted=accepted.num_rows, duplicates=valid.num_rows - accepted.num_rows)
        result.quarantined = _quarantine(source, reads, problems, now)
        mark_batch(source)
        if accepted.num_rows:
            _pass_on(source, accepted, result)
        _audit(source, result, len(reads))
    return result


def _columns(reads: list[dict]) -> tuple[dict[str, list], dict[int, str]]:
    """Each field as text (a number as read_id is fine); a field of the wrong kind is a problem."""
    columns: dict[str, list] = {name: [] for name in FIELDS}
    problems: dict[int, str] = {}
    for index, read in enumerate(reads):
        unknown = sorted(set(read) - set(FIELDS))
        if unknown:
            problems[index] = f"{unknown[0][:40]}: not a field of a read (give {', '.join(FIELDS)})"
        for name in FIELDS:
            value = read.get(name)
            if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
                problems.setdefault(index, f"{name}: give text, not {type(value).__name__}")
                value = None
            elif isinstance(value, str) and "\x00" in value:
                problems.setdefault(index, f"{name}: holds a NUL character")
                value = None
            columns[name].append(None if value is None else str(value).strip() or None)
    return columns, problems


def _known_cameras(cameras: list[str | None]) -> set[str]:
    wanted = {c for c in cameras if c}
    return set(Camera.objects.filter(camera_id__in=wanted).values_list("camera_id", flat=True))


def _reason(columns: str, reason: str) -> str:
    if columns == "camera_id" and "is not known" in reason:
        reason = reason.split(" is not known", 1)[0] + f" is not known: {_UNKNOWN_CAMERA_ADVICE}"
    return f"{columns}: {reason}"


def _keep(valid, problems: dict[int, str]) -> list[bool]:
    """Valid reads, but a read id already given earlier in the batch is quarantined."""
    first: dict[str, int] = {}
    keep = []
    for read_id, row in zip(
        valid.column("read_id").to_pylist(), valid.column("row_number").to_pylist(), strict=True
    ):
        index = row - 1
        if index in problems:
            keep.append(False)
        elif read_id in first:
            problems[index] = (
                f"read_id: {read_id} is repeated in this batch (first at index {first[read_id]})"
            )
            keep.append(False)
        else:
            first[read_id] = index
            keep.append(True)
    return keep


def _received(source: FeedSource, read_ids: list[str], now) -> set[str]:
    """Record the read ids; those never received before come back (one statement, so two pushes
    of the same read at once cannot both take it)."""
    if not read_ids:
        return set()
    table = ReceivedRead._meta.db_table
    at = connection.ops.adapt_datetimefield_value(now)
    values = ", ".join(["(%s, %s, %s)"] * len(read_ids))
    params = [p for read_id in read_ids for p in (read_id, source.pk, at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (read_id, source_id, received_at) VALUES {values} "  # noqa: S608 (names are ours)
            "ON CONFLICT (read_id) DO NOTHING RETURNING read_id",
            params,
        )
        return {row[0] for row in cursor.fetchall()}


def _quarantine(source: FeedSource, reads: list[dict], problems: dict[int, str], now) -> list[dict]:
    batch = now.strftime("%Y%m%dT%H%M%S.%fZ")
    rows = []
    for index in sorted(problems):
        raw = {str(k)[:40].replace("\x00", ""): _plain(v) for k, v in list(reads[index].items())[:10]}
        rows.append(
            QuarantinedRead(
                source=source,
                received_at=now,
                batch=batch,
                index=index,
                read_id=str(raw.get("read_id") or "")[:64],
                columns=problems[index].split(":", 1)[0][:100],
                reason=problems[index],
                raw=raw,
            )
        )
    QuarantinedRead.objects.bulk_create(rows)
    return [{"index": q.index, "read_id": q.read_id or None, "reason": q.reason} for q in rows]


def _plain(value) -> object:
    """A value as kept in the quarantine: short, NUL-free text or a number (PostgreSQL cannot hold NUL)."""
    if isinstance(value, int | float | bool) or value is None:
        return value
    return str(value)[:200].replace("\x00", "")


def _pass_on(source: FeedSource, accepted, result: PushResult) -> None:
    columns = [accepted.column(name) for name in ("read_id", "vrm", "camera_id")]
    columns += [accepted.column("seen_at").cast(pa.int64()), accepted.column("confidence")]
    reads = [list(read) for read in zip(*(c.to_pylist() for c in columns), strict=True)]
    if stream.enabled():
        try:
            result.entry_id = stream.add(Entry(source.pk, source.name, int(time.time() * 1_000_000), reads))
        except redis.RedisError as exc:  # raised inside the push's transaction: nothing is kept
            raise PushError(503, f"the stream cannot take the batch now ({exc}); send it again") from None
        return
    # No stream: stored here, inside the push's transaction. Named by its reads, so a retry after a
    # failed commit rewrites the same lake file.
    digest = hashlib.sha256("\n".join(sorted(r[0] for r in reads)).encode()).hexdigest()[:24]
    result.entry_id = f"inline-{digest}"
    entry = Entry(source.pk, source.name, int(time.time() * 1_000_000), reads)
    stored = store_entry(result.entry_id, entry)
    result.alerts_new = stored.alerts_new
    transaction.on_commit(lambda: tell(stored.tell))


def _audit(source: FeedSource, result: PushResult, given: int) -> None:
    audit_record(
        user=None,
        action=AuditAction.IMPORT,
        object_type="feed batch",
        object_id=result.entry_id or "",
        summary=f"{source.name}: {given} reads pushed, {result.accepted} accepted, "
        f"{result.duplicates} duplicates, {len(result.quarantined)} quarantined",
        path=LIVE.via,
    )
