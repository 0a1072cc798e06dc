"""``POST /api/anpr/reads``: ANPR systems push reads in small batches, with a feed token.

A router of the partner API (one OpenAPI schema at /api/schema) with its own bearer auth: a feed
token is checked against feed sources only, and the partner operations accept partner tokens
only, so neither kind of token opens the other's door. A field of the wrong JSON type, an unknown
field, a NUL character or text beyond a field's length refuses the batch (422, naming the read and
field); a read that is well formed but wrong (no plate, a bad or future time, an unknown camera,
a repeated read id) is quarantined with its reason and the rest are accepted.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import ConfigDict, field_validator

from lantern.orders.live.feeds import token_verify
from lantern.orders.live.ingest import MAX_BYTES, MAX_READS, PushError, push_reads


class FeedToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        source = token_verify(token)
        if source is None:
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BYTES:  # refused before the body is read
            raise HttpError(413, f"the batch is {length:,} bytes; send at most {MAX_BYTES:,} bytes a batch")
        request.feed_source = source
        return source


router = Router(auth=FeedToken(), tags=["ANPR feed"])


class ReadIn(Schema):
    model_config = ConfigDict(extra="forbid")

    read_id: str | int | None = Field(None, description="unique per read, at most 64 characters")
    vrm: str | None = Field(None, max_length=40, description="the plate as read")
    camera_id: str | None = Field(None, max_length=100, description="a camera Lantern knows")
    seen_at: str | None = Field(None, max_length=64, description="ISO 8601 with a UTC offset")
    confidence: float | None = Field(None, description="0 to 1, or a percentage")

    @field_validator("read_id", "vrm", "camera_id", "seen_at")
    @classmethod
    def _no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("holds a NUL character")
        if isinstance(value, str) and len(value) > 200:
            raise ValueError("longer than 200 characters")
        return value


class ReadsIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reads: list[ReadIn] = Field(..., max_length=MAX_READS)


class QuarantinedOut(Schema):
    index: int
    read_id: str | None
    reason: str


class PushOut(Schema):
    accepted: int
    duplicates: int
    quarantined: list[QuarantinedOut]


class ErrorOut(Schema):
    detail: str


@router.post(
    "/reads",
    response={200: PushOut, 202: PushOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    summary="Push a batch of ANPR reads (at most 1,000 reads and 1 MB)",
    description="202: accepted onto the stream for matching; 200: matched in the request (no stream).",
)
def reads_push(request: HttpRequest, body: ReadsIn):
    if len(request.body) > MAX_BYTES:
        raise HttpError(
            413, f"the batch is {len(request.body):,} bytes; send at most {MAX_BYTES:,} bytes a batch"
        )
    reads = [read.model_dump(exclude_unset=True) for read in body.reads]
    try:
        result = push_reads(source=request.feed_source, reads=reads)
    except PushError as exc:
        raise HttpError(exc.status, str(exc)) from None
    return Status(202 if result.queued else 200, result.as_json())
