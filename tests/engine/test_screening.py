"""Screening against hand-placed evidence: windows, clock changes, edges, versions, misreads, GPS."""

from __future__ import annotations

import pyarrow as pa
import pytest

from lantern.engine.screening.backends import DuckDBBackend
from lantern.engine.screening.rules import compile_rules
from lantern.engine.screening.screen import episodes, screen_fixes, screen_reads, screen_sightings

from .screening_fixtures import CAMERAS, MOVED, NIGHTS, SQUARE, order, utc_us, write_fixes, write_reads


@pytest.fixture(scope="module")
def backend():
    return DuckDBBackend(threads=1)


def flagged(tmp_path, backend, reads, orders=None) -> dict[str, dict]:
    files = write_reads(tmp_path / "reads", [(f"r{i}", *r) for i, r in enumerate(reads)])
    result = screen_reads(compile_rules(orders or [order()]), files, CAMERAS, backend)
    return {row["evidence_id"]: row for row in result.hits.to_pylist()}


def ids(hits: dict) -> set[int]:
    return {int(key[1:]) for key in hits}


def test_a_night_window_keeps_its_wall_clock_times_on_the_spring_clock_change(tmp_path, backend):
    reads = [
        ("AB12CDE", "IN", "2026-03-28 18:59:59"),  # 0: 18:59:59 GMT, before the window
        ("AB12CDE", "IN", "2026-03-28 19:00:00"),  # 1: 19:00 GMT, the window opens (inclusive)
        ("AB12CDE", "IN", "2026-03-29 00:59:59"),  # 2: 00:59:59 GMT, the last second before the change
        ("AB12CDE", "IN", "2026-03-29 01:00:00"),  # 3: 02:00 BST, straight after it
        ("AB12CDE", "IN", "2026-03-29 05:59:59"),  # 4: 06:59:59 BST, still inside
        ("AB12CDE", "IN", "2026-03-29 06:00:00"),  # 5: 07:00 BST, the window has closed (exclusive)
        ("AB12CDE", "IN", "2026-03-29 17:59:59"),  # 6: 18:59:59 BST, not yet
        ("AB12CDE", "IN", "2026-03-29 18:00:00"),  # 7: 19:00 BST, open again
    ]
    assert ids(flagged(tmp_path, backend, reads)) == {1, 2, 3, 4, 7}


def test_a_night_window_covers_the_repeated_hour_on_the_autumn_clock_change(tmp_path, backend):
    reads = [
        ("AB12CDE", "IN", "2026-10-24 17:59:59"),  # 0: 18:59:59 BST
        ("AB12CDE", "IN", "2026-10-24 18:00:00"),  # 1: 19:00 BST
        ("AB12CDE", "IN", "2026-10-25 00:30:00"),  # 2: 01:30 BST, the first 01:30
        ("AB12CDE", "IN", "2026-10-25 01:30:00"),  # 3: 01:30 GMT, the second 01:30
        ("AB12CDE", "IN", "2026-10-25 06:59:59"),  # 4: 06:59:59 GMT
        ("AB12CDE", "IN", "2026-10-25 07:00:00"),  # 5: 07:00 GMT: closed
        ("AB12CDE", "IN", "2026-10-25 12:00:00"),  # 6: midday
    ]
    hits = flagged(tmp_path, backend, reads)
    assert ids(hits) == {1, 2, 3, 4}


def test_a_window_on_chosen_days_runs_past_midnight_into_the_next_day(tmp_path, backend):
    friday_nights = [{"start": "22:00", "end": "06:00", "days": ["Fri"]}]
    rules = [
        order(
            zones=[{"condition": 1, "version": 1, "name": "z", "geojson": SQUARE, "windows": friday_nights}]
        )
    ]
    reads = [
        ("AB12CDE", "IN", "2026-10-22 22:00:00"),  # 0: Thursday 23:00 BST: not a Friday window
        ("AB12CDE", "IN", "2026-10-23 22:00:00"),  # 1: Friday 23:00 BST
        ("AB12CDE", "IN", "2026-10-24 04:59:59"),  # 2: Saturday 05:59:59 BST, Friday's window
        ("AB12CDE", "IN", "2026-10-24 05:00:00"),  # 3: Saturday 06:00 BST: closed
        ("AB12CDE", "IN", "2026-10-24 22:00:00"),  # 4: Saturday 23:00: not a Friday window
    ]
    assert ids(flagged(tmp_path, backend, reads, rules)) == {1, 2}


def test_the_boundary_counts_as_inside_and_outside_does_not(tmp_path, backend):
    reads = [
        ("AB12CDE", "IN", "2026-06-01 23:00:00"),
        ("AB12CDE", "EDGE", "2026-06-01 23:00:00"),
        ("AB12CDE", "OUT", "2026-06-01 23:00:00"),
    ]
    assert ids(flagged(tmp_path, backend, reads)) == {0, 1}


def test_an_order_applies_from_its_first_day_to_the_end_of_its_last(tmp_path, backend):
    reads = [
        ("AB12CDE", "IN", "2026-02-28 23:30:00"),  # 0: the evening before it took effect
        ("AB12CDE", "IN", "2026-03-01 00:30:00"),  # 1: the first minutes of its first day (GMT)
        ("AB12CDE", "IN", "2026-11-30 23:30:00"),  # 2: the last evening of its last day
        ("AB12CDE", "IN", "2026-12-01 00:30:00"),  # 3: after it expired
    ]
    assert ids(flagged(tmp_path, backend, reads)) == {1, 2}


def test_a_varied_zone_applies_to_reads_by_the_version_in_force_at_the_time(tmp_path, backend):
    old = {"condition": 1, "version": 1, "valid_from": "2026-03-01", "valid_to": "2026-06-30"}
    new = {"condition": 1, "version": 2, "valid_from": "2026-07-01"}
    zones = [
        {**old, "name": "old", "geojson": SQUARE, "windows": NIGHTS},
        {**new, "name": "new", "geojson": MOVED, "windows": NIGHTS},
    ]
    reads = [
        ("AB12CDE", "IN", "2026-06-30 22:00:00"),  # 0: old zone, last night of version 1 (23:00 BST)
        ("AB12CDE", "IN", "2026-07-02 22:00:00"),  # 1: old zone after the variation: allowed now
        ("AB12CDE", "MOVED", "2026-06-30 22:00:00"),  # 2: new zone before it applied
        ("AB12CDE", "MOVED", "2026-07-02 22:00:00"),  # 3: new zone, version 2
    ]
    hits = flagged(tmp_path, backend, reads, [order(zones=zones)])
    assert ids(hits) == {0, 3}
    rules = compile_rules([order(zones=zones)])
    assert {hits["r0"]["zone"], hits["r3"]["zone"]} == {0, 1}
    assert rules.zones[hits["r3"]["zone"]].version == 2


def test_a_misread_plate_is_flagged_as_possible_with_lower_confidence(tmp_path, backend):
    reads = [
        ("AB12CDE", "IN", "2026-06-01 23:00:00"),
        ("A812CDE", "IN", "2026-06-01 23:05:00"),
        ("XY99ZZZ", "IN", "2026-06-01 23:06:00"),
    ]
    hits = flagged(tmp_path, backend, reads)
    assert ids(hits) == {0, 1}
    assert hits["r0"]["match"] == "exact" and hits["r1"]["match"] == "possible misread"
    assert hits["r1"]["confidence"] < hits["r0"]["confidence"]
    assert hits["r1"]["matched_vrm"] == "AB12CDE" and hits["r1"]["vrm"] == "A812CDE"


def test_a_read_held_twice_in_the_lake_is_one_hit(tmp_path, backend):
    rows = [("dup", "AB12CDE", "IN", "2026-06-01 23:00:00")]
    files = write_reads(tmp_path / "a", rows) + write_reads(tmp_path / "b", rows)
    result = screen_reads(compile_rules([order()]), files, CAMERAS, backend)
    assert result.hits.column("evidence_id").to_pylist() == ["dup"]


def test_a_vehicle_registered_from_a_later_date_only_counts_from_then(tmp_path, backend):
    vehicles = [{"vrm": "AB12CDE", "basis": "registered", "valid_from": "2026-06-01"}]
    reads = [("AB12CDE", "IN", "2026-05-20 23:00:00"), ("AB12CDE", "IN", "2026-06-02 23:00:00")]
    assert ids(flagged(tmp_path, backend, reads, [order(vehicles=vehicles)])) == {1}


def test_a_linked_vehicle_counts_with_lower_confidence_and_reads_at_unknown_cameras_are_reported(
    tmp_path, backend
):
    vehicles = [{"vrm": "AB12CDE", "basis": "registered"}, {"vrm": "LN51XYZ", "basis": "linked"}]
    files = write_reads(
        tmp_path / "r",
        [
            ("a", "AB12CDE", "IN", "2026-06-01 23:00:00"),
            ("b", "LN51XYZ", "IN", "2026-06-01 23:01:00"),
            ("c", "AB12CDE", "NOWHERE", "2026-06-01 23:02:00"),
        ],
    )
    result = screen_reads(compile_rules([order(vehicles=vehicles)]), files, CAMERAS, backend)
    hits = {r["evidence_id"]: r for r in result.hits.to_pylist()}
    assert set(hits) == {"a", "b"} and hits["b"]["basis"] == "linked"
    assert hits["b"]["confidence"] < hits["a"]["confidence"]
    assert result.unknown_cameras == {"NOWHERE": 1}


def test_evidence_within_30_minutes_is_one_episode_with_an_explanation(tmp_path, backend):
    reads = [
        ("AB12CDE", "IN", "2026-06-01 22:00:00"),
        ("AB12CDE", "EDGE", "2026-06-01 22:30:00"),  # exactly 30 minutes later: same episode
        ("A812CDE", "IN", "2026-06-01 23:00:01"),  # 30 minutes and a second: a new episode
    ]
    files = write_reads(tmp_path / "reads", [(f"r{i}", *r) for i, r in enumerate(reads)])
    rules = compile_rules([order()])
    found = episodes(rules, screen_reads(rules, files, CAMERAS, backend).hits)
    assert [e.hits.column("evidence_id").to_pylist() for e in found] == [["r0", "r1"], ["r2"]]
    text = found[0].explanation()
    assert "AB12CDE (registered to the subject) was read twice by 2 cameras inside red-light district" in text
    assert "between Mon 01 Jun 2026 23:00:00 BST and Mon 01 Jun 2026 23:30:00 BST" in text
    assert "condition 1 (version 1) of order PBO/SRO/1" in text
    assert "misread" in found[1].explanation()


def test_gps_fixes_count_by_their_accuracy(tmp_path, backend):
    # 52.58 is the square's southern edge; 0.0001 degrees of latitude is about 11 m.
    fixes = [
        ("TAG1", "REC1", 52.5850, -0.245, "2026-06-01 22:00:00", 10.0),  # deep inside: inside
        ("TAG1", "REC1", 52.58005, -0.245, "2026-06-01 22:01:00", 10.0),  # 5.6 m inside, 10 m accuracy
        ("TAG1", "REC1", 52.57995, -0.245, "2026-06-01 22:02:00", 10.0),  # 5.6 m outside, 10 m accuracy
        ("TAG1", "REC1", 52.5795, -0.245, "2026-06-01 22:03:00", 10.0),  # 56 m outside: no
        ("TAG1", "REC1", 52.5850, -0.245, "2026-06-01 12:00:00", 10.0),  # inside at midday: no
        ("TAG2", "OTHER", 52.5850, -0.245, "2026-06-01 22:00:00", 10.0),  # someone else's tag: no
    ]
    files = write_fixes(tmp_path / "fixes", fixes)
    hits = screen_fixes(compile_rules([order()]), files, backend).to_pylist()
    at = {h["at_us"]: h["match"] for h in hits}
    assert at == {
        utc_us("2026-06-01 22:00:00"): "inside",
        utc_us("2026-06-01 22:01:00"): "possibly inside",
        utc_us("2026-06-01 22:02:00"): "possibly inside",
    }


def test_sightings_of_the_subject_in_the_zone_during_a_window_are_hits():
    rules = compile_rules([order()])
    sightings = pa.table(
        {
            "event_id": ["e1", "e2", "e3"],
            "subject_id": ["S1", "S1", "S2"],
            "at_us": [
                utc_us("2026-06-01 22:00:00"),
                utc_us("2026-06-01 12:00:00"),
                utc_us("2026-06-01 22:00:00"),
            ],
            "lat": [52.585, 52.585, 52.585],
            "lon": [-0.245, -0.245, -0.245],
            "confidence": [1.0, 1.0, 1.0],
        }
    )
    assert screen_sightings(rules, sightings).column("evidence_id").to_pylist() == ["e1"]


def test_an_episode_of_reads_and_fixes_is_explained_in_one_sentence(tmp_path, backend):
    rules = compile_rules([order()])
    reads = screen_reads(
        rules,
        write_reads(tmp_path / "r", [("r1", "AB12CDE", "IN", "2026-06-01 22:00:00")]),
        CAMERAS,
        backend,
    ).hits
    fixes = screen_fixes(
        rules,
        write_fixes(tmp_path / "f", [("TAG1", "REC1", 52.58005, -0.245, "2026-06-01 22:10:00", 10.0)]),
        backend,
    )
    (episode,) = episodes(rules, pa.concat_tables([reads, fixes]))
    assert episode.explanation() == (
        "AB12CDE (registered to the subject) was read once by 1 camera "
        "and the subject's GPS tag was fixed once inside red-light district "
        "between Mon 01 Jun 2026 23:00:00 BST and Mon 01 Jun 2026 23:10:00 BST, "
        "while condition 1 (version 1) of order PBO/SRO/1 applied "
        "(some fixes are inside only within their stated accuracy)."
    )
