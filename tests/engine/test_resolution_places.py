"""Addresses that are one place (engine/resolution/places.py)."""

from __future__ import annotations

import pyarrow as pa

from lantern.engine.resolution.places import similar_addresses


def _pairs(rows: list[tuple[str, str, str | None]]) -> set[tuple[str, str]]:
    table = pa.table({k: [r[i] for r in rows] for i, k in enumerate(("id", "line1", "postcode"))})
    found = similar_addresses(table)
    return set(zip(found.column("id_l").to_pylist(), found.column("id_r").to_pylist(), strict=True))


def test_spellings_of_one_address_are_paired_and_neighbours_are_not():
    assert _pairs(
        [
            ("a", "12 High Rd", "pe1 1ab"),
            ("b", "12, HIGH ROAD", "PE11AB"),
            ("c", "12 Hihg Road", "PE1 1AB"),
            ("d", "14 High Road", "PE1 1AB"),  # the house next door
            ("e", "Flat 2, 12 High Road", "PE1 1AB"),  # a flat in the house is its own place
            ("f", "12 High Road", "PE2 1AB"),  # another postcode
            ("g", "", "PE1 1AB"),
            ("h", "12 High Road", "not a postcode"),
            ("i", None, None),
        ]
    ) == {("a", "b"), ("a", "c"), ("b", "c")}
