"""The store's records as the engine's plain tables (the engine never sees Django)."""

from __future__ import annotations

import pyarrow as pa

from lantern.intel.models import Location, Person, Relationship

CONTACTS = {"lives_at": "address", "uses_phone": "phone", "uses_vehicle": "vrm", "uses_identity": "email"}


def person_records() -> tuple[pa.Table, dict[str, str]]:
    """Every person record with the first contact of each kind it gives; and unique_id -> entity id."""
    contacts: dict[str, dict[str, str]] = {}
    links = Relationship.objects.filter(kind__in=CONTACTS, entity_a__kind="person").values_list(
        "entity_a_id",
        "kind",
        "entity_b__location__line1",
        "entity_b__location__postcode",
        "entity_b__phone__e164",
        "entity_b__vehicle__vrm",
        "entity_b__onlineidentity__handle",
        "entity_b__onlineidentity__platform",
    )
    for person, kind, line1, postcode, phone, vrm, handle, platform in links.order_by("recorded_at").iterator(
        chunk_size=5000
    ):
        found = contacts.setdefault(str(person), {})
        if kind == "lives_at" and "address" not in found:
            found["address"], found["postcode"] = line1 or "", postcode or ""
        elif kind == "uses_phone" and phone:
            found.setdefault("phone", phone)
        elif kind == "uses_vehicle" and vrm:
            found.setdefault("vrm", vrm)
        elif kind == "uses_identity" and platform == "email" and handle:
            found.setdefault("email", handle)
    rows, ids = [], {}
    people = Person.objects.values_list(
        "id", "source__code", "source_record_id", "given_names", "family_name", "date_of_birth"
    )
    for pk, source, record_id, given, family, dob in people.iterator(chunk_size=5000):
        found = contacts.get(str(pk), {})
        ids[f"{source}:{record_id}"] = str(pk)
        rows.append(
            {
                "source": source,
                "record_id": record_id,
                "first_name": given,
                "surname": family,
                "dob": dob.isoformat() if dob else None,
                **{key: found.get(key) for key in ("address", "postcode", "phone", "vrm", "email")},
            }
        )
    schema = pa.schema(
        [
            (name, pa.string())
            for name in (
                "source",
                "record_id",
                "first_name",
                "surname",
                "dob",
                "address",
                "postcode",
                "phone",
                "vrm",
                "email",
            )
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema), ids


def location_records() -> pa.Table:
    rows = Location.objects.exclude(postcode="").values_list("id", "line1", "postcode")
    return pa.table(
        {
            "id": [str(pk) for pk, _, _ in rows],
            "line1": [line1 for _, line1, _ in rows],
            "postcode": [postcode for _, _, postcode in rows],
        }
    )
