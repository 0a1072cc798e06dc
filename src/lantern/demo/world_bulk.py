"""Bulk noise persons streamed to Parquet, vectorised with numpy, in bounded memory.

These are people *beside* the World (the story and its small noise stay in ``World``): up to 10^6
records at the large scale, each true person recorded one to three times with source-style noise,
in the bulk-import persons format. Missing values are nulls. ``truth_id`` names the true person.
Names follow a real index's shape: the common lists, then a long tail (``world_vocab``).

Phones are drama *landlines* only (the story's numbers are all mobiles) and plates never start
with A (the World's plates all do), so the bulk never collides with the story. With 10^6 records
the ~16,000 drama landlines are necessarily shared by unrelated people: realistic noise.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lantern.demo.world_noise import AGE_IDS, RANDOM_LETTERS, TAG_LETTERS, drama_phone_pool, typo
from lantern.demo.world_vocab import (
    EMAIL_DOMAINS,
    FEMALE_FIRST,
    MALE_FIRST,
    NICKNAMES,
    STREETS_CITY,
    SURNAME_TAIL,
    SURNAMES,
    first_name_tail,
)

BULK_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("record_id", pa.string()),
        ("first_name", pa.string()),
        ("surname", pa.string()),
        ("dob", pa.date32()),
        ("gender", pa.string()),
        ("address", pa.string()),
        ("postcode", pa.string()),
        ("phone", pa.string()),
        ("vrm", pa.string()),
        ("email", pa.string()),
        ("truth_id", pa.string()),
    ]
)
_SOURCES = ("police-rms", "officer-intel", "public-reports", "council")
_SOURCE_P = (0.5, 0.2, 0.18, 0.12)
_RECORD_PREFIX = ("PRS/B", "INT/B", "PR-B", "ASB/B")
# What each source tends not to record (as world_people does for the World's people).
_BLANKS = {
    "dob": ("public-reports",),
    "vrm": ("public-reports", "council"),
    "email": ("public-reports", "officer-intel"),
}
_ANCHOR = np.datetime64("2026-10-31")
NON_A_TAGS = TAG_LETTERS.replace("A", "")


def _variant_table(names: list[str], slots: int, extra) -> tuple[pa.Array, np.ndarray]:
    """A (len(names), slots) table of indices into a flat string array of variants."""
    rng = random.Random(0)  # fixed: the variants are vocabulary, not per-seed noise
    flat: list[str] = []
    table = np.zeros((len(names), slots), dtype=np.int32)
    for i, name in enumerate(names):
        row = [name, *extra(rng, name)][:slots]
        row += [name] * (slots - len(row))
        table[i] = np.arange(len(flat), len(flat) + slots)
        flat.extend(row)
    return pa.array(flat, pa.string()), table


_FIRST_TAIL = first_name_tail({*MALE_FIRST, *FEMALE_FIRST})
FIRST_NAMES = [*MALE_FIRST, *FEMALE_FIRST, *_FIRST_TAIL]
_SURNAMES_ALL = [*SURNAMES, *SURNAME_TAIL]
# Names are drawn from the common lists with these shares, and otherwise from the long tail with
# Zipf weights (a few tail names are fairly common, most are rare), as in a real person index.
HEAD_SHARE = {"first": 0.6, "surname": 0.35}


def _nicknames(name: str) -> list[str]:
    if name in NICKNAMES:
        return list(NICKNAMES[name])
    from nicknames import NickNamer

    return sorted(n.capitalize() for n in NickNamer().nicknames_of(name.lower()))[:2]


# slots: formal, nickname, another nickname, typo, typo
_FIRST_FLAT, _FIRST_TABLE = _variant_table(
    FIRST_NAMES, 5, lambda r, n: [*((_nicknames(n) or [n]) * 2)[:2], typo(r, n), typo(r, n)]
)
_FIRST_P = (0.72, 0.1, 0.05, 0.08, 0.05)
# slots: formal, typo, typo, upper case
_SURNAME_FLAT, _SURNAME_TABLE = _variant_table(
    _SURNAMES_ALL, 4, lambda r, n: [typo(r, n), typo(r, n), n.upper()]
)


def _zipf(n: int, s: float = 0.6) -> np.ndarray:
    """Zipf-like weights in a fixed shuffled order (so the commonest tail names are not all "Ab..."):
    the commonest tail name is about as common as Smith is in England, most are rare."""
    weights = 1.0 / np.arange(1, n + 1) ** s
    np.random.default_rng(0).shuffle(weights)
    return weights / weights.sum()


_FIRST_TAIL_P = _zipf(len(_FIRST_TAIL))
_SURNAME_TAIL_P = _zipf(len(SURNAME_TAIL))
_SURNAME_P = (0.88, 0.04, 0.03, 0.05)
_LANDLINES = pa.array([f"{a} {b}" for a, b in drama_phone_pool() if not a.startswith("07")], pa.string())


def random_plates(rng: np.random.Generator, n: int, first_letters: str = TAG_LETTERS) -> pa.StringArray:
    """``n`` current-format plates (``AB12CDE``) built as one byte buffer: no Python loop."""
    buf = np.empty((n, 7), dtype=np.uint8)
    buf[:, 0] = _pick_bytes(rng, first_letters, n)
    buf[:, 1] = _pick_bytes(rng, TAG_LETTERS, n)
    ages = np.frombuffer("".join(AGE_IDS).encode(), dtype=np.uint8).reshape(-1, 2)
    buf[:, 2:4] = ages[rng.integers(0, len(ages), n)]
    for col in (4, 5, 6):
        buf[:, col] = _pick_bytes(rng, RANDOM_LETTERS, n)
    offsets = np.arange(0, 7 * n + 1, 7, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf.tobytes()))


def _pick_bytes(rng: np.random.Generator, alphabet: str, n: int) -> np.ndarray:
    return np.frombuffer(alphabet.encode(), dtype=np.uint8)[rng.integers(0, len(alphabet), n)]


def iter_person_batches(
    seed: int, scale: str, batch_size: int = 100_000, gazetteer: pa.Table | None = None
) -> Iterator[pa.RecordBatch]:
    """The scale's bulk persons in batches; each batch is generated from its own seeded stream."""
    from lantern.demo.world import get_scale
    from lantern.demo.world_places import Places, load_default_gazetteer

    total = get_scale(scale).bulk_persons
    places = Places(gazetteer if gazetteer is not None else load_default_gazetteer())
    postcodes = pa.array(places.postcodes.tolist(), pa.string())
    for k, start in enumerate(range(0, total, batch_size)):
        rng = np.random.default_rng([seed, 0xB0B, k])
        yield _batch(rng, min(batch_size, total - start), start, k, postcodes)


def write_persons_parquet(
    seed: int, scale: str, path: str | Path, batch_size: int = 100_000, gazetteer: pa.Table | None = None
) -> int:
    """Stream the bulk persons to one zstd Parquet file; returns the row count."""
    rows = 0
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with pq.ParquetWriter(path, BULK_SCHEMA, compression="zstd") as writer:
        for batch in iter_person_batches(seed, scale, batch_size, gazetteer):
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def _batch(rng: np.random.Generator, n: int, start: int, k: int, postcodes: pa.Array) -> pa.RecordBatch:
    # true people first (at most n of them), then 1-3 records each, cut to n and shuffled
    counts = rng.choice(3, size=n, p=(0.55, 0.33, 0.12)) + 1
    owner = np.repeat(np.arange(n), counts)[:n]
    rng.shuffle(owner)
    people = _true_people(rng, n, postcodes)
    rec = {
        name: col[owner] if isinstance(col, np.ndarray) else col.take(pa.array(owner))
        for name, col in people.items()
    }
    source = rng.choice(len(_SOURCES), size=n, p=_SOURCE_P)
    first, surname = _names(rng, rec["first_idx"], rec["surname_idx"])
    moved = pa.array(rng.random(n) < 0.15)  # an older address some sources still hold
    blank = {
        col: pa.array(np.isin(source, [_SOURCES.index(s) for s in srcs])) for col, srcs in _BLANKS.items()
    }
    columns = {
        "source": pa.array(np.array(_SOURCES, dtype=object)[source], pa.string()),
        "record_id": _join(
            pa.array(np.array(_RECORD_PREFIX, dtype=object)[source]), _ints(start + np.arange(n))
        ),
        "first_name": first,
        "surname": surname,
        "dob": _blank(_dob(rng, rec["dob"]), blank["dob"]),
        "gender": pa.array(np.where(rng.random(n) < 0.9, rec["gender"], None), pa.string()),
        "address": _address_style(rng, pc.if_else(moved, rec["old_address"], rec["address"])),
        "postcode": _postcode_style(rng, pc.if_else(moved, rec["old_postcode"], rec["postcode"])),
        "phone": _mask(rng, rec["phone"], 0.7),
        "vrm": _blank(_plate_style(rng, _mask(rng, rec["vrm"], 0.6)), blank["vrm"]),
        "email": _blank(_mask(rng, rec["email"], 0.6), blank["email"]),
        "truth_id": _join(pa.scalar(f"B{k}-"), _ints(owner)),
    }
    return pa.RecordBatch.from_pydict(columns, schema=BULK_SCHEMA)


def _true_people(rng: np.random.Generator, m: int, postcodes: pa.Array) -> dict:
    male = rng.random(m) < 0.5
    head_first = np.where(
        male, rng.integers(0, len(MALE_FIRST), m), len(MALE_FIRST) + rng.integers(0, len(FEMALE_FIRST), m)
    )
    tail_first = len(MALE_FIRST) + len(FEMALE_FIRST) + rng.choice(len(_FIRST_TAIL), m, p=_FIRST_TAIL_P)
    first_idx = np.where(rng.random(m) < HEAD_SHARE["first"], head_first, tail_first)
    surname_idx = np.where(
        rng.random(m) < HEAD_SHARE["surname"],
        rng.integers(0, len(SURNAMES), m),
        len(SURNAMES) + rng.choice(len(SURNAME_TAIL), m, p=_SURNAME_TAIL_P),
    )
    phone = _LANDLINES.take(pa.array(rng.integers(0, len(_LANDLINES), m)))
    first_lower = pc.utf8_lower(_FIRST_FLAT.take(pa.array(_FIRST_TABLE[first_idx, 0])))
    surname_lower = pc.utf8_lower(_SURNAME_FLAT.take(pa.array(_SURNAME_TABLE[surname_idx, 0])))
    domain = pa.array(EMAIL_DOMAINS).take(pa.array(rng.integers(0, len(EMAIL_DOMAINS), m)))
    email = _join(
        _join(first_lower, surname_lower, "."), _join(_ints(rng.integers(1, 99, m)), domain, "@"), ""
    )
    return {
        "first_idx": first_idx,
        "surname_idx": surname_idx,
        "gender": np.where(male, "male", "female").astype(object),
        "dob": _ANCHOR - rng.integers(18 * 365, 85 * 365, m).astype("timedelta64[D]"),
        "address": _addresses(rng, m),
        "postcode": postcodes.take(pa.array(rng.integers(0, len(postcodes), m))),
        "old_address": _addresses(rng, m),
        "old_postcode": postcodes.take(pa.array(rng.integers(0, len(postcodes), m))),
        "phone": pc.if_else(pa.array(rng.random(m) < 0.3), phone, pa.scalar(None, pa.string())),
        "vrm": pc.if_else(
            pa.array(rng.random(m) < 0.35), random_plates(rng, m, NON_A_TAGS), pa.scalar(None, pa.string())
        ),
        "email": pc.if_else(pa.array(rng.random(m) < 0.2), email, pa.scalar(None, pa.string())),
    }


def _names(
    rng: np.random.Generator, first_idx: np.ndarray, surname_idx: np.ndarray
) -> tuple[pa.Array, pa.Array]:
    n = len(first_idx)
    first = _FIRST_FLAT.take(pa.array(_FIRST_TABLE[first_idx, rng.choice(5, n, p=_FIRST_P)]))
    surname = _SURNAME_FLAT.take(pa.array(_SURNAME_TABLE[surname_idx, rng.choice(4, n, p=_SURNAME_P)]))
    swap = pa.array(rng.random(n) < 0.03)  # forename and surname the wrong way round
    return pc.if_else(swap, surname, first), pc.if_else(swap, first, surname)


def _dob(rng: np.random.Generator, dob: np.ndarray) -> pa.Array:
    """Missing, day/month swapped, year digits transposed or a day out, as in world_noise.dob_variant."""
    months = dob.astype("datetime64[M]")
    year = months.astype(np.int64) // 12 + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dob - months).astype(np.int64) + 1
    roll = rng.random(len(dob))
    swap = (roll >= 0.15) & (roll < 0.21) & (day <= 12) & (day != month)
    swapped = ((year - 1970) * 12 + day - 1).astype("datetime64[M]") + (month - 1).astype("timedelta64[D]")
    transposed_year = year // 100 * 100 + year % 10 * 10 + year // 10 % 10
    transpose = (roll >= 0.21) & (roll < 0.25) & (transposed_year > 1900) & (transposed_year < 2008)
    moved = ((transposed_year - 1970) * 12 + month - 1).astype("datetime64[M]") + (day - 1).astype(
        "timedelta64[D]"
    )
    out = np.where(swap, swapped, np.where(transpose, moved, dob))
    out = np.where((roll >= 0.25) & (roll < 0.28), out + np.timedelta64(1, "D"), out)
    return pa.array(out.astype("datetime64[D]"), pa.date32(), mask=roll < 0.15)


def _addresses(rng: np.random.Generator, m: int) -> pa.Array:
    streets = pa.array(STREETS_CITY).take(pa.array(rng.integers(0, len(STREETS_CITY), m)))
    return _join(_ints(rng.integers(1, 160, m)), streets, " ")


def _address_style(rng: np.random.Generator, address: pa.Array) -> pa.Array:
    roll = rng.random(len(address))
    out = pc.if_else(pa.array(roll < 0.2), _join(address, pa.scalar("Peterborough"), ", "), address)
    return pc.if_else(pa.array(roll > 0.95), pc.utf8_upper(out), out)


def _blank(values: pa.Array, mask: pa.Array) -> pa.Array:
    return pc.if_else(mask, pa.scalar(None, values.type), values)


def _postcode_style(rng: np.random.Generator, postcode: pa.Array) -> pa.Array:
    roll = rng.random(len(postcode))
    out = pc.if_else(pa.array(roll < 0.1), pc.replace_substring(postcode, " ", ""), postcode)
    return pc.if_else(pa.array((roll >= 0.1) & (roll < 0.15)), pc.utf8_lower(postcode), out)


def _plate_style(rng: np.random.Generator, plate: pa.Array) -> pa.Array:
    roll = rng.random(len(plate))
    spaced = _join(pc.utf8_slice_codeunits(plate, 0, 4), pc.utf8_slice_codeunits(plate, 4, 7), " ")
    out = pc.if_else(pa.array(roll < 0.5), spaced, plate)
    return pc.if_else(pa.array(roll > 0.9), pc.utf8_lower(out), out)


def _mask(rng: np.random.Generator, values: pa.Array, keep: float) -> pa.Array:
    return pc.if_else(pa.array(rng.random(len(values)) < keep), values, pa.scalar(None, values.type))


def _ints(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _join(a, b, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(a, b, sep)
