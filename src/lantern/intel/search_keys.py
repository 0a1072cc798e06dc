"""The normalised keys entities are indexed by, and the keys a typed query could mean.

One index serves every kind: a key is ``<kind>:<normalised value>``. A query is normalised every
way it could be read (a VRM, a phone number, a postcode, an e-mail, a name) so that typing
``ab12cde`` finds ``AB12 CDE`` and ``07700 900123`` finds ``+447700900123``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from lantern.engine.normalise import (
    NormalisationError,
    display_phone,
    name_tokens,
    normalise_email,
    normalise_handle,
    normalise_phone,
    normalise_postcode,
    normalise_vrm,
    postcode_district,
    vrm_confusion_key,
)
from lantern.engine.normalise.address import address_key


def person_keys(given: str, family: str, aliases: Sequence[str], dob: date | None) -> list[str]:
    tokens = {t for text in (given, family, *aliases) for t in name_tokens(text)}
    keys = [f"name:{token}" for token in tokens]
    if dob:
        keys.append(f"dob:{dob.isoformat()}")
    return keys


def vehicle_keys(vrm: str) -> list[str]:
    return [f"vrm:{vrm}", f"ck:{vrm_confusion_key(vrm)}"]


def phone_keys(e164: str) -> list[str]:
    return [f"tel:{e164}"]


def phone_label(e164: str) -> str:
    return display_phone(e164)


def identity_keys(platform: str, handle: str) -> list[str]:
    return [f"handle:{handle}"] + ([f"email:{handle}"] if platform == "email" else [])


def location_keys(postcode: str, line1: str, uprn: str) -> list[str]:
    keys = [f"addr:{token}" for token in address_key(line1).split()]
    if postcode:
        keys += [f"pc:{postcode}", f"pd:{postcode_district(postcode)}"]
    if uprn:
        keys.append(f"uprn:{uprn}")
    return keys


def exact_keys_for_query(query: str) -> list[str]:
    """Every key the whole query could be, read as each kind of identifier."""
    keys: list[str] = []
    for builder in (_as_vrm, _as_phone, _as_postcode, _as_email, _as_handle, _as_uprn):
        try:
            keys += builder(query)
        except NormalisationError:
            continue
    return keys


def word_keys_for_query(query: str) -> list[list[str]]:
    """For name and address search: per word, the keys that word could match (all words must match)."""
    words = name_tokens(query)
    return [
        [f"name:{word}", f"addr:{address_key(word)}", f"pd:{word.upper()}", f"handle:{word}"]
        for word in words
    ]


def _as_vrm(query: str) -> list[str]:
    vrm = normalise_vrm(query)
    return [f"vrm:{vrm}"]


def _as_phone(query: str) -> list[str]:
    if sum(ch.isdigit() for ch in query) < 7:
        return []
    return [f"tel:{normalise_phone(query)}"]


def _as_postcode(query: str) -> list[str]:
    return [f"pc:{normalise_postcode(query)}"]


def _as_email(query: str) -> list[str]:
    return [f"email:{normalise_email(query)}"] if "@" in query.strip()[1:] else []


def _as_handle(query: str) -> list[str]:
    return [f"handle:{normalise_handle(query)}"] if query.strip().startswith("@") else []


def _as_uprn(query: str) -> list[str]:
    digits = query.strip()
    return [f"uprn:{digits}"] if digits.isdigit() and 6 <= len(digits) <= 12 else []
