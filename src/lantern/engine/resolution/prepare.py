"""Person records made ready for matching: each field normalised once, junk turned into nulls.

Real person indexes are messy: placeholders ("N/K", "UNKNOWN"), absurd dates of birth (1900-01-01,
dates in the future), names typed into the wrong field. Matching on junk makes false links, so a
value that cannot be normalised, or that is a known placeholder, becomes null: it neither helps nor
hurts a match. A record with nothing left to match on is set aside with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pyarrow as pa
from nicknames import NickNamer

from lantern.engine.normalise.address import address_key
from lantern.engine.normalise.contact import normalise_email
from lantern.engine.normalise.errors import NormalisationError
from lantern.engine.normalise.names import normalise_name
from lantern.engine.normalise.phone import normalise_phone
from lantern.engine.normalise.postcode import normalise_postcode
from lantern.engine.normalise.vrm import normalise_vrm

FIELDS = ("first_name", "surname", "dob", "address", "postcode", "phone", "vrm", "email")
EARLIEST_DOB = date(1900, 1, 2)  # 1900-01-01 is the classic "unknown" default
PLACEHOLDER_DOBS = {date(1900, 1, 1), date(1901, 1, 1), date(1970, 1, 1)}
PLACEHOLDER_PHONES = {"+447777777777", "+447000000000", "+440000000000"}
MATCH_SCHEMA = pa.schema(
    [
        ("unique_id", pa.string()),
        ("source", pa.string()),
        ("record_id", pa.string()),
        ("first_name", pa.string()),
        ("first_name_forms", pa.list_(pa.string())),
        ("surname", pa.string()),
        ("full_name", pa.string()),  # forename and surname: how rare the whole name is
        ("first_initial", pa.string()),  # blocks on surname and initial catch forename typos and initials
        ("name_pair", pa.string()),  # the two names in either order: blocks catch swapped names
        ("dob", pa.string()),
        ("address", pa.string()),
        ("postcode", pa.string()),
        ("phone", pa.string()),
        ("vrm", pa.string()),
        ("email", pa.string()),
    ]
)


@dataclass
class Prepared:
    table: pa.Table  # MATCH_SCHEMA
    set_aside: list[tuple[str, str]]  # (unique_id, reason)


_NICKNAMES = NickNamer()


@lru_cache(maxsize=200_000)
def name_forms(first: str) -> tuple[str, ...]:
    """The name and the formal names it is a nickname of (Bob -> Robert): a shared form is a match level."""
    if not first:
        return ()
    return tuple(sorted({first} | {c.lower() for c in _NICKNAMES.canonicals_of(first)}))


def _try(function, value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return function(str(value))
    except NormalisationError:
        return None


def _first_token(name: str | None) -> str | None:
    return name.split()[0] if name else None


def _dob(value, today: date) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    if value in PLACEHOLDER_DOBS or value < EARLIEST_DOB or value > today:
        return None
    return value.isoformat()


def prepare(records: pa.Table, today: date | None = None) -> Prepared:
    """``records`` has ``source, record_id`` and any of FIELDS; the result has MATCH_SCHEMA."""
    today = today or date.today()
    empty = [None] * records.num_rows
    columns = {
        name: records.column(name).to_pylist() if name in records.column_names else empty
        for name in ("source", "record_id", *FIELDS)
    }
    rows: dict[str, list] = {field.name: [] for field in MATCH_SCHEMA}
    set_aside = []
    for i in range(records.num_rows):
        uid = f"{columns['source'][i]}:{columns['record_id'][i]}"
        first = _first_token(_try(normalise_name, columns["first_name"][i]))
        values = {
            "first_name": first,
            "surname": _try(normalise_name, columns["surname"][i]),
            "dob": _dob(columns["dob"][i], today),
            "address": _try(address_key, columns["address"][i]) or None,
            "postcode": _try(normalise_postcode, columns["postcode"][i]),
            "phone": _try(normalise_phone, columns["phone"][i]),
            "vrm": _try(normalise_vrm, columns["vrm"][i]),
            "email": _try(normalise_email, columns["email"][i]),
        }
        if values["phone"] in PLACEHOLDER_PHONES:
            values["phone"] = None
        if (
            not values["surname"]
            and not values["dob"]
            and not any(values[k] for k in ("phone", "vrm", "email"))
        ):
            set_aside.append(
                (uid, "nothing to match on: no surname, date of birth, phone, vehicle or e-mail")
            )
            continue
        rows["unique_id"].append(uid)
        rows["source"].append(columns["source"][i])
        rows["record_id"].append(columns["record_id"][i])
        rows["first_name_forms"].append(list(name_forms(first or "")) or None)
        surname = values["surname"]
        rows["full_name"].append(f"{first} {surname}" if first and surname else None)
        rows["first_initial"].append(first[0] if first else None)
        rows["name_pair"].append(" ".join(sorted((first, surname))) if first and surname else None)
        for key, value in values.items():
            rows[key].append(value)
    return Prepared(pa.table(rows, schema=MATCH_SCHEMA), set_aside)
