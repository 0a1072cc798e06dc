"""Shared by the live alert tests: a zone with cameras, an order, a feed, Redis with a stream per test."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pyarrow.parquet as pq
import pytest
import redis

from lantern.evidence.models import Camera
from lantern.intel.models import Person
from lantern.intel.services import Actor
from lantern.orders.live.feeds import feed_add
from lantern.orders.live.matching import CURRENT
from lantern.orders.models import ConditionKind, Order
from lantern.orders.services import ConditionInput, order_create

REDIS_URL = "redis://127.0.0.1:6379/0"
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[-0.25, 52.58], [-0.24, 52.58], [-0.24, 52.59], [-0.25, 52.59], [-0.25, 52.58]]],
}
MOVED = {
    "type": "Polygon",
    "coordinates": [[[-0.23, 52.58], [-0.22, 52.58], [-0.22, 52.59], [-0.23, 52.59], [-0.23, 52.58]]],
}
CAMERAS = {"LIVE-IN": (52.585, -0.245), "LIVE-MOVED": (52.585, -0.225), "LIVE-OUT": (52.60, -0.245)}
NIGHTS = [{"start": "19:00", "end": "07:00"}]
PLATE = "LV12ABC"
NIGHT = "2026-10-24T23:30:00+01:00"  # inside 19:00-07:00, UK summer time
ACTOR = Actor(via="tests")


def zone(geojson=SQUARE, windows=None, name="Live test zone") -> ConditionInput:
    return ConditionInput(
        1,
        ConditionKind.EXCLUSION_ZONE,
        "Not to enter the zone at night.",
        {"name": name, "geojson": geojson, "windows": NIGHTS if windows is None else windows},
    )


def vehicles(*vrms: str) -> ConditionInput:
    spec = {"notify_within_days": 3, "vehicles": [{"vrm": v, "registered_from": "2026-03-01"} for v in vrms]}
    return ConditionInput(2, ConditionKind.VEHICLE_NOTIFICATION, "Notify vehicles.", spec)


def make_order(subject: Person, reference: str, conditions, officer=None, expires_on=None) -> Order:
    order, _ = order_create(
        reference=reference,
        order_type="SRO",
        subject=subject,
        applicant="Police",
        court="Court",
        made_on=date(2026, 3, 1),
        effective_from=date(2026, 3, 1),
        expires_on=expires_on,
        conditions=conditions,
        officer_in_charge=officer,
        actor=ACTOR,
    )
    return order


def read(read_id: str, vrm: str = PLATE, camera: str = "LIVE-IN", at: str = NIGHT, **extra) -> dict:
    return {"read_id": read_id, "vrm": vrm, "camera_id": camera, "seen_at": at, "confidence": 0.9, **extra}


def post(client, body, token: str | None, *, raw: bytes | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else json.dumps(body)
    return client.post("/api/anpr/reads", data, content_type="application/json", **headers)


def lake_read_ids(lake) -> list[str]:
    """Every read id in the lake, as often as it is held."""
    files = sorted((lake / "reads").rglob("*.parquet")) if (lake / "reads").exists() else []
    return [rid for f in files for rid in pq.read_table(f, columns=["read_id"]).column("read_id").to_pylist()]


@pytest.fixture(autouse=True)
def _fresh_matcher():
    """Each test builds the matcher from its own store (a rolled-back test's orders must not linger)."""
    CURRENT.reset()
    yield
    CURRENT.reset()


@pytest.fixture
def lake(settings, tmp_path):
    settings.LAKE_DIR = tmp_path / "lake"
    return settings.LAKE_DIR


@pytest.fixture
def redis_stream(settings):
    """The stream on: a real Redis, a stream key of this test's own, removed afterwards."""
    settings.LANTERN_REDIS_URL = REDIS_URL
    settings.LANTERN_LIVE_STREAM = f"lantern:test:{uuid.uuid4().hex}"
    settings.LANTERN_LIVE_GROUP = "lantern-live-test"
    connection = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    yield connection
    connection.delete(settings.LANTERN_LIVE_STREAM)


@pytest.fixture
def inline(settings):
    settings.LANTERN_REDIS_URL = ""


@pytest.fixture
def world(demo_world, lake, settings, users):
    """A zone with a camera inside it, one beside it and one outside; an order on a subject with one
    registered plate and an officer in charge with an e-mail address; a feed source and its token."""
    for camera_id, (lat, lon) in CAMERAS.items():
        Camera.objects.get_or_create(camera_id=camera_id, defaults={"latitude": lat, "longitude": lon})
    officer = users["officer"]
    officer.email = "pc.live@example.police.uk"
    officer.save()
    subject = Person.objects.exclude(orders__isnull=False).first()
    order = make_order(subject, "LIVE/SRO/1", [zone(), vehicles(PLATE)], officer=officer)
    source, token = feed_add(name="test-feed", actor=ACTOR)
    return {"order": order, "source": source, "token": token, "officer": officer, "subject": subject}
