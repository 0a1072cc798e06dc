"""The synthetic Peterborough world: both founding cases, hidden in realistic noise.

``build_world(seed, scale)`` is deterministic: the same seed and scale give an identical world
(no global random state, no wall clock; every date hangs off ``anchor``, default 31 October 2026).
The ANPR reads are generated separately (``lake.write_reads``) and bulk noise persons for the
large scale are streamed to Parquet (``world_bulk``), never held as Python objects.

Ground truth (``world.truth``, JSON-serialisable):

- ``persons``: person record key -> true person id (every PersonRecord is listed)
- ``escalating_subjects``, ``controllers``, ``people_at_risk``, ``controlled_people``: true ids
- ``exploitative_premises``, ``busy_innocent_premises``: location keys
- ``subject_events``: true id -> event keys in time order; ``subject_vehicles``: true id -> vehicle keys
- ``orders``: [{key, subject_true_id, registered_vehicles, registered_plates}]
- ``adverts``, ``controller_phones``, ``controller_vehicles``: keys; ``other_reported_men``: true ids
- ``breach_read_ids``, ``misread_breach_read_ids``, ``planted_reads``: filled by ``lake.write_reads``
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyarrow as pa

from lantern.demo.records import World
from lantern.demo.world_build import Builder
from lantern.demo.world_bulk import iter_person_batches, write_persons_parquet
from lantern.demo.world_events import build_noise_events, build_red_herrings
from lantern.demo.world_people import build_population
from lantern.demo.world_places import Places, default_gazetteer_path, load_default_gazetteer, make_cameras
from lantern.demo.world_premises import build_controller
from lantern.demo.world_story import build_escalating_subject
from lantern.demo.world_vocab import BEHAVIOURS, SOURCES

ANCHOR = date(2026, 10, 31)  # the last day of the demo month (October 2026, with a clock change)


@dataclass(frozen=True)
class Scale:
    true_people: int  # background people in World (about 1.6 records each)
    events: int  # background events in World
    cameras: int
    reads_total: int  # background ANPR reads over 30 days
    bulk_persons: int  # person records streamed to Parquet by world_bulk


SCALES: dict[str, Scale] = {
    "small": Scale(true_people=230, events=130, cameras=40, reads_total=60_000, bulk_persons=1_000),
    "medium": Scale(
        true_people=6_200, events=100_000, cameras=150, reads_total=3_000_000, bulk_persons=100_000
    ),
    "large": Scale(
        true_people=6_200, events=100_000, cameras=600, reads_total=100_000_000, bulk_persons=1_000_000
    ),
}


def build_world(
    seed: int = 1, scale: str = "small", gazetteer: pa.Table | None = None, anchor: date = ANCHOR
) -> World:
    """Build the demo world. ``gazetteer``: postcode centroids (default: the PE extract)."""
    size = get_scale(scale)
    world = World(seed=seed, scale=scale, sources=list(SOURCES))
    places = Places(gazetteer if gazetteer is not None else load_default_gazetteer())
    b = Builder(world, random.Random(seed), places, anchor)
    subject = build_escalating_subject(b)
    ring = build_controller(b)
    b.reserve_phones()  # noise may reuse drama numbers, never the story's
    world.cameras = make_cameras(b.rng, places, size.cameras)
    residents = build_population(b, size.true_people)
    herrings = build_red_herrings(b, residents)
    build_noise_events(b, residents, size.events)
    world.events.sort(key=lambda e: (e.occurred_from, e.key))  # an extract comes in time order
    for records in (world.persons, world.vehicles, world.phones, world.identities, world.locations):
        b.rng.shuffle(records)  # creation order would put the story first
    world.relationships.sort(key=lambda r: r.key)
    world.truth.update(_truth(world, anchor, subject, ring, herrings))
    return world


def get_scale(scale: str) -> Scale:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: expected one of {', '.join(SCALES)}")
    return SCALES[scale]


def _truth(world: World, anchor: date, subject: dict, ring: dict, herrings: dict) -> dict:
    return {
        "seed": world.seed,
        "scale": world.scale,
        "anchor": anchor.isoformat(),
        "escalating_subjects": [subject["true_id"]],
        "subject_events": {subject["true_id"]: subject["events"]},
        "subject_vehicles": {subject["true_id"]: subject["vehicles"]},
        "street_reporters": subject["reporters"],
        "controllers": ring["controllers"],
        "exploitative_premises": ring["premises"],
        "controlled_people": ring["women"],
        "people_at_risk": sorted({*ring["women"], *subject["reporters"]}),
        "controller_phones": ring["phones"],
        "controller_vehicles": ring["vehicles"],
        "adverts": ring["adverts"],
        **herrings,
        "orders": [
            {
                "key": subject["order"],
                "subject_true_id": subject["true_id"],
                "registered_vehicles": subject["vehicles"],
                "registered_plates": subject["plates"],
            }
        ],
        "breach_read_ids": [],
        "misread_breach_read_ids": [],
        "planted_reads": [],
    }


def write_truth(world: World, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(world.truth, indent=1, sort_keys=True), encoding="utf-8")
    return path


__all__ = [
    "ANCHOR",
    "BEHAVIOURS",
    "SCALES",
    "Scale",
    "build_world",
    "default_gazetteer_path",
    "get_scale",
    "iter_person_batches",
    "write_persons_parquet",
    "write_truth",
]
