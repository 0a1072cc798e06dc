"""Plain records the demo generator produces and the store loader consumes.

The generator (``world.py``) knows nothing of Django; the loader (``load.py``) maps these records
onto the POLE store through its services. Every record carries a ``key`` unique within one world;
links and relationships refer to entities by ``(kind, key)``.

Values are written *as a source would write them* (mixed case plates, spaced phone numbers,
nicknames, typos): normalisation is the store's job, not the generator's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

EntityKind = Literal["person", "vehicle", "phone", "identity", "location"]
EventKind = Literal["report", "incident", "sighting", "visit"]


@dataclass(frozen=True)
class EntityRef:
    kind: EntityKind
    key: str


@dataclass(frozen=True)
class SourceRecord:
    code: str  # e.g. "pnc-extract", "public-reports", "ugly-mugs-partner"
    name: str
    kind: Literal["police", "partner", "public", "anpr", "officer"]


@dataclass(frozen=True)
class PersonRecord:
    key: str
    source: str  # SourceRecord.code
    record_id: str  # the id the source gave this record
    given_names: str
    family_name: str
    aliases: tuple[str, ...] = ()
    date_of_birth: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    gender: str = ""  # "female", "male", "other", "" unknown
    description: str = ""
    address: str = ""  # free text as the source wrote it
    postcode: str = ""
    phone: str = ""
    vrm: str = ""
    email: str = ""


@dataclass(frozen=True)
class VehicleRecord:
    key: str
    vrm: str  # as written
    make: str = ""
    model: str = ""
    colour: str = ""


@dataclass(frozen=True)
class PhoneRecord:
    key: str
    number: str  # as written, e.g. "07700 900123"


@dataclass(frozen=True)
class IdentityRecord:
    key: str
    platform: str  # e.g. "adultwork", "vivastreet", "email"
    handle: str
    url: str = ""


@dataclass(frozen=True)
class LocationRecord:
    key: str
    line1: str
    line2: str = ""
    town: str = "Peterborough"
    postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    kind: Literal["premises", "residence", "street", "area", "business"] = "residence"


@dataclass(frozen=True)
class LinkRecord:
    # "subject", "person_at_risk", "victim", "witness", "reporter", "vehicle_used", "premises", ...
    role: str
    entity: EntityRef


@dataclass(frozen=True)
class EventRecord:
    key: str
    kind: EventKind
    source: str  # SourceRecord.code
    occurred_from: datetime  # timezone-aware, UTC
    occurred_to: datetime | None = None
    location: str | None = None  # LocationRecord.key
    text: str = ""  # free text as reported
    # intelligence reports
    source_type: str = ""  # "public", "sex_worker", "officer", "partner"
    sanitised_text: str = ""
    source_details: str = ""  # who the source is: kept apart from the sanitised text
    source_evaluation: str = ""  # "1", "2", "3"
    intelligence_assessment: str = ""  # "A".."E"
    handling_code: str = ""  # "P" or "C"
    # incidents: behaviour / offence codes from the vocabulary
    behaviours: tuple[str, ...] = ()
    # sightings
    sighting_source: str = ""  # "anpr", "officer", "report"
    confidence: float | None = None
    # visits
    visit_type: str = ""  # "premises", "welfare", "warrant"
    outcome: str = ""
    links: tuple[LinkRecord, ...] = ()


@dataclass(frozen=True)
class RelationshipRecord:
    key: str
    kind: str  # "associate", "controls", "uses_phone", "uses_vehicle", "lives_at", "works_at", "owns"
    a: EntityRef
    b: EntityRef
    source: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class CameraRecord:
    camera_id: str
    latitude: float
    longitude: float
    description: str


@dataclass(frozen=True)
class ZoneWindow:
    start: str  # local wall-clock "19:00"
    end: str  # "07:00" (crossing midnight when end <= start)
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)  # ISO weekday - 1 (Monday = 0)


@dataclass(frozen=True)
class OrderRecord:
    key: str
    order_type: Literal["SRO", "SHPO", "STRO", "STPO", "ISRO"]
    subject: str  # PersonRecord.key
    court: str
    applicant: str
    made_on: date
    effective_from: date
    expires_on: date | None
    zone_name: str
    zone_geojson: dict  # GeoJSON Polygon or MultiPolygon, lon/lat
    windows: tuple[ZoneWindow, ...]
    registered_vehicles: tuple[str, ...]  # VehicleRecord.keys
    notify_within_days: int = 3


@dataclass
class World:
    """One generated world: the records, and the ground truth beside them."""

    seed: int
    scale: str
    sources: list[SourceRecord] = field(default_factory=list)
    persons: list[PersonRecord] = field(default_factory=list)
    vehicles: list[VehicleRecord] = field(default_factory=list)
    phones: list[PhoneRecord] = field(default_factory=list)
    identities: list[IdentityRecord] = field(default_factory=list)
    locations: list[LocationRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    relationships: list[RelationshipRecord] = field(default_factory=list)
    cameras: list[CameraRecord] = field(default_factory=list)
    orders: list[OrderRecord] = field(default_factory=list)
    # Ground truth: JSON-serialisable; see docs/formats.md ("Demo ground truth").
    truth: dict = field(default_factory=dict)
