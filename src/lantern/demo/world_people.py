"""Background noise: ordinary people recorded by one to three sources each, and what they own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from lantern.demo.world_build import Builder, TruePerson, ref
from lantern.demo.world_noise import format_phone
from lantern.demo.world_vocab import COLOURS, VEHICLES

# Which sources hold ordinary people, and how often (the police system most of all).
_SOURCE_WEIGHTS = {"police-rms": 0.5, "officer-intel": 0.2, "public-reports": 0.18, "council": 0.12}
# What each source tends not to record (the field is blanked).
_BLANKS = {
    "public-reports": ("date_of_birth", "vrm", "email"),
    "council": ("vrm",),
    "officer-intel": ("email",),
    "police-rms": (),
}


@dataclass
class Resident:
    person: TruePerson
    records: list[str]


def build_population(b: Builder, n_true: int) -> list[Resident]:
    """``n_true`` people; about 1.6 records each, spread over the sources with source-style noise."""
    return [_resident(b) for _ in range(n_true)]


def _resident(b: Builder) -> Resident:
    rng = b.rng
    tp = b.true_person()
    count = rng.choices((1, 2, 3), weights=(0.55, 0.33, 0.12))[0]
    sources = _pick_sources(b, count)
    records = [
        b.person(tp, source, **{f: None if f == "date_of_birth" else "" for f in _BLANKS[source]})
        for source in sources
    ]
    first = records[0]
    if rng.random() < 0.5:
        start = b.anchor - timedelta(days=rng.randint(30, 3000))
        b.rel("lives_at", ref("person", first), ref("location", b.home(tp)), sources[0], start=start)
    if tp.plate:
        make, model = rng.choice(VEHICLES)
        car = b.vehicle(tp.plate, make, model, rng.choice(COLOURS))
        tp.extra["vehicle"] = car
        b.rel(rng.choice(("owns", "uses_vehicle")), ref("person", first), ref("vehicle", car), sources[0])
    if tp.phone and rng.random() < 0.4:
        phone = b.phone_record(tp.phone, written=format_phone(rng, tp.phone))
        b.rel("uses_phone", ref("person", first), ref("phone", phone), sources[0])
    return Resident(tp, records)


def _pick_sources(b: Builder, count: int) -> list[str]:
    names, weights = list(_SOURCE_WEIGHTS), list(_SOURCE_WEIGHTS.values())
    chosen: list[str] = []
    while len(chosen) < count:
        source = b.rng.choices(names, weights=weights)[0]
        if source not in chosen or b.rng.random() < 0.3:  # the same source twice is a duplicate record
            chosen.append(source)
    return chosen
