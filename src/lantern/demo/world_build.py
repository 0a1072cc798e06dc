"""The builder every part of the world generator writes through: keys, allocators, truth."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from lantern.demo.records import (
    EntityKind,
    EntityRef,
    EventRecord,
    IdentityRecord,
    LocationRecord,
    PersonRecord,
    PhoneRecord,
    RelationshipRecord,
    VehicleRecord,
    World,
)
from lantern.demo.world_noise import (
    canonical_phone,
    dob_variant,
    drama_phone_pool,
    format_address,
    format_phone,
    format_plate,
    given_name_variant,
    make_plate,
    maybe_spaced_postcode,
    surname_variant,
)
from lantern.demo.world_places import Place, Places
from lantern.demo.world_vocab import EMAIL_DOMAINS, FEMALE_FIRST, MALE_FIRST, STREETS_CITY, SURNAMES

LONDON = ZoneInfo("Europe/London")
_KEY_PRIME = 1_000_003  # keys are a bijection of the creation counter, so order does not leak

# The id each source gives its records: a format per source, as real systems differ.
_RECORD_ID_FORMATS = {
    "police-rms": "PRS/{n:07d}/{yy}",
    "officer-intel": "INT/{yy}/{n:06d}",
    "public-reports": "PR-{yy}-{n:05d}",
    "safety-scheme": "UM-{n:05d}",
    "outreach-project": "OUT{n:05d}",
    "council": "ASB/{n:06d}",
    "anpr": "ANPR-{n:08d}",
}


@dataclass
class TruePerson:
    """One real (fictional) human behind any number of source records."""

    true_id: str
    first: str
    surname: str
    gender: str
    dob: date
    house: str
    street: str
    place: Place
    phone: tuple[str, str] | None = None
    plate: str | None = None
    email: str | None = None
    previous: tuple[str, str, Place] | None = None  # an older address some sources still hold
    location_key: str | None = None
    extra: dict = field(default_factory=dict)


def local_dt(day: date, hour: int, minute: int = 0, second: int = 0, fold: int = 0) -> datetime:
    """A Europe/London wall-clock time as an aware UTC datetime."""
    wall = datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=LONDON, fold=fold)
    return wall.astimezone(UTC)


class Builder:
    def __init__(self, world: World, rng: random.Random, places: Places, anchor: date):
        self.world = world
        self.rng = rng
        self.places = places
        self.anchor = anchor
        self._counters: dict[str, int] = defaultdict(int)
        pool = drama_phone_pool()
        self._phones = {
            "mobile": [p for p in pool if p[0] == "07700"],
            "landline": [p for p in pool if p[0] != "07700"],
        }
        for numbers in self._phones.values():
            rng.shuffle(numbers)
        self._phone_next = {"mobile": 0, "landline": 0}
        self._phone_reserved = {"mobile": 0, "landline": 0}
        self._plates: set[str] = set()
        self._locations: dict[tuple[str, str], str] = {}
        world.truth.setdefault("persons", {})

    # keys and ids -----------------------------------------------------------------------------
    def key(self, prefix: str) -> str:
        n = self._counters[prefix]
        self._counters[prefix] += 1
        return f"{prefix}-{(n * 7919 + 104729) % _KEY_PRIME:07d}"

    def record_id(self, source: str, when: date | None = None) -> str:
        n = self._counters["rid:" + source] + 1
        self._counters["rid:" + source] = n
        yy = f"{(when or self.anchor).year % 100:02d}"
        return _RECORD_ID_FORMATS[source].format(n=n * 37 + 1000, yy=yy)

    # allocators -------------------------------------------------------------------------------
    def phone(self, mobile: bool = True) -> tuple[str, str]:
        """A drama number, unique until the range runs out (1,000 mobiles, ~16,000 landlines).

        After that numbers are reused, except those taken before :meth:`reserve_phones` (the story's),
        so the story's links never collide with noise.
        """
        kind = "mobile" if mobile else "landline"
        numbers, n = self._phones[kind], self._phone_next[kind]
        self._phone_next[kind] += 1
        reserved = self._phone_reserved[kind]
        if n < len(numbers):
            return numbers[n]
        return numbers[reserved + (n - reserved) % (len(numbers) - reserved)]

    def reserve_phones(self) -> None:
        self._phone_reserved = dict(self._phone_next)

    def plate(self) -> str:
        while True:
            plate = make_plate(self.rng)
            if plate not in self._plates:
                self._plates.add(plate)
                return plate

    def reserve_plate(self, plate: str) -> str:
        self._plates.add(plate)
        return plate

    def true_person(self, gender: str | None = None, age: tuple[int, int] = (18, 75), **kw) -> TruePerson:
        rng = self.rng
        gender = gender or rng.choice(("male", "female"))
        first = rng.choice(MALE_FIRST if gender == "male" else FEMALE_FIRST)
        surname = rng.choice(SURNAMES)
        born = self.anchor - timedelta(days=rng.randint(age[0] * 365 + 1, age[1] * 365))
        place = self.places.pick(rng, "outside")
        tp = TruePerson(
            true_id=self.key("TP"),
            first=first,
            surname=surname,
            gender=gender,
            dob=born,
            house=str(rng.randint(1, 160)),
            street=rng.choice(STREETS_CITY),
            place=place,
        )
        if rng.random() < 0.45:
            tp.phone = self.phone(mobile=rng.random() < 0.7)
        if rng.random() < 0.35:
            tp.plate = self.plate()
        if rng.random() < 0.2:
            tp.email = f"{first}.{surname}{rng.randint(1, 99)}@{rng.choice(EMAIL_DOMAINS)}".lower()
        if rng.random() < 0.2:
            tp.previous = (str(rng.randint(1, 160)), rng.choice(STREETS_CITY), self.places.pick(rng))
        for name, value in kw.items():
            setattr(tp, name, value)
        return tp

    # records ----------------------------------------------------------------------------------
    def person(self, tp: TruePerson, source: str, noisy: bool = True, **fields) -> str:
        """A source's record of ``tp``: values written as that source would, then ``fields``."""
        rng = self.rng
        house, street, place = (
            tp.previous if tp.previous and rng.random() < 0.35 else (tp.house, tp.street, tp.place)
        )
        given = given_name_variant(rng, tp.first) if noisy else tp.first
        family = surname_variant(rng, tp.surname) if noisy else tp.surname
        if noisy and rng.random() < 0.04:
            given, family = family, given  # forename and surname entered the wrong way round
        record = PersonRecord(
            key=self.key("per"),
            source=source,
            record_id=self.record_id(source),
            given_names=given,
            family_name=family,
            date_of_birth=dob_variant(rng, tp.dob) if noisy else tp.dob,
            gender=tp.gender if rng.random() < 0.9 else "",
            address=format_address(rng, house, street),
            postcode=maybe_spaced_postcode(rng, place.postcode),
            phone=format_phone(rng, tp.phone) if tp.phone and rng.random() < 0.7 else "",
            vrm=format_plate(rng, tp.plate) if tp.plate and rng.random() < 0.6 else "",
            email=tp.email if tp.email and rng.random() < 0.6 else "",
        )
        return self.add_person(replace(record, **fields), tp.true_id)

    def add_person(self, record: PersonRecord, true_id: str) -> str:
        self.world.persons.append(record)
        self.world.truth["persons"][record.key] = true_id
        return record.key

    def location(self, line1: str, place: Place, kind: str = "residence", line2: str = "") -> str:
        """One LocationRecord per (address, postcode): later calls return the same key."""
        ident = (line1.lower(), place.postcode)
        if ident not in self._locations:
            key = self.key("loc")
            self.world.locations.append(
                LocationRecord(
                    key, line1, line2, "Peterborough", place.postcode, place.latitude, place.longitude, kind
                )
            )
            self._locations[ident] = key
        return self._locations[ident]

    def home(self, tp: TruePerson) -> str:
        if tp.location_key is None:
            tp.location_key = self.location(f"{tp.house} {tp.street}", tp.place)
        return tp.location_key

    def vehicle(self, plate: str, make: str, model: str, colour: str, written: str | None = None) -> str:
        key = self.key("veh")
        self.world.vehicles.append(
            VehicleRecord(key, written or format_plate(self.rng, plate), make, model, colour)
        )
        return key

    def phone_record(self, number: tuple[str, str], written: str | None = None) -> str:
        key = self.key("tel")
        self.world.phones.append(PhoneRecord(key, written or canonical_phone(number)))
        return key

    def identity(self, platform: str, handle: str, url: str = "") -> str:
        key = self.key("idn")
        self.world.identities.append(IdentityRecord(key, platform, handle, url))
        return key

    def event(self, kind: str, source: str, when: datetime, **fields) -> str:
        key = self.key("evt")
        self.world.events.append(EventRecord(key=key, kind=kind, source=source, occurred_from=when, **fields))
        return key

    def rel(self, kind: str, a: EntityRef, b: EntityRef, source: str, start=None, end=None) -> str:
        key = self.key("rel")
        self.world.relationships.append(RelationshipRecord(key, kind, a, b, source, start, end))
        return key


def ref(kind: EntityKind, key: str) -> EntityRef:
    return EntityRef(kind, key)
