"""Feed sources and their tokens: like partner tokens, only a token's SHA-256 is kept.

A feed token starts ``lanfeed_`` and a partner token ``lan_``; each API checks its own prefix and
looks up its own table, so a partner token cannot push reads and a feed token reads nothing.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import SYSTEM, Actor, StoreError
from lantern.orders.live.models import FeedSource

TOKEN_PREFIX = "lanfeed_"  # noqa: S105 (a marker that makes a leaked token recognisable, not a secret)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit(actor: Actor, action, source: FeedSource, summary: str) -> None:
    audit_record(
        user=actor.user,
        action=action,
        object_type="feed source",
        object_id=str(source.pk),
        summary=summary,
        path=actor.via,
    )


def _checked_name(name: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 64 or not all(ch.isalnum() or ch in "-_." for ch in name):
        raise StoreError(f"feed name {name[:70]!r}: use up to 64 letters, digits, '-', '_' or '.'.")
    return name


def feed_add(*, name: str, silence_minutes: int = 15, actor: Actor = SYSTEM) -> tuple[FeedSource, str]:
    """A new feed source with its first token (returned once, never stored)."""
    name = _checked_name(name)
    if not 1 <= silence_minutes <= 7 * 24 * 60:
        raise StoreError("silence: give the minutes of quiet after which to warn (1 to 10,080).")
    if FeedSource.objects.filter(name=name).exists():
        raise StoreError(f"feed {name} already exists: `lantern feed token {name}` gives it a new token.")
    with transaction.atomic():
        source = FeedSource.objects.create(name=name, silence_minutes=silence_minutes)
        plain = _new_token(source)
        _audit(actor, AuditAction.CREATE, source, f"feed source {name} (token {source.token_prefix})")
    return source, plain


def feed_token(*, name: str, actor: Actor = SYSTEM) -> tuple[FeedSource, str]:
    """A new token for the feed; its previous token stops working. The feed is active again."""
    source = feed_get(name)
    with transaction.atomic():
        plain = _new_token(source)
        source.active = True
        source.save(update_fields=["active"])
        _audit(
            actor, AuditAction.UPDATE, source, f"feed source {source.name}: new token {source.token_prefix}"
        )
    return source, plain


def feed_revoke(*, name: str, actor: Actor = SYSTEM) -> FeedSource:
    """The feed stops: its token is refused. What it sent is kept."""
    source = feed_get(name)
    with transaction.atomic():
        source.active = False
        source.token_hash = ""
        source.save(update_fields=["active", "token_hash"])
        _audit(actor, AuditAction.UPDATE, source, f"feed source {source.name} revoked")
    return source


def feed_get(name: str) -> FeedSource:
    source = FeedSource.objects.filter(name=name.strip().lower()).first()
    if source is None:
        raise StoreError(f"no feed source named {name[:70]!r}: `lantern feed list` shows them.")
    return source


def _new_token(source: FeedSource) -> str:
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    source.token_prefix = plain[:16]
    source.token_hash = _hash(plain)
    source.save(update_fields=["token_prefix", "token_hash"])
    return plain


def token_verify(plain: str) -> FeedSource | None:
    """The active feed source this token belongs to, or None. Looked up by hash only."""
    if not isinstance(plain, str) or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    return FeedSource.objects.filter(token_hash=_hash(plain), active=True).first()


def mark_batch(source: FeedSource) -> None:
    """The time of the source's latest batch; a new batch ends any silence warning."""
    FeedSource.objects.filter(pk=source.pk).update(last_batch_at=timezone.now(), silence_warned_at=None)
