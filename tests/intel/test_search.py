"""Search finds entities however the identifier was typed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from lantern.intel import services
from lantern.intel.selectors import entity_search


@pytest.fixture
def stored(db):
    source = services.source_ensure(code="s", name="S", kind="police")
    return {
        "car": services.vehicle_ensure(vrm="AB12 CDE", source=source).obj,
        "phone": services.phone_ensure(number="+447700900123", source=source).obj,
        "person": services.person_record(
            source=source, record_id="1", given_names="William", family_name="Smith-Jones"
        ).obj,
        "place": services.location_ensure(line1="12 Park Road", postcode="PE1 2TA", source=source).obj,
        "mail": services.identity_ensure(platform="email", handle="Someone@Example.com", source=source).obj,
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ab12cde", "car"),
        ("AB12 CDE", "car"),
        (" ab-12-cde ", "car"),
        ("07700 900123", "phone"),
        ("+44 7700 900123", "phone"),
        ("447700900123", "phone"),
        ("smith", "person"),
        ("william smith jones", "person"),
        ("WILLIAM", "person"),
        ("pe12ta", "place"),
        ("park road", "place"),
        ("someone@example.com", "mail"),
    ],
)
def test_search_normalises_the_query(stored, users, query, expected):
    found = entity_search(users["analyst"], query).entities
    assert stored[expected].pk in {e.pk for e in found}


def test_search_with_hostile_text_finds_nothing_and_does_not_fail(stored, users):
    for query in ["' OR 1=1 --", "<script>alert(1)</script>", "%", "_", "\x00", "a" * 10_000]:
        assert entity_search(users["analyst"], query).entities == []


def test_search_page_escapes_the_query(stored, client_for):
    response = client_for("officer").get(
        "/search/", {"q": "<script>alert(1)</script>", "purpose": "investigation"}
    )
    assert response.status_code == 200
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_partner_cannot_search(stored, users):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        entity_search(users["partner"], "smith")


class TestSearchNeverFails(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        from lantern.governance.services import user_create_or_reset

        cls.analyst, _, _ = user_create_or_reset(username="fuzz-analyst", role="analyst")

    @settings(max_examples=60, deadline=None)
    @given(query=st.text(max_size=300))
    def test_any_text(self, query):
        result = entity_search(self.analyst, query)
        assert len(result.entities) <= 50
