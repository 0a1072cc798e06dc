"""The demo world: deterministic, both cases present and findable, truth consistent, all fictional."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, date, timedelta

import numpy as np
import pyarrow.parquet as pq
import pytest
import shapely
from shapely.geometry import shape

from lantern.demo.world import (
    ANCHOR,
    BEHAVIOURS,
    build_world,
    default_gazetteer_path,
    iter_person_batches,
    write_persons_parquet,
    write_truth,
)
from lantern.demo.world_bulk import BULK_SCHEMA
from lantern.demo.world_noise import drama_phone_pool
from lantern.demo.world_places import load_default_gazetteer
from lantern.demo.world_vocab import NICKNAMES, SEVERITY

PLATE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$")
DRAMA = {(a + b) for a, b in drama_phone_pool()}


@pytest.fixture(scope="module")
def gazetteer():
    return load_default_gazetteer()


@pytest.fixture(scope="module")
def world(gazetteer):
    return build_world(seed=1, scale="small", gazetteer=gazetteer)


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("44") else digits


def _true(world, key: str) -> str:
    return world.truth["persons"][key]


# determinism ----------------------------------------------------------------------------------


def test_same_seed_gives_an_identical_world(world, gazetteer):
    again = build_world(seed=1, scale="small", gazetteer=gazetteer)
    assert again == world
    assert json.dumps(again.truth, sort_keys=True) == json.dumps(world.truth, sort_keys=True)


def test_another_seed_gives_another_world(world, gazetteer):
    other = build_world(seed=2, scale="small", gazetteer=gazetteer)
    assert other.persons != world.persons
    assert other.events != world.events
    # the story itself is stable, so the demo script can name it
    assert {p.family_name for p in other.persons} >= {"Ashdown"}


def test_the_default_gazetteer_path_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("LANTERN_POSTCODES_FILE", str(tmp_path / "national.csv"))
    assert default_gazetteer_path() == tmp_path / "national.csv"


def test_unknown_scale_is_refused(gazetteer):
    with pytest.raises(ValueError, match="unknown scale"):
        build_world(scale="huge", gazetteer=gazetteer)


# shape and truth --------------------------------------------------------------------------------


def test_small_scale_sizes(world):
    assert 300 <= len(world.persons) <= 500
    assert 100 <= len(world.events) <= 200
    assert len(world.cameras) == 40
    assert {s.kind for s in world.sources} == {"police", "partner", "public", "anpr", "officer"}


def test_keys_are_unique_and_references_resolve(world):
    keys = {
        "person": [p.key for p in world.persons],
        "vehicle": [v.key for v in world.vehicles],
        "phone": [p.key for p in world.phones],
        "identity": [i.key for i in world.identities],
        "location": [loc.key for loc in world.locations],
    }
    for kind, values in keys.items():
        assert len(values) == len(set(values)), kind
    known = {(kind, k) for kind, values in keys.items() for k in values}
    for event in world.events:
        assert event.occurred_from.tzinfo is not None and event.occurred_from.utcoffset() == timedelta(0)
        assert event.location is None or ("location", event.location) in known
        assert all((link.entity.kind, link.entity.key) in known for link in event.links)
    for rel in world.relationships:
        assert (rel.a.kind, rel.a.key) in known and (rel.b.kind, rel.b.key) in known
    sources = {s.code for s in world.sources}
    assert {p.source for p in world.persons} <= sources and {e.source for e in world.events} <= sources


def test_truth_is_json_and_every_key_exists(world, tmp_path):
    truth = json.loads(write_truth(world, tmp_path / "truth.json").read_text())
    assert truth == json.loads(json.dumps(world.truth))
    assert set(truth["persons"]) == {p.key for p in world.persons}
    true_ids = set(truth["persons"].values())
    for field in (
        "escalating_subjects",
        "controllers",
        "people_at_risk",
        "controlled_people",
        "street_reporters",
    ):
        assert truth[field] and set(truth[field]) <= true_ids, field
    locations = {loc.key for loc in world.locations}
    assert set(truth["exploitative_premises"]) <= locations
    assert set(truth["busy_innocent_premises"]) <= locations
    assert not set(truth["busy_innocent_premises"]) & set(truth["exploitative_premises"])
    events = {e.key for e in world.events}
    vehicles = {v.key for v in world.vehicles}
    for subject in truth["escalating_subjects"]:
        assert set(truth["subject_events"][subject]) <= events
        assert set(truth["subject_vehicles"][subject]) <= vehicles
    assert {o["key"] for o in truth["orders"]} == {o.key for o in world.orders}
    assert truth["anchor"] == ANCHOR.isoformat()


def test_behaviour_vocabulary(world):
    codes = [b["code"] for b in BEHAVIOURS]
    assert len(codes) == len(set(codes))
    for b in BEHAVIOURS:
        assert set(b) == {"code", "name", "category", "severity", "harm_days"}
        if b["category"] == "behaviour":
            assert 1 <= b["severity"] <= 10 and b["harm_days"] == 0
        else:
            assert b["category"] == "offence" and b["harm_days"] > 0
    assert {"verbal_abuse", "degrading_act", "restraint", "injury", "hair_cutting_attempt"} <= set(codes)
    assert {"assault_occasioning_abh", "controlling_prostitution", "trafficking", "harassment"} <= set(codes)
    used = {code for e in world.events for code in e.behaviours}
    assert used <= set(codes)


# case 1: the escalating subject -----------------------------------------------------------------


def _subject_events(world):
    subject = world.truth["escalating_subjects"][0]
    by_key = {e.key: e for e in world.events}
    return subject, [by_key[k] for k in world.truth["subject_events"][subject]]


def test_subject_events_link_records_of_the_subject(world):
    subject, events = _subject_events(world)
    assert [e.occurred_from for e in events] == sorted(e.occurred_from for e in events)
    for event in events:
        subjects = [link.entity.key for link in event.links if link.role == "subject"]
        assert subjects and all(_true(world, k) == subject for k in subjects)
    # he is recorded differently by different sources
    records = [p for p in world.persons if _true(world, p.key) == subject]
    assert len({p.source for p in records}) >= 4
    assert len({(p.given_names, p.family_name) for p in records}) >= 6
    assert len({p.date_of_birth for p in records if p.date_of_birth}) >= 3


def test_subject_behaviour_escalates_over_months(world):
    _, events = _subject_events(world)
    graded = [
        (e.occurred_from, max(SEVERITY.get(c, 0) for c in e.behaviours)) for e in events if e.behaviours
    ]
    severities = [s for _, s in graded]
    assert len(graded) >= 8
    assert timedelta(days=180) <= graded[-1][0] - graded[0][0] <= timedelta(days=280)
    assert severities[0] <= 2 and max(severities[-3:]) >= 9
    third = len(severities) // 3
    assert np.mean(severities[:third]) < np.mean(severities[third:-third]) < np.mean(severities[-third:])
    pairs = [(a, b) for i, a in enumerate(severities) for b in severities[i + 1 :]]
    tau = (sum(b > a for a, b in pairs) - sum(b < a for a, b in pairs)) / len(pairs)
    assert tau > 0.7
    assert all(
        SEVERITY.get(c) is None for e in events for c in e.behaviours if c == "assault_occasioning_abh"
    )
    assert all(not e.behaviours or e.kind in ("report", "incident") for e in events)
    assert {e.source for e in events} >= {"safety-scheme", "officer-intel", "police-rms"}


def test_at_least_five_women_reported_him(world):
    _, events = _subject_events(world)
    reporters = {_true(world, link.entity.key) for e in events for link in e.links if link.role == "reporter"}
    assert len(reporters) >= 5
    assert reporters <= set(world.truth["people_at_risk"])


def test_the_order(world, gazetteer):
    (order,) = world.orders
    subject = world.truth["escalating_subjects"][0]
    assert order.order_type == "SRO" and _true(world, order.subject) == subject
    assert order.made_on == ANCHOR - timedelta(days=60) and order.effective_from == order.made_on
    assert order.expires_on == date(order.made_on.year + 2, order.made_on.month, order.made_on.day)
    assert [(w.start, w.end, w.days) for w in order.windows] == [("19:00", "07:00", tuple(range(7)))]
    assert set(order.registered_vehicles) == set(world.truth["subject_vehicles"][subject])
    assert order.notify_within_days == 3
    zone = shape(order.zone_geojson)
    assert zone.is_valid and order.zone_geojson["type"] == "Polygon"
    inside = shapely.contains_xy(zone, gazetteer["longitude"].to_numpy(), gazetteer["latitude"].to_numpy())
    sectors = Counter(pc[:5] for pc in np.array(gazetteer["postcode"].to_pylist())[inside])
    assert sectors["PE1 2"] >= 100 and sectors["PE1 3"] >= 40
    assert set(sectors) <= {"PE1 1", "PE1 2", "PE1 3", "PE1 4"}
    min_lon, min_lat, max_lon, max_lat = zone.bounds
    assert min_lon >= -0.253 and max_lon <= -0.237 and min_lat >= 52.577 and max_lat <= 52.593
    in_zone = [c for c in world.cameras if zone.contains(shapely.Point(c.longitude, c.latitude))]
    assert 3 <= len(in_zone) < len(world.cameras) // 2


# case 2: the controller -------------------------------------------------------------------------


def test_controller_premises_and_women(world):
    truth = world.truth
    controller = truth["controllers"][0]
    controls = [
        r for r in world.relationships if r.kind == "controls" and _true(world, r.a.key) == controller
    ]
    premises = {r.b.key for r in controls if r.b.kind == "location"}
    women = {_true(world, r.b.key) for r in controls if r.b.kind == "person"}
    assert premises == set(truth["exploitative_premises"]) and len(premises) >= 3
    assert women == set(truth["controlled_people"]) and len(women) >= 6
    postcodes = {loc.postcode[:3] for loc in world.locations if loc.key in premises}
    assert postcodes <= {"PE1", "PE2", "PE3"}


def test_women_are_moved_between_premises(world):
    premises = set(world.truth["exploitative_premises"])
    stays = defaultdict(set)
    for r in world.relationships:
        if r.kind == "lives_at" and r.b.key in premises:
            assert r.start is not None
            stays[_true(world, r.a.key)].add(r.b.key)
    assert set(stays) == set(world.truth["controlled_people"])
    assert sum(len(s) >= 2 for s in stays.values()) >= 6


def test_one_phone_behind_several_adverts(world):
    adverts = {i.key: i for i in world.identities}
    behind = Counter(r.b.key for r in world.relationships if r.kind == "uses_phone" and r.a.key in adverts)
    assert max(behind.values()) >= 3
    assert set(behind) <= set(world.truth["controller_phones"])
    assert all(i.url.startswith("https://") and ".example.invalid/" in i.url for i in adverts.values())


def test_public_reports_describe_the_premises(world):
    premises = set(world.truth["exploitative_premises"])
    texts = " ".join(e.text.lower() for e in world.events if e.location in premises)
    for phrase in ("lots of people calling", "coming and going at all hours", "curtains are always drawn"):
        assert phrase in texts
    sources = {e.source for e in world.events if e.location in premises}
    assert {"public-reports", "council", "police-rms"} <= sources
    assert any(loc.line1.startswith("Apartment") for loc in world.locations if loc.key in premises)


# noise and fiction ------------------------------------------------------------------------------


def test_noise_records_the_same_person_differently(world):
    by_true = defaultdict(list)
    for p in world.persons:
        by_true[_true(world, p.key)].append(p)
    multi = [records for records in by_true.values() if len(records) > 1]
    assert len(multi) >= 60
    nicknames = {n for names in NICKNAMES.values() for n in names}
    assert any(p.given_names in nicknames for p in world.persons)
    assert any(p.date_of_birth is None for p in world.persons)
    assert any(len({r.date_of_birth for r in recs if r.date_of_birth}) > 1 for recs in multi)
    assert any(len({r.address for r in recs if r.address}) > 1 for recs in multi)
    assert any(p.vrm and (p.vrm.islower() or " " not in p.vrm) for p in world.persons)
    assert len({re.sub(r"\d", "9", p.phone) for p in world.persons if p.phone}) >= 4  # several formats
    assert 250 <= len(set(by_true)) <= 350


def test_everything_is_fictional(world):
    phones = [p.phone for p in world.persons if p.phone] + [p.number for p in world.phones]
    assert phones and all(_digits(p) in DRAMA for p in phones)
    emails = [p.email for p in world.persons if p.email]
    assert emails and all(e.split("@")[1] in ("example.com", "example.org") for e in emails)
    plates = [v.vrm.replace(" ", "").upper() for v in world.vehicles]
    plates += [p.vrm.replace(" ", "").upper() for p in world.persons if p.vrm]
    assert plates and all(PLATE.match(p) for p in plates)
    located = [loc for loc in world.locations if loc.latitude is not None]
    assert len(located) == len(world.locations)
    assert all(loc.postcode[:3] in ("PE1", "PE2", "PE3", "PE4", "PE7") for loc in located)


# bulk persons -----------------------------------------------------------------------------------


def test_bulk_persons_stream_in_bounded_batches(gazetteer):
    batches = list(iter_person_batches(1, "small", batch_size=300, gazetteer=gazetteer))
    assert [b.num_rows for b in batches] == [300, 300, 300, 100]
    assert all(b.schema == BULK_SCHEMA for b in batches)
    again = list(iter_person_batches(1, "small", batch_size=300, gazetteer=gazetteer))
    assert all(a.equals(b) for a, b in zip(batches, again, strict=True))
    other = next(iter_person_batches(2, "small", batch_size=300, gazetteer=gazetteer))
    assert not other.equals(batches[0])


def test_bulk_persons_parquet(tmp_path, gazetteer):
    rows = write_persons_parquet(
        1, "small", tmp_path / "persons.parquet", batch_size=400, gazetteer=gazetteer
    )
    table = pq.read_table(tmp_path / "persons.parquet")
    assert rows == table.num_rows == 1_000
    assert table.schema == BULK_SCHEMA
    data = table.to_pydict()
    assert len(set(data["record_id"])) == rows
    assert len(set(data["truth_id"])) < rows  # people recorded more than once
    phones = [p for p in data["phone"] if p]
    assert phones and all(_digits(p) in DRAMA and not p.startswith("07") for p in phones)
    plates = [v.replace(" ", "").upper() for v in data["vrm"] if v]
    assert plates and all(PLATE.match(p) and not p.startswith("A") for p in plates)
    assert all(e.endswith(("@example.com", "@example.org")) for e in data["email"] if e)
    assert all(d is None for d, s in zip(data["dob"], data["source"], strict=True) if s == "public-reports")
    assert sum(d is None for d in data["dob"]) > 0
    assert all(d is None or d < ANCHOR for d in data["dob"])


def test_event_times_lie_in_the_year_before_the_anchor(world):
    first = min(e.occurred_from for e in world.events).date()
    last = max(e.occurred_from for e in world.events).astimezone(UTC).date()
    assert ANCHOR - timedelta(days=366) <= first and last <= ANCHOR + timedelta(days=1)
