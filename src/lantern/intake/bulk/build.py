"""Turn validated bulk rows into the rows of every store table, without touching the database.

The per-record services in ``lantern.intel.services`` decide what a person record files: the
Entity and Person rows, the primary name, search keys, provenance, and the address, phone,
vehicle and e-mail it gives with their relationships. This module makes exactly those rows, with
the same deterministic ids, labels and keys, for a whole chunk at once. It does no I/O, so a chunk
can be built while the previous one is being written. Sources appear as their codes (the writer
resolves them to ids); ids are 32 hex digits, which both SQLite (Django's UUID storage there) and
PostgreSQL (uuid input) take as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from lantern.engine.bulk_rows import PersonRow, VehicleRow
from lantern.engine.ids import hex_to_uuid_text, stable_hex
from lantern.engine.normalise import display_phone, display_vrm, vrm_confusion_key
from lantern.engine.normalise.address import address_key
from lantern.intel import search_keys  # plain functions, no models

PERSON = "person"


@lru_cache(maxsize=1 << 16)
def _phone_label(e164: str) -> str:
    return display_phone(e164)


@lru_cache(maxsize=1 << 16)
def _location_keys(postcode: str, line1: str) -> tuple[str, ...]:
    return tuple(key[:220] for key in search_keys.location_keys(postcode, line1, ""))


@dataclass
class Chunk:
    """Every row a chunk of records writes, keyed so that repeats within the chunk collapse."""

    primary: set[str] = field(default_factory=set)  # the ids the file's rows are about
    entities: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (kind, label)
    persons: dict[str, dict] = field(default_factory=dict)
    vehicles: dict[str, dict] = field(default_factory=dict)
    phones: dict[str, dict] = field(default_factory=dict)
    identities: dict[str, dict] = field(default_factory=dict)
    locations: dict[str, dict] = field(default_factory=dict)
    names: set[tuple] = field(default_factory=set)
    keys: set[tuple] = field(default_factory=set)
    claims: dict[tuple, str] = field(default_factory=dict)  # (entity, field, value, source code) -> ref
    relationships: dict[str, tuple] = field(default_factory=dict)  # id -> (kind, a, b, source code, ref)
    keepers: dict[str, tuple] = field(default_factory=dict)  # relationship id -> (row, source, keeper, vrm)


def build_persons(rows: Sequence[PersonRow]) -> Chunk:
    chunk = Chunk()
    for row in rows:
        _person(chunk, row)
    return chunk


def build_vehicles(rows: Sequence[VehicleRow]) -> Chunk:
    chunk = Chunk()
    for row in rows:
        vehicle = _vehicle(chunk, row.source, row.keeper_record_id, row.vrm, row.vrm_as_written, row)
        chunk.primary.add(vehicle)
        if row.keeper_record_id:
            keeper = stable_hex(PERSON, row.source, row.keeper_record_id)
            rel = _relationship_id("uses_vehicle", keeper, vehicle, row.source)
            chunk.relationships[rel] = ("uses_vehicle", keeper, vehicle, row.source, row.keeper_record_id)
            chunk.keepers[rel] = (row.row_number, row.source, row.keeper_record_id, row.vrm_as_written)
    return chunk


def person_label(given: str, family: str) -> str:
    """As the services label a named person: "Zoë O'BRIEN"."""
    return " ".join(p for p in (given, family.upper()) if p)[:300]


def _relationship_id(kind: str, a: str, b: str, source: str) -> str:
    # the services key a relationship on the entities' UUIDs as text (hyphenated) and no start date
    return stable_hex("relationship", kind, hex_to_uuid_text(a), hex_to_uuid_text(b), source, None)


def _claim(chunk: Chunk, entity: str, source: str, ref: str, values: dict) -> None:
    for name, value in values.items():
        if value not in ("", None):
            chunk.claims.setdefault((entity, name, str(value)[:500], source), ref)


def _person(chunk: Chunk, row: PersonRow) -> None:
    pk = stable_hex(PERSON, row.source, row.record_id)
    chunk.primary.add(pk)
    dob = row.date_of_birth.isoformat() if row.date_of_birth else None
    values = {
        "source": row.source,
        "source_record_id": row.record_id,
        "given_names": row.given_names,
        "family_name": row.family_name,
        "date_of_birth": dob,
        "gender": row.gender,
    }
    earlier = chunk.persons.get(pk)
    if earlier is not None:  # the same record twice in a chunk: the later one wins, blanks never erase
        values = {k: (v if v not in ("", None) else earlier[k]) for k, v in values.items()}
    chunk.persons[pk] = values
    chunk.entities[pk] = (PERSON, person_label(values["given_names"], values["family_name"]))
    full = f"{row.given_names} {row.family_name}".strip()
    if full:
        chunk.names.add((pk, full[:300], "primary"))
    for key in search_keys.person_keys(row.given_names, row.family_name, (), row.date_of_birth):
        chunk.keys.add((pk, key[:220]))
    # The record is the source's claim: the writer keeps in provenance only values it replaces.
    for kind, other in _contacts(chunk, row):
        rel = _relationship_id(kind, pk, other, row.source)
        chunk.relationships[rel] = (kind, pk, other, row.source, row.record_id)


def _contacts(chunk: Chunk, row: PersonRow):
    ref = row.record_id
    if row.address or row.postcode:
        yield "lives_at", _location(chunk, row)
    if row.phone:
        pk = stable_hex("phone", row.phone)
        chunk.entities.setdefault(pk, ("phone", _phone_label(row.phone)))
        chunk.phones.setdefault(pk, {"e164": row.phone})
        chunk.keys.update((pk, key) for key in search_keys.phone_keys(row.phone))
        _claim(chunk, pk, row.source, ref, {"number_as_written": row.phone_as_written})
        yield "uses_phone", pk
    if row.vrm:
        yield "uses_vehicle", _vehicle(chunk, row.source, ref, row.vrm, row.vrm_as_written)
    if row.email:
        pk = stable_hex("identity", "email", row.email)
        chunk.entities.setdefault(pk, ("identity", f"{row.email} (email)"[:300]))
        chunk.identities.setdefault(pk, {"platform": "email", "handle": row.email, "url": ""})
        chunk.keys.update((pk, key[:220]) for key in search_keys.identity_keys("email", row.email))
        _claim(chunk, pk, row.source, ref, {"handle": row.email_as_written})
        yield "uses_identity", pk


def _vehicle(chunk: Chunk, source: str, ref: str, vrm: str, as_written: str, row=None) -> str:
    pk = stable_hex("vehicle", vrm)
    chunk.entities.setdefault(pk, ("vehicle", display_vrm(vrm)))
    details = {
        "make": getattr(row, "make", ""),
        "model": getattr(row, "model", ""),
        "colour": getattr(row, "colour", ""),
    }
    earlier = chunk.vehicles.get(pk)
    if earlier is None:
        chunk.vehicles[pk] = {"vrm": vrm, "confusion_key": vrm_confusion_key(vrm), **details}
    else:  # fill what the chunk's first row left blank
        for name, value in details.items():
            earlier[name] = earlier[name] or value
    chunk.keys.update((pk, key) for key in search_keys.vehicle_keys(vrm))
    _claim(chunk, pk, source, ref, {"vrm_as_written": as_written, **details})
    return pk


def _location(chunk: Chunk, row: PersonRow) -> str:
    pc = row.postcode
    pk = stable_hex("location", "address", pc, address_key(f"{row.address} "))
    chunk.entities.setdefault(pk, ("location", ", ".join(p for p in (row.address, pc) if p)[:300]))
    chunk.locations.setdefault(
        pk,
        {
            "line1": row.address,
            "line2": "",
            "town": "",
            "postcode": pc,
            "latitude": None,  # the writer fills these from the gazetteer
            "longitude": None,
            "uprn": "",
            "location_kind": "residence",
        },
    )
    chunk.keys.update((pk, key) for key in _location_keys(pc, row.address))
    written = f"{row.address}   {row.postcode_as_written}".strip()
    _claim(chunk, pk, row.source, row.record_id, {"address_as_written": written})
    return pk
