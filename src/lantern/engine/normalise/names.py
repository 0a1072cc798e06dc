"""Person names, normalised to a matching key: "Mrs Zoë O'Brien-Łukasz" -> "zoe obrien lukasz".

Choices (all for matching across sources, not for display):

* Latin diacritics are folded to ASCII; letters that do not decompose (ł, ø, ß, æ, œ, đ, ð, þ,
  dotless i) are mapped by hand. Other scripts (Cyrillic, Arabic, CJK...) are kept, case-folded, never
  dropped: dropping them would give every non-Latin name the same empty key.
* Apostrophes are deleted ("O'Brien" -> "obrien"), as sources write the name with and without one.
* Hyphens, dots and other punctuation become spaces ("Smith-Jones" -> "smith jones"), so a
  hyphenated surname matches the same surname written with a space. ("smithjones" cannot match.)
* Titles are removed only from the start of the name or of a comma-separated part ("SMITH, Mr
  John"), so a surname such as Lord or Dame is kept in "Peter Lord". Generational suffixes are
  removed only from the end. A name that is nothing but titles normalises to "".
"""

from __future__ import annotations

import re
import unicodedata

from .errors import InvalidName, require_text

_TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "mstr", "master", "dr", "doctor", "prof", "professor", "sir", "rev"}
    | {"revd", "reverend", "lord", "lady", "dame"}
)
# Spelled-out "junior" is left alone: it is part of many Brazilian legal names.
_SUFFIXES = frozenset({"jr", "jnr", "sr", "snr", "ii", "iii", "iv"})
# Family-name particles kept with the surname by split_full_name ("van der Berg").
_PARTICLES = frozenset(
    {"van", "von", "de", "da", "di", "del", "della", "der", "den", "du", "la", "le", "des", "dos", "das"}
    | {"bin", "ibn", "al", "el", "ap", "st", "ter", "ten", "o", "ni", "nic", "mac", "ui"}  # ... Ó Briain
)

_APOSTROPHES = frozenset("'\u2019\u2018\u02bc\u02bb`\u00b4\u2032\u02b9")
_MANUAL = {
    "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae",
    "œ": "oe", "Œ": "oe", "đ": "d", "Đ": "d", "\u0131": "i", "ð": "d", "Ð": "d", "þ": "th", "Þ": "th",
    "ħ": "h", "Ħ": "h", "ŧ": "t", "Ŧ": "t", "ŋ": "n", "Ŋ": "n",
}  # fmt: skip
# Quoted or bracketed nicknames; a single quote must not touch a letter outside it (O'Brien).
_NICKNAME = re.compile(
    r"\([^()]*\)|\[[^\[\]]*\]|\"[^\"]*\"|\u201c[^\u201c\u201d]*\u201d|(?<!\w)'[^']*'(?!\w)"
)
_SEGMENT = ","  # the comma in "SMITH, John" separates name parts


def _is_diacritic(char: str) -> bool:
    """Generic combining diacritics, as opposed to script-specific marks (Devanagari vowel signs)."""
    code = ord(char)
    return (
        0x300 <= code <= 0x36F
        or 0x1AB0 <= code <= 0x1AFF
        or 0x1DC0 <= code <= 0x1DFF
        or 0x20D0 <= code <= 0x20FF
        or 0xFE20 <= code <= 0xFE2F
    )


def _fold_char(char: str) -> str:
    """What one (already case-folded) character becomes in a name key."""
    if char in _APOSTROPHES:
        return ""
    if char in _MANUAL:
        return _MANUAL[char]
    if char == _SEGMENT:
        return f" {_SEGMENT} "
    if char.isalnum():
        decomposed = unicodedata.normalize("NFKD", char)
        bare = "".join(c for c in decomposed if not _is_diacritic(c))
        return bare if bare != decomposed else char  # only take the decomposition to shed accents
    category = unicodedata.category(char)
    if category == "Cf" or _is_diacritic(char):  # zero-width and bidi controls, stray accents
        return ""
    if category.startswith("M"):  # script-specific marks belong to the letter before them
        return char
    return " "


class _FoldTable(dict[int, str]):
    """``str.translate`` table that works each character out once, on first sight."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def _raw_tokens(raw: str) -> list[str]:
    """Folded tokens, commas kept as separate "," tokens; no titles or suffixes removed."""
    text = raw.lower() if raw.isascii() else unicodedata.normalize("NFKC", raw).casefold()
    return text.translate(_FOLD).split()


def _strip_titles(tokens: list[str]) -> list[str]:
    """Drop titles leading each comma-separated part, then suffixes trailing the whole name."""
    kept: list[str] = []
    at_part_start = True
    for token in tokens:
        if token == _SEGMENT:
            at_part_start = True
        elif not (at_part_start and token in _TITLES):
            kept.append(token)
            at_part_start = False
    while kept and kept[-1] in _SUFFIXES:
        kept.pop()
    return kept


def _key(raw: str) -> str:
    return " ".join(_strip_titles(_raw_tokens(raw)))


def normalise_name(raw: str) -> str:
    """Lower case, ASCII-folded, no titles/suffixes/punctuation, single spaces. Never fails on text."""
    key = _key(require_text(raw, InvalidName))
    # Case folding and NFKC do not commute for a few exotic characters; re-running until stable
    # keeps the key idempotent. Plain ASCII keys are stable already.
    for _ in range(3):
        if key.isascii() or (again := _key(key)) == key:
            break
        key = again
    return key


def name_tokens(raw: str) -> list[str]:
    return normalise_name(raw).split()


def _is_one_of(raw_token: str, words: frozenset[str]) -> bool:
    tokens = _raw_tokens(raw_token)
    return len(tokens) == 1 and tokens[0] in words


def _surname_first(words: list[str]) -> int:
    """How many leading words are an upper-case surname ("SMITH John"), or 0.

    A leading token counts only with two or more letters including a vowel, so initials such as
    "JP Smith" stay given names; the rest of the name must contain lower case.
    """
    count = 0
    while count < len(words) and words[count].isupper():
        count += 1
    if not 0 < count < len(words) or not any(c.islower() for word in words[count:] for c in word):
        return 0
    first = "".join(c for c in words[0].lower() if c.isalpha())
    return count if len(first) >= 2 and any(v in first for v in "aeiouy") else 0


def split_full_name(raw: str) -> tuple[str, str]:
    """(given names, family name), both normalised, from "John Smith", "SMITH, John" or "SMITH John".

    Quoted or bracketed nicknames are left out. A single word is taken as the family name. Particles
    before the last word join the family name ("Ludwig van Beethoven") as long as a given name is left.
    """
    text = require_text(raw, InvalidName)
    text = _NICKNAME.sub(" ", text).strip() or text  # 'John "Jonny" Smith', 'John (aka JJ) Smith'
    family_part, comma, given_part = text.partition(_SEGMENT)
    if comma and normalise_name(given_part):
        family = [token for token in _raw_tokens(family_part) if token != _SEGMENT]
        while family and family[-1] in _SUFFIXES:  # "Smith Jr, John"; titles stay: "LORD, Peter"
            family.pop()
        return normalise_name(given_part), " ".join(family)
    words = text.replace(_SEGMENT, " ").split()
    while words and _is_one_of(words[0], _TITLES):
        words.pop(0)
    while words and _is_one_of(words[-1], _SUFFIXES):
        words.pop()
    split = _surname_first(words)
    if split:
        given_words, family_words = words[split:], words[:split]
    else:
        start = max(len(words) - 1, 0)
        while start > 1 and _is_one_of(words[start - 1], _PARTICLES):
            start -= 1
        given_words, family_words = words[:start], words[start:]
    return _join(given_words), _join(family_words)


def _join(words: list[str]) -> str:
    """Normalised words without title stripping (a family name may really be "Lord")."""
    return " ".join(token for word in words for token in _raw_tokens(word) if token != _SEGMENT)


def initials(given_names: str) -> str:
    """ "john paul" -> "jp"; "Jean-Luc" -> "jl"."""
    return "".join(token[0] for token in name_tokens(given_names))
