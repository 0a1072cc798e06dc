"""Plate keys for screening: every way an ANPR camera might misread a watched plate.

ANPR confuses O/0, I/1, S/5, B/8 and Z/2 (the pairs ``vrm_confusion_key`` folds). Rather than
fold every read (tens of millions a day), each watched plate is expanded into its few variants
(2^k for k confusable characters, at most 128 for seven), so screening is one equality hash join
on the plate as read. A read equal to a variant but not to the plate is a possible misread.
"""

from __future__ import annotations

from itertools import product

PAIRS = {"O": "0", "0": "O", "I": "1", "1": "I", "S": "5", "5": "S", "B": "8", "8": "B", "Z": "2", "2": "Z"}


def plate_variants(vrm: str) -> list[str]:
    """The plate itself first, then each misread variant (upper case, no spaces)."""
    options = [(ch, PAIRS[ch]) if ch in PAIRS else (ch,) for ch in vrm]
    variants = ["".join(chars) for chars in product(*options)]
    return [vrm, *sorted(set(variants) - {vrm})]
