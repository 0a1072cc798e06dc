"""Deterministic ids from normalised natural keys (OpenCTI style).

Importing the same thing twice must create nothing new, so an entity whose natural key is known
(a VRM, an E.164 number, a postcode and address, a source's own record id) always gets the same
UUID. Callers pass keys already normalised by ``lantern.engine.normalise``.
"""

from __future__ import annotations

import uuid

LANTERN_NAMESPACE = uuid.UUID("6f1c2a4e-6b0e-5d7a-9c3b-1a2b3c4d5e6f")
_SEPARATOR = "\x1f"  # a control character cannot occur in a normalised key


def stable_id(kind: str, *key_parts: object) -> uuid.UUID:
    """The UUID for an object of ``kind`` whose normalised natural key is ``key_parts``."""
    if not key_parts or all(part in (None, "") for part in key_parts):
        raise ValueError(f"a {kind} needs a natural key to get a stable id")
    text = _SEPARATOR.join([kind, *("" if part is None else str(part) for part in key_parts)])
    return uuid.uuid5(LANTERN_NAMESPACE, text)
