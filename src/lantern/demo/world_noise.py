"""How sources write values: typos, nicknames, date slips, phone and plate formats.

Every function takes the caller's ``random.Random`` so the world stays deterministic per seed.
Phone numbers come only from Ofcom's ranges reserved for drama; plates are valid current-format
UK registrations made up at random.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from lantern.demo.world_vocab import NICKNAMES

# Ofcom drama ranges as (area code, local number prefix, local digits to add, first, last).
_DRAMA_RANGES: tuple[tuple[str, str, int, int, int], ...] = (
    ("07700", "900", 3, 0, 999),
    ("01632", "960", 3, 0, 999),
    ("0113", "496", 4, 0, 999),
    ("0114", "496", 4, 0, 999),
    ("0115", "496", 4, 0, 999),
    ("0116", "496", 4, 0, 999),
    ("0117", "496", 4, 0, 999),
    ("0118", "496", 4, 0, 999),
    ("0121", "496", 4, 0, 999),
    ("0131", "496", 4, 0, 999),
    ("0141", "496", 4, 0, 999),
    ("0151", "496", 4, 0, 999),
    ("0161", "496", 4, 0, 999),
    ("0191", "498", 4, 0, 999),
    ("020", "7946", 4, 0, 999),
    ("029", "2018", 4, 0, 999),
    ("028", "9649", 4, 6000, 6999),
)

# Current-format registrations: no I/Q/Z in the memory tag, no I/Q in the random letters.
TAG_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
RANDOM_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXYZ"
PETERBOROUGH_TAG_SECOND = "ABCDEFGHJKLMN"  # Peterborough's memory tags run AA to AN
AGE_IDS = tuple(f"{n:02d}" for n in [*range(2, 27), *range(51, 76)])  # 2002 to March 2026

# Characters ANPR confuses (DOMAIN.md): used to make misread plates.
MISREADS = {
    "0": "O",
    "O": "0",
    "1": "I",
    "I": "1",
    "5": "S",
    "S": "5",
    "8": "B",
    "B": "8",
    "2": "Z",
    "Z": "2",
}

_KEYBOARD_NEIGHBOURS = {
    "a": "sq",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "n": "bm",
    "m": "n",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "l": "k",
    "h": "gj",
    "d": "sf",
    "c": "xv",
    "y": "tu",
}


def drama_phone_pool() -> list[tuple[str, str]]:
    """Every drama number as (area code, local part): about 17,000 numbers."""
    pool = []
    for area, prefix, width, first, last in _DRAMA_RANGES:
        for n in range(first, last + 1):
            pool.append((area, f"{prefix}{n:0{width}d}"))
    return pool


def format_phone(rng: random.Random, phone: tuple[str, str]) -> str:
    area, local = phone
    mobile = area.startswith("07")
    styles = [
        f"{area} {local}",
        f"{area}{local}",
        f"+44 {area[1:]} {local}",
        f"+44{area[1:]}{local}",
        f"({area}) {local}",
    ]
    if mobile:
        styles.append(f"{area} {local[:3]} {local[3:]}")
        styles.append(f"{area}-{local[:3]}-{local[3:]}")
    else:
        styles.append(f"{area} {local[:3]} {local[3:]}")
    return rng.choice(styles)


def canonical_phone(phone: tuple[str, str]) -> str:
    return f"{phone[0]} {phone[1]}"


def make_plate(rng: random.Random) -> str:
    """A current-format Peterborough plate (memory tag AA-AN), upper case without a space.

    The bulk (national) noise never uses tags starting with A, so it cannot collide with these.
    """
    tag = "A" + rng.choice(PETERBOROUGH_TAG_SECOND)
    tail = "".join(rng.choice(RANDOM_LETTERS) for _ in range(3))
    return f"{tag}{rng.choice(AGE_IDS)}{tail}"


def format_plate(rng: random.Random, plate: str) -> str:
    """As a person would write it: spacing and case vary."""
    spaced = f"{plate[:4]} {plate[4:]}"
    styles = [spaced, spaced, plate, plate.lower(), spaced.lower(), f"{plate[:2]} {plate[2:4]} {plate[4:]}"]
    return rng.choice(styles)


def misread(plate: str, position: int | None = None) -> str:
    """The plate with one confusable character swapped (the first one, or the one at ``position``)."""
    positions = [i for i, ch in enumerate(plate) if ch in MISREADS]
    if not positions:
        return plate
    i = position if position in positions else positions[0]
    return plate[:i] + MISREADS[plate[i]] + plate[i + 1 :]


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip: transposition, dropped, doubled or neighbouring letter."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    neighbours = _KEYBOARD_NEIGHBOURS.get(word[i].lower())
    return word[:i] + rng.choice(neighbours) + word[i + 1 :] if neighbours else word


def given_name_variant(rng: random.Random, name: str) -> str:
    """The name as one source knows it: formal, a nickname, or a typo."""
    roll = rng.random()
    if roll < 0.25 and name in NICKNAMES:
        return rng.choice(NICKNAMES[name])
    if roll < 0.33:
        return typo(rng, name)
    return name


def surname_variant(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.08:
        return typo(rng, name)
    if roll < 0.12:
        return name.upper()
    return name


def dob_variant(rng: random.Random, dob: date) -> date | None:
    """Missing, day/month swapped, year digits transposed, or a day out; usually right."""
    roll = rng.random()
    if roll < 0.15:
        return None
    if roll < 0.21 and dob.day <= 12 and dob.day != dob.month:
        return dob.replace(day=dob.month, month=dob.day)
    if roll < 0.25:
        year = f"{dob.year}"
        swapped = int(year[:2] + year[3] + year[2])
        if 1900 < swapped < 2015 and swapped != dob.year:
            return _safe_replace_year(dob, swapped)
    if roll < 0.28:
        return dob + timedelta(days=rng.choice((-1, 1)))
    return dob


def _safe_replace_year(d: date, year: int) -> date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return d.replace(year=year, day=28)


def format_address(rng: random.Random, house: str, street: str) -> str:
    styles = [
        f"{house} {street}",
        f"{house} {street}, Peterborough",
        f"{house}, {street}",
        f"{house} {street.replace(' Road', ' Rd').replace(' Street', ' St').replace(' Avenue', ' Ave')}",
        f"{house} {street}".upper(),
    ]
    return rng.choice(styles)


def maybe_spaced_postcode(rng: random.Random, postcode: str) -> str:
    """Sources drop the space or write lower case now and then."""
    roll = rng.random()
    if roll < 0.1:
        return postcode.replace(" ", "")
    if roll < 0.15:
        return postcode.lower()
    return postcode
