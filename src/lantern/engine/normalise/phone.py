"""Telephone numbers, normalised to E.164 ("+447700900123") with Google's ``phonenumbers``.

Acceptance rule: a number must be *valid* (inside a range the numbering plan has allocated), not
merely *possible* (the right length). ``is_possible_number`` alone would let "00000000000" or
"07911 12345" through, and junk that normalises to a shared value would link unrelated people.
The cost: a number in a block Ofcom has not allocated (07911 925401) is refused, and a newly
allocated block is only accepted once ``phonenumbers`` is upgraded, so keep it current.

The one exception is Ofcom's ranges reserved for TV and radio drama, which the demo and the tests
use: ``phonenumbers`` (checked with 9.0.43) reports 07700 900xxx, 01632 960xxx and 0115 496 0xxx
as possible but *not* valid, because Ofcom never allocates them. They are accepted explicitly.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

from .errors import InvalidPhone, require_text

_MAX_RAW = 64

# Ofcom drama numbers (national significant numbers after +44), all of them, so that a future
# metadata change in ``phonenumbers`` cannot make a demo number invalid.
_DRAMA = re.compile(
    r"(?:11[3-8]|1[2-6]1)4960\d{3}"  # Leeds .. Reading, Birmingham .. Manchester: 01xx 496 0xxx
    r"|1914980\d{3}|2079460\d{3}|2896496\d{3}|2920180\d{3}"  # Tyneside, London, NI, Cardiff
    r"|1632960\d{3}|7700900\d{3}|8081570\d{3}|9098790\d{3}|3069990\d{3}"  # no area, mobile, 08, 09, 03
)
_TEL_PREFIX = re.compile(r"^(?:tel\.?\s*no|mobile|mob|phone|tel)\s*[:.]?\s*", re.IGNORECASE)
# An extension cannot be stored in E.164; it is dropped (the line is the same subscriber).
_EXTENSION = re.compile(r"\s*(?:;\s*ext=|ext(?:ension|n)?\.?|x|#)\s*\d{1,6}\s*$", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")

_REASONS = {
    ValidationResult.TOO_SHORT: "it is too short",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "it is too short (a local number without its area code?)",
    ValidationResult.TOO_LONG: "it is too long",
    ValidationResult.INVALID_LENGTH: "it has the wrong number of digits for its country",
    ValidationResult.INVALID_COUNTRY_CODE: "its country code does not exist",
    ValidationResult.IS_POSSIBLE: "it is not in any range allocated to phones",
}
_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "its country code does not exist",
    NumberParseException.TOO_SHORT_AFTER_IDD: "it is too short",
    NumberParseException.TOO_SHORT_NSN: "it is too short",
    NumberParseException.TOO_LONG: "it is too long (more than one number in the field?)",
}


def _is_drama(number: PhoneNumber) -> bool:
    return number.country_code == 44 and _DRAMA.fullmatch(str(number.national_number)) is not None


def _parse(raw: object, region: str) -> PhoneNumber:
    text = require_text(raw, InvalidPhone).strip()
    if len(text) > _MAX_RAW:
        raise InvalidPhone(raw, f"it is too long ({len(text)} characters)")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _EXTENSION.sub("", _TEL_PREFIX.sub("", text))
    # phonenumbers reads letters as keypad digits (0800 FLOWERS); in our data letters are notes
    # ("07911 123456 mum") or junk, and turning them into digits would invent a number.
    if _LETTER.search(text):
        raise InvalidPhone(raw, "it contains letters")
    if not any(c.isdigit() for c in text):
        raise InvalidPhone(raw, "it is empty" if not text.strip() else "it has no digits")
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise InvalidPhone(raw, _PARSE_REASONS.get(exc.error_type, "it could not be read")) from exc
    if not (phonenumbers.is_valid_number(number) or _is_drama(number)):
        raise InvalidPhone(raw, _REASONS.get(phonenumbers.is_possible_number_with_reason(number), ""))
    return number


@lru_cache(maxsize=1 << 16)  # parsing costs ~50us and the same numbers recur on many rows
def _e164(raw: str, region: str) -> str:
    return phonenumbers.format_number(_parse(raw, region), PhoneNumberFormat.E164)


def _check_region(region: str) -> str:
    upper = region.upper() if isinstance(region, str) else ""
    if upper not in phonenumbers.SUPPORTED_REGIONS:
        # A programming error, not bad data: deliberately not an InvalidPhone.
        raise ValueError(f"{region!r} is not a region phonenumbers knows: expected a code such as 'GB'")
    return upper


def normalise_phone(raw: str, region: str = "GB") -> str:
    """``"07700 900123"`` -> ``"+447700900123"``; numbers without ``+`` are read as ``region``'s.

    Accepts spaces, hyphens, dots, brackets, "+44 (0)", 0044, 44 without "+", a lost leading 0
    (spreadsheets), "tel:" and an extension (dropped). Raises :class:`InvalidPhone`.
    """
    region = _check_region(region)
    if not isinstance(raw, str):
        require_text(raw, InvalidPhone)
    return _e164(raw, region)


def display_phone(e164: str) -> str:
    """National format for +44 numbers ("07700 900123"), international otherwise ("+33 1 23 45 67 89")."""
    number = phonenumbers.parse(normalise_phone(e164))
    style = PhoneNumberFormat.NATIONAL if number.country_code == 44 else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)
