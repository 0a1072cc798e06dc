"""A NUL character in an address or query never reaches the database (PostgreSQL refuses it)."""

from __future__ import annotations


def test_an_address_with_a_nul_is_not_found(demo_world, client_for):
    assert client_for("analyst").get("/orders/\x00/").status_code == 404


def test_a_nul_in_a_search_or_filter_is_dropped(demo_world, client_for):
    client = client_for("analyst")
    page = client.get("/search/", {"q": "ash\x00down", "purpose": "investigation"}).content.decode()
    assert "Results for “ashdown”" in page
    assert client.get("/orders/", {"status": "act\x00ive"}).status_code == 200
