"""Per-client rate limits for the public forms, without keeping who the client is.

The client key is a salted SHA-256 of the address the request came from; it lives only in the
cache (never in the database) and the salt changes daily, so the key cannot be turned back into an
address or followed from one day to the next. No third-party service is involved.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def _client_key(request, scope: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    day = timezone.now().date().isoformat()
    digest = hashlib.sha256(f"{settings.SECRET_KEY}|{day}|{address}".encode()).hexdigest()[:32]
    return f"lantern:rate:{scope}:{digest}"


def allow(request, scope: str, *, limit: int, window_seconds: int) -> bool:
    """True while this client has made fewer than ``limit`` attempts in the window; counts this one."""
    key = _client_key(request, scope)
    if cache.add(key, 1, timeout=window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return True
    return count <= limit
