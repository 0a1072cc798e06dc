"""The hot pages of the load test (benchmarks/load.py) read in a number of queries that does not
grow with the data: each page is counted with a small store, the store is grown threefold (more
events on the same person, vehicle and place, more reports waiting, alerts, tasks and namesakes),
and the page is counted again. The same count both times is what rules out an N+1; the absolute
ceiling keeps a page from drifting upwards unnoticed. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantern.intel import services
from lantern.intel.services import EventInput
from lantern.orders.models import BreachAlert, Order
from lantern.safeguarding.models import Task

SMALL, LARGE = 4, 12  # rows of each kind before and after growing the store


@dataclass
class Store:
    """A person, vehicle and place that every grown event links, and how much has been filed."""

    person: object
    vehicle: object
    place: object
    order: object
    owner: object
    filed: int = 0


@pytest.fixture
def store(db, users) -> Store:
    source = services.source_ensure(code="hot-pages", name="Hot page test", kind="police")
    person = services.person_record(
        source=source, record_id="HOT-0", given_names="Hal", family_name="Hotpage"
    )
    vehicle = services.vehicle_ensure(vrm="HP12 AGE", source=source)
    place = services.location_ensure(line1="1 Hot Street", postcode="PE1 1AA", source=source)
    today = timezone.localdate()
    order = Order.objects.create(
        reference="HOT/1",
        order_type="SRO",
        subject=person.obj,
        applicant="Test",
        court="Test",
        made_on=today - timedelta(days=30),
        effective_from=today - timedelta(days=30),
    )
    return Store(person.obj, vehicle.obj, place.obj, order, users["officer"])


def _grow(store: Store, to: int) -> None:
    """File events, namesakes, waiting reports, alerts and tasks until there are ``to`` of each."""
    source = services.source_ensure(code="hot-pages", name="Hot page test", kind="police")
    now = timezone.now()
    for n in range(store.filed, to):
        at = now - timedelta(days=n + 1)
        services.person_record(
            source=source, record_id=f"HOT-{n + 1}", given_names="Hana", family_name="Hotpage"
        )
        _report(source, n, at, store)
        _sighting(source, n, at, store)
        BreachAlert.objects.create(
            order=store.order,
            condition_number=1,
            condition_version=1,
            kind="zone",
            first_at=at,
            last_at=at,
            confidence=0.9,
            explanation="In the zone.",
        )
        Task.objects.create(
            kind="welfare_visit", subject=store.person, title="Visit", owner=store.owner, due_on=at.date()
        )
    store.filed = to


def _report(source, n: int, at, store: Store) -> None:
    details = {"text": "Men calling.", "sanitised_text": "Men calling.", "source_type": "public"}
    details.update(source_evaluation="2", intelligence_assessment="C", handling_code="P")
    services.event_record(
        EventInput(
            kind="report",
            source=source,
            source_ref=f"HOT-R{n}",
            occurred_from=at,
            summary="Men calling at the address",
            location=store.place,
            links=[("subject", store.person), ("premises", store.place)],
            details=details,
        )
    )


def _sighting(source, n: int, at, store: Store) -> None:
    services.event_record(
        EventInput(
            kind="sighting",
            source=source,
            source_ref=f"HOT-S{n}",
            occurred_from=at,
            summary="Seen driving",
            location=store.place,
            links=[("subject", store.person), ("vehicle_used", store.vehicle)],
            details={"via": "officer"},
        )
    )


# Each page: the role that opens it, its address (from the store), and the most queries it may take.
PAGES = {
    "dashboard": ("officer", lambda s: "/", 24),
    "triage queue": ("analyst", lambda s: "/triage/", 14),
    "alert queue": ("officer", lambda s: "/orders/alerts/", 12),
    "tasks": ("officer", lambda s: "/safeguarding/", 12),
    "search": ("analyst", lambda s: "/search/?q=hotpage&purpose=investigation", 14),
    "person page": ("analyst", lambda s: s.person.get_absolute_url(), 22),
    "vehicle page": ("analyst", lambda s: s.vehicle.get_absolute_url(), 20),
    "address page": ("analyst", lambda s: s.place.get_absolute_url(), 20),
}


def _count(client, url: str) -> int:
    client.get(url)  # once per process: the risk model's first version, the district outlines
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_a_hot_page_reads_in_the_same_queries_however_much_is_stored(page, store, client_for):
    role, url, ceiling = PAGES[page]
    client = client_for(role)
    _grow(store, SMALL)
    small = _count(client, url(store))
    _grow(store, LARGE)
    large = _count(client, url(store))
    assert small == large, f"{page}: {small} queries with {SMALL} of each row, {large} with {LARGE}"
    assert large <= ceiling, f"{page}: {large} queries (at most {ceiling})"


PUBLIC_REPORT = {
    "what_happened": "Lots of different men calling at the flat above the shop at all hours.",
    "when_date": "2026-10-03",
    "when_time": "22:15",
    "address": "Flat above 12 Lincoln Road",
    "postcode": "pe1 2ab",
    "contact": "anonymous",
}


def _post_report(client, n: int) -> int:
    """Queries to file one public report naming a plate and a phone not yet held (the same path each time)."""
    cache.clear()  # the per-client rate limit
    data = {**PUBLIC_REPORT, "vehicles": f"HP{n:02d} XYZ", "phones": f"07700 9{n:05d}"}
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/report/", data)
    assert response.status_code == 302, response.content[:500]
    return len(queries)


def test_the_public_form_reads_and_files_in_the_same_queries_however_much_is_stored(store, client):
    _post_report(client, 1)  # the first filing creates the public source and the session
    _grow(store, SMALL)
    small = _get_form(client), _post_report(client, 2)
    _grow(store, LARGE)
    large = _get_form(client), _post_report(client, 3)
    assert small == large, f"(GET, POST) queries: {small} with {SMALL} of each row, {large} with {LARGE}"
    assert large[0] <= 3 and large[1] <= 80  # filing: the report, its entities, keys, claims, audit


def _get_form(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/report/").status_code == 200
    return len(queries)
