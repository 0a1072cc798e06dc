"""UK postcodes, normalised to the Royal Mail form "PE1 1AA" (outward code, one space, inward code).

Validation uses the positional letter rules of the official format (no Q/V/X first, no I/J/Z
second, restricted letters in A9A / AA9A outward codes and in the inward code), which also keeps
``find_postcodes`` from mistaking ordinary words and reference numbers for postcodes. Only shape is
checked, not whether Royal Mail has issued the postcode.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidPostcode, require_text

_MAX_RAW = 40

_OUTWARD = r"[A-PR-UWYZ](?:[0-9][0-9]?|[A-HK-Y][0-9][0-9]?|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"  # the inward letters never include C I K M O V
_INWARD_LETTERS = re.compile(r"[ABD-HJLNP-UW-Z]{2}")
_SPECIAL = "GIR0AA"  # Girobank, the one survivor of the pre-1970s exceptions

_COMPACT = re.compile(f"(?:{_OUTWARD}){_INWARD}")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00ad\u200b-\u200d\u2060\ufeff]+")
# In free text: case-insensitive, optional space(s), not glued to other letters or digits.
_IN_TEXT = re.compile(
    rf"(?<!\w)((?:{_OUTWARD})[ \t]{{0,3}}{_INWARD}|GIR[ \t]{{0,3}}0AA)(?!\w)", re.IGNORECASE
)

# Typing/OCR slips are fixed only where the position admits just one kind of character: the first
# character (always a letter) and the first inward character (always a digit). Elsewhere a letter
# and a digit may both be valid, so guessing could turn one real postcode into another.
_FIRST_LETTER = str.maketrans("01", "OI")
_INWARD_DIGIT = str.maketrans("OIL", "011")


def _compact(raw: object) -> str:
    text = require_text(raw, InvalidPostcode).strip()
    if len(text) > _MAX_RAW:
        raise InvalidPostcode(raw, f"it is too long ({len(text)} characters)")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", _EDGE_JUNK.sub("", text)).upper()


def _problem(compact: str) -> str:
    if not compact:
        return "it is empty"
    bad = next((c for c in compact if not ("A" <= c <= "Z" or "0" <= c <= "9")), None)
    if bad is not None:
        return f"it contains {bad!r}"
    if not 5 <= len(compact) <= 7:
        return f"it has {len(compact)} letters and digits, and UK postcodes have 5 to 7"
    outward, inward = compact[:-3], compact[-3:]
    if not inward[0].isdigit():
        return f"its inward code {inward!r} does not start with a digit"
    if not _INWARD_LETTERS.fullmatch(inward[1:]):
        return f"its inward code {inward!r} must end in two letters other than C, I, K, M, O and V"
    return f"{outward!r} is not a UK outward code"


def normalise_postcode(raw: str) -> str:
    """``"pe11aa"`` -> ``"PE1 1AA"``; raises :class:`InvalidPostcode`."""
    compact = _compact(raw)
    if 5 <= len(compact) <= 7:
        fixed = compact[0].translate(_FIRST_LETTER) + compact[1:-3] + compact[-3].translate(_INWARD_DIGIT)
        fixed += compact[-2:]
        if _COMPACT.fullmatch(fixed) or fixed == _SPECIAL:
            return f"{fixed[:-3]} {fixed[-3:]}"
    raise InvalidPostcode(raw, _problem(compact))


def postcode_district(pc: str) -> str:
    """The outward code: "PE1" for "PE1 1AA", "SW1A" for "SW1A 1AA" (the sub-district where one exists)."""
    return normalise_postcode(pc)[:-4]


def postcode_sector(pc: str) -> str:
    """The outward code and the inward digit: "PE1 1"."""
    return normalise_postcode(pc)[:-2]


def postcode_area(pc: str) -> str:
    """The leading letters: "PE", "M", "SW" (and "GIR" for GIR 0AA)."""
    outward = normalise_postcode(pc)[:-4]
    if outward == "GIR":
        return outward
    return outward[:2] if outward[1].isalpha() else outward[:1]


def find_postcodes(text: str) -> list[str]:
    """Normalised postcodes in free text, in order of first appearance, without repeats.

    Deliberately stricter than :func:`normalise_postcode`: no slip correction, so "SO1 OAA"-style
    guesses never create a postcode out of prose.
    """
    text = require_text(text, InvalidPostcode)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    found: dict[str, None] = {}
    for match in _IN_TEXT.finditer(text):
        try:
            found.setdefault(normalise_postcode(match.group(1)), None)
        except InvalidPostcode:  # Unicode case-insensitive matching can admit e.g. dotless i
            continue
    return list(found)
