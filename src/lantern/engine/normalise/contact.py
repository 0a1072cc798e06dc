"""E-mail addresses and online handles.

Only provider-neutral normalisation is done: case, surrounding junk, the "Name <addr>" and
"mailto:" wrappers. Dots and "+tags" are kept, since whether they matter depends on the provider
(Gmail ignores them, most others do not), and folding them would merge different people.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidEmail, InvalidHandle, require_text

_MAX_RAW = 512
_MAX_EMAIL = 254  # RFC 5321 path limit
_MAX_LOCAL = 64
_MAX_HANDLE = 256

_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL_OR_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_ANGLE = re.compile(r"<([^<>]*)>\s*$")  # 'Jane Doe <jane@example.com>'
# Characters that cannot start or end an address; an apostrophe can (o'brien@, 'x@), so a pair of
# them is removed only when it wraps the whole address.
_EDGE_JUNK = re.compile(r"^[\s\"(\[<]+|[\s\")\]>.,;:]+$")
_LOCAL_BAD = re.compile(r"[\s\x00-\x1f\x7f<>()\[\]\\,;:\"]")
# A domain label: letters/digits (any script, for IDNs) with inner hyphens.
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?")
_HANDLE_LEAD = re.compile(r"^[@\s]+")


def _clean(raw: object, error: type[InvalidEmail] | type[InvalidHandle], limit: int) -> str:
    text = require_text(raw, error).strip()
    if len(text) > limit:
        raise error(raw, f"it is too long ({len(text)} characters)")
    if not text.isascii():
        text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    return text


def _email_problem(address: str) -> str:
    """Why a cleaned, lower-cased address is not acceptable, or "" if it is."""
    if not address:
        return "it is empty"
    if address.count("@") != 1:
        return "it has no @" if "@" not in address else "it has more than one @"
    local, domain = address.split("@")
    if not local:
        return "there is nothing before the @"
    if bad := _LOCAL_BAD.search(local):
        return f"the part before the @ contains {bad.group()!r}"
    if len(local) > _MAX_LOCAL or len(address) > _MAX_EMAIL:
        return "it is too long"
    labels = domain.split(".")
    if len(labels) < 2:
        return f"its domain {domain!r} has no dot"
    if not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        return f"its domain {domain!r} is not a domain name"
    return ""


def normalise_email(raw: str) -> str:
    """``" <Jane.Doe+x@Example.COM>. "`` -> ``"jane.doe+x@example.com"``; raises :class:`InvalidEmail`."""
    text = _MAILTO.sub("", _clean(raw, InvalidEmail, _MAX_RAW))
    if angle := _ANGLE.search(text):
        text = angle.group(1)
    address = _EDGE_JUNK.sub("", _MAILTO.sub("", text.strip()))
    if len(address) > 1 and address[0] == address[-1] == "'":
        address = _EDGE_JUNK.sub("", address[1:-1])
    address = address.lower()
    if problem := _email_problem(address):
        raise InvalidEmail(raw, problem)
    return address


def normalise_handle(raw: str) -> str:
    """``"  @Some_User "`` -> ``"some_user"``; raises :class:`InvalidHandle` (a NormalisationError)."""
    text = _CONTROL_OR_SPACE.sub(" ", _clean(raw, InvalidHandle, _MAX_RAW))
    handle = _HANDLE_LEAD.sub("", text).strip().lower()
    if not handle:
        raise InvalidHandle(raw, "it is empty")
    if len(handle) > _MAX_HANDLE:
        raise InvalidHandle(raw, f"it is too long ({len(handle)} characters)")
    return handle
