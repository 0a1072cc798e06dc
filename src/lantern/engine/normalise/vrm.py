"""UK vehicle registration marks (VRMs).

The normal form is upper case with no separators ("AB12CDE"): what ANPR cameras and the DVLA use
as a key. Validation is structural only: it checks the shape of each DVLA series, not which letters
or age identifiers have actually been issued, so a rule change or a new half-year never makes a
real plate unreadable.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, cast

from .errors import InvalidVRM, require_text

VRMFormat = Literal["current", "prefix", "suffix", "dateless", "northern_ireland"]  # _FORMATS groups

_MAX_CHARS = 7  # the longest UK series (current, prefix, suffix, ABZ 1234) has 7 characters
# Inputs longer than this (after trimming whitespace) are rejected before any regex runs, which
# keeps the cost per row bounded whatever a source puts in the field.
_MAX_RAW = 40

# Outside junk (quotes, brackets, a trailing full stop) is dropped; inside, only separators are.
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
# Whitespace, dots, underscores, hyphens and dashes, and invisible characters from copy and paste.
_SEPARATORS = re.compile(r"[\s._\-\u2010-\u2015\u2212\u00ad\u200b-\u200d\u2060\ufeff]+")
_ANY_ALNUM = re.compile(r"[^\W_]+")

# Numbers never start with 0 in any series except the two-digit age identifier of current plates.
_FORMATS = re.compile(
    r"(?P<current>[A-Z]{2}[0-9]{2}[A-Z]{3})"
    r"|(?P<prefix>[A-Z][1-9][0-9]{0,2}[A-Z]{3})"  # A123 BCD, 1983-2001 (and Q plates)
    r"|(?P<suffix>[A-Z]{3}[1-9][0-9]{0,2}[A-Z])"  # ABC 123D, 1963-1983
    # NI: an optional serial letter then a two-letter county code, which always contains I or Z;
    # tried before dateless so that "ABZ 123" is NI and GB dateless never claims I/Z codes.
    r"|(?P<northern_ireland>[A-Z]?(?:[IZ][A-Z]|[A-Z][IZ])[1-9][0-9]{0,3})"
    r"|(?P<dateless>[A-Z]{1,2}[1-9][0-9]{0,3}|[A-Z]{3}[1-9][0-9]{0,2}"
    r"|[1-9][0-9]{0,3}[A-Z]{1,2}|[1-9][0-9]{0,2}[A-Z]{3})"
)

# ANPR misreads: each pair folds to its digit.
_CONFUSIONS = str.maketrans("OISBZ", "01582")


def _compact(raw: object) -> str:
    """Upper case, without surrounding junk or inner separators; not yet validated."""
    text = require_text(raw, InvalidVRM).strip()
    if len(text) > _MAX_RAW:
        raise InvalidVRM(raw, f"it is too long ({len(text)} characters)")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # fullwidth and other compatibility forms
    return _SEPARATORS.sub("", _EDGE_JUNK.sub("", text)).upper()


def _classify(raw: object) -> tuple[str, VRMFormat]:
    compact = _compact(raw)
    match = _FORMATS.fullmatch(compact) if compact.isascii() else None
    if match is None:
        raise InvalidVRM(raw, _problem(compact))
    return compact, cast(VRMFormat, match.lastgroup)


def _problem(compact: str) -> str:
    """The most specific reason a compacted string is not a VRM."""
    if not compact:
        return "it is empty"
    bad = next((c for c in compact if not ("A" <= c <= "Z" or "0" <= c <= "9")), None)
    if bad is not None:
        return f"it contains {bad!r}"
    if len(compact) > _MAX_CHARS:
        return f"it has {len(compact)} letters and digits, and UK registrations have at most {_MAX_CHARS}"
    if compact.isdigit():
        return "it has no letters"
    if compact.isalpha():
        return "it has no digits"
    return ""


def normalise_vrm(raw: str) -> str:
    """``" ab12-cde "`` -> ``"AB12CDE"``; raises :class:`InvalidVRM` if no UK series fits."""
    return _classify(raw)[0]


def vrm_format(norm: str) -> VRMFormat:
    """Which series: current, prefix, suffix, dateless or northern_ireland (raw input is fine too)."""
    return _classify(norm)[1]


def display_vrm(norm: str) -> str:
    """The plate as printed: AB12 CDE, A123 BCD, ABC 123D, AB 1234, ABZ 1234 (raw input is fine too)."""
    compact, fmt = _classify(norm)
    if fmt in ("current", "prefix"):
        return f"{compact[:-3]} {compact[-3:]}"
    if fmt == "suffix":
        return f"{compact[:3]} {compact[3:]}"
    # dateless and NI: one space between the letter and digit groups
    split = next(i for i in range(1, len(compact)) if compact[i].isdigit() != compact[0].isdigit())
    return f"{compact[:split]} {compact[split:]}"


def vrm_confusion_key(raw_or_norm: str) -> str:
    """Fold the ANPR misread pairs O/0, I/1, S/5, B/8, Z/2 to the digit.

    Never validates, since misreads are often not valid plates; only letters and digits are kept.
    Raises :class:`InvalidVRM` only when there are none.
    """
    text = require_text(raw_or_norm, InvalidVRM)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    key = "".join(_ANY_ALNUM.findall(text)).upper()
    if not key.isascii():  # upper case can decompose a letter (Greek, say): fold again so keys are stable
        key = "".join(_ANY_ALNUM.findall(unicodedata.normalize("NFKC", key)))
    key = key.translate(_CONFUSIONS)
    if not key:
        raise InvalidVRM(raw_or_norm, "it has no letters or digits")
    return key
