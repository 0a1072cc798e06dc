"""Address lines folded to a comparable key (the postcode carries most of the identity)."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
# Common abbreviations in police and council address data, folded to one spelling.
_ABBREVIATIONS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "cres": "crescent",
    "cl": "close",
    "ct": "court",
    "dr": "drive",
    "gdns": "gardens",
    "gr": "grove",
    "pl": "place",
    "sq": "square",
    "tce": "terrace",
    "flt": "flat",
    "apt": "flat",
    "apartment": "flat",
}


def address_key(line: str) -> str:
    """Lower case, ASCII, punctuation to spaces, abbreviations expanded.

    "12a, Park Rd." -> "12a park road"
    """
    folded = unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode().lower()
    words = _NON_WORD.sub(" ", folded).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)
