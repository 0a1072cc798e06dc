"""The Redis Stream between the push endpoint and the consumer, and the entry it carries.

One entry per accepted batch: a single ``data`` field holding JSON with the feed source, the time
the batch was received (microseconds since the epoch, stamped when it was put on the stream) and
its reads, already checked, as ``[read_id, vrm, camera_id, seen_us, confidence]``. The consumer
group (``LANTERN_LIVE_GROUP``) keeps each consumer's unacknowledged entries, so an entry is only
gone once a consumer has stored it and said so (XACK).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyarrow as pa
import redis
from django.conf import settings

from lantern.engine.lake_ingest import READ_SCHEMA

ENTRY_VERSION = "1"
_clients: dict[str, redis.Redis] = {}


class EntryError(ValueError):
    """A stream entry that cannot be read (not written by Lantern, or damaged)."""


@dataclass(frozen=True)
class Entry:
    source_id: int | None
    source: str
    received_us: int
    reads: list[list]  # [read_id, vrm, camera_id, seen_us, confidence or None]

    def encode(self) -> dict[str, str]:
        data = {"source_id": self.source_id, "source": self.source, "received_us": self.received_us}
        return {"v": ENTRY_VERSION, "data": json.dumps({**data, "reads": self.reads}, separators=(",", ":"))}

    @classmethod
    def decode(cls, fields: dict | None) -> Entry:
        try:
            if not fields or fields.get("v") != ENTRY_VERSION:
                raise EntryError(f"not a version {ENTRY_VERSION} entry")
            data = json.loads(fields["data"])
            reads = data["reads"]
            if not isinstance(reads, list) or not all(isinstance(r, list) and len(r) == 5 for r in reads):
                raise EntryError("its reads are not a list of [read_id, vrm, camera_id, seen_us, confidence]")
            return cls(data.get("source_id"), str(data.get("source") or ""), int(data["received_us"]), reads)
        except (KeyError, TypeError, ValueError) as exc:
            raise EntryError(f"the entry cannot be read ({exc})") from None

    def table(self) -> pa.Table:
        """The reads with the lake's columns and types (``lantern import reads`` writes the same)."""
        columns = list(zip(*self.reads, strict=True)) if self.reads else [[]] * 5
        try:
            return pa.table(
                {
                    "read_id": pa.array(columns[0], pa.string()),
                    "vrm": pa.array(columns[1], pa.string()),
                    "camera_id": pa.array(columns[2], pa.string()),
                    "seen_at": pa.array(columns[3], pa.int64()).cast(pa.timestamp("us", tz="UTC")),
                    "confidence": pa.array(columns[4], pa.float32()),
                },
                schema=READ_SCHEMA,
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise EntryError(f"its reads have the wrong types ({exc})") from None


def enabled() -> bool:
    return bool(settings.LANTERN_REDIS_URL)


def client() -> redis.Redis:
    url = settings.LANTERN_REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, decode_responses=True, socket_timeout=30)
    return _clients[url]


def ensure_group() -> None:
    """The consumer group, made with the stream if need be; it survives consumers' restarts."""
    try:
        client().xgroup_create(
            settings.LANTERN_LIVE_STREAM, settings.LANTERN_LIVE_GROUP, id="0", mkstream=True
        )
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def add(entry: Entry) -> str:
    return client().xadd(settings.LANTERN_LIVE_STREAM, entry.encode())


def acknowledge(entry_id: str) -> None:
    client().xack(settings.LANTERN_LIVE_STREAM, settings.LANTERN_LIVE_GROUP, entry_id)


def claim_stale(consumer: str, count: int) -> list[tuple[str, dict]]:
    """Entries another consumer read but did not acknowledge within the claim time (it died)."""
    reply = client().xautoclaim(
        settings.LANTERN_LIVE_STREAM,
        settings.LANTERN_LIVE_GROUP,
        consumer,
        min_idle_time=settings.LANTERN_LIVE_CLAIM_MS,
        start_id="0-0",
        count=count,
    )
    return list(reply[1])


def read(consumer: str, *, pending: bool, count: int, block_ms: int = 0) -> list[tuple[str, dict]]:
    """This consumer's own unacknowledged entries (``pending``: after a restart), else new ones."""
    reply = client().xreadgroup(
        settings.LANTERN_LIVE_GROUP,
        consumer,
        {settings.LANTERN_LIVE_STREAM: "0" if pending else ">"},
        count=count,
        block=None if pending or block_ms <= 0 else block_ms,
    )
    return [item for _, items in reply or [] for item in items]
