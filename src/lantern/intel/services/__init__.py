"""Writes to the POLE store. Each service runs in one transaction that also writes its audit entry.

Services are idempotent: ids come from normalised natural keys (``lantern.engine.ids``), so filing
the same thing twice changes nothing and writes no second audit entry. Every text argument is
stripped of control characters before it is stored.
"""

from lantern.intel.services.base import SYSTEM, Actor, StoreError, Upsert
from lantern.intel.services.entities import (
    PersonContacts,
    identity_ensure,
    location_ensure,
    person_record,
    person_with_contacts_record,
    phone_ensure,
    relationship_record,
    source_ensure,
    vehicle_ensure,
)
from lantern.intel.services.events import EventInput, event_record
from lantern.intel.services.reference import behaviour_vocabulary_load, postcodes_load

__all__ = [
    "SYSTEM",
    "Actor",
    "EventInput",
    "PersonContacts",
    "StoreError",
    "Upsert",
    "behaviour_vocabulary_load",
    "event_record",
    "identity_ensure",
    "location_ensure",
    "person_record",
    "person_with_contacts_record",
    "phone_ensure",
    "postcodes_load",
    "relationship_record",
    "source_ensure",
    "vehicle_ensure",
]
