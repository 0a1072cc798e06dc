"""Deterministic ids: the fast hex form used by bulk imports is the same UUIDv5 as ``stable_id``."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from lantern.engine.ids import hex_to_uuid_text, stable_hex, stable_id

_part = st.one_of(st.text(max_size=30).filter(lambda t: t != ""), st.uuids(), st.integers(), st.none())


@given(st.text(min_size=1, max_size=12), st.lists(_part, min_size=1, max_size=5))
def test_stable_hex_is_stable_id_in_hex(kind, parts):
    if all(part in (None, "") for part in parts):
        return
    assert stable_hex(kind, *parts) == stable_id(kind, *parts).hex


@given(st.uuids())
def test_hex_to_uuid_text_matches_uuid(value):
    assert hex_to_uuid_text(value.hex) == str(value) == str(uuid.UUID(value.hex))
