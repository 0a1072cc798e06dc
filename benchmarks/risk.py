"""Score the demo generator's worlds for risk and time 10^5 subjects and 10^5 premises (issue 6).

    python benchmarks/risk.py [--world large] [--subjects 100000] [--premises 100000] [--seed 1]

Part 1 builds the generator's world (``--world``, default ``large``: 6,200 true people, 10^5
background events, red herrings, the escalating customer and the four exploited premises), keys
its records by true person (scoring is measured here, resolution in benchmarks/resolution.py),
scores it and prints precision at k against the ground truth (k = the number of true items),
beside a baseline ranking: subjects by number of incidents, premises by number of reports.

Part 2 builds a synthetic population at the stated scale (--subjects subjects with 1-12
incidents each, 1% of them escalating; --premises addresses with reports and residents, 1% of
them exploited by rings of four addresses sharing a controller), times score_all on it (target:
under 60 s for both on 2 cores) and prints precision at k again. The baseline for time is the
per-subject loop a statistics library invites (pymannkendall's Mann-Kendall test and Sen's slope
for each subject), run on a 2% sample of the same subjects and scaled up; the ratio is of the
subjects scored per second.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime

import pymannkendall

from _measure import PeakRSS
from lantern.demo.risk_world import world_risk_inputs
from lantern.demo.world import ANCHOR, build_world
from lantern.demo.world_vocab import BEHAVIOURS
from lantern.engine.risk import RiskInputs, default_config, score_all

AS_OF = datetime.combine(ANCHOR, dtime(23, 59), tzinfo=UTC)
LADDER = [b for b in BEHAVIOURS if b["severity"] is not None]
VISITOR_TEXT = "Men coming and going at all hours, most only stay 20 minutes."
NOISE_TEXT = ("Loud music late at night.", "Car parked across my drive.", "Fly-tipping at the back.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world", default="large", choices=("small", "medium", "large"))
    parser.add_argument("--subjects", type=int, default=100_000)
    parser.add_argument("--premises", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{os.cpu_count()} cores")
    _world(args.world, args.seed)
    return _synthetic(args.subjects, args.premises, args.seed)


def precision_at_k(ranked: list[str], truth: set[str]) -> float:
    k = len(truth)
    return len(set(ranked[:k]) & truth) / k if k else float("nan")


def _world(scale: str, seed: int) -> None:
    started = time.perf_counter()
    world = build_world(seed, scale)
    inputs = world_risk_inputs(world, resolved=True)
    built = time.perf_counter()
    result = score_all(inputs, default_config(), AS_OF)
    scored = time.perf_counter()
    truth = world.truth
    escalating = set(truth["escalating_subjects"])
    exploited = set(truth["exploitative_premises"])
    ours_s = [r["subject"] for r in sorted(result.subjects, key=lambda r: r["escalation_rank"])]
    base_s = [r["subject"] for r in sorted(result.subjects, key=lambda r: (-r["incidents"], r["subject"]))]
    ours_p = [p["location"] for p in result.premises]
    reports = inputs.events.filter(inputs.events.column("kind").to_numpy(zero_copy_only=False) == "report")
    counts: dict[str, int] = {}
    for loc in reports.column("location").to_pylist():
        if loc:
            counts[loc] = counts.get(loc, 0) + 1
    base_p = sorted(counts, key=lambda loc: (-counts[loc], loc))
    print(
        f"\nWorld {scale!r} (seed {seed}): {inputs.events.num_rows:,} events, "
        f"{len(result.subjects):,} subjects, "
        f"{len(result.premises):,} premises with a sign; built in {built - started:.1f} s, scored in "
        f"{scored - built:.1f} s"
    )
    print(
        f"  escalating subjects: precision at {len(escalating)} = {precision_at_k(ours_s, escalating):.2f} "
        f"(baseline by incident count {precision_at_k(base_s, escalating):.2f}); "
        f"flagged {sum(r['escalating'] for r in result.subjects)}"
    )
    print(
        f"  exploited premises:  precision at {len(exploited)} = {precision_at_k(ours_p, exploited):.2f} "
        f"(baseline by report count {precision_at_k(base_p, exploited):.2f}); "
        f"busy innocent addresses in the top {len(exploited)}: "
        f"{len(set(ours_p[: len(exploited)]) & set(truth['busy_innocent_premises']))}"
    )


def _synthetic(n_subjects: int, n_premises: int, seed: int) -> int:
    rng = random.Random(seed)
    started = time.perf_counter()
    rows, escalating = _subjects(rng, n_subjects)
    places, exploited = _premises(rng, n_premises, rows)
    inputs = RiskInputs(vocabulary=BEHAVIOURS, **rows, **places)
    built = time.perf_counter() - started
    print(
        f"\nSynthetic: {n_subjects:,} subjects, {n_premises:,} premises, {inputs.events.num_rows:,} events, "
        f"{inputs.event_links.num_rows:,} links, {inputs.stays.num_rows:,} stays (built in {built:.1f} s)"
    )
    with PeakRSS() as memory:
        t0 = time.perf_counter()
        result = score_all(inputs, default_config(), AS_OF)
        seconds = time.perf_counter() - t0
    ours_s = [r["subject"] for r in sorted(result.subjects, key=lambda r: r["escalation_rank"])]
    ours_p = [p["location"] for p in result.premises]
    print(
        f"  score_all: {seconds:.1f} s for {len(result.subjects):,} subjects and "
        f"{len(result.premises):,} premises with a sign (target under 60 s); "
        f"peak memory {(memory.peak - memory.start) / 2**30:.2f} GiB above start"
    )
    print(
        f"  escalating subjects: precision at {len(escalating):,} = "
        f"{precision_at_k(ours_s, escalating):.3f}; "
        f"exploited premises: precision at {len(exploited):,} = {precision_at_k(ours_p, exploited):.3f}"
    )
    sample = _baseline_sample(inputs, rng, max(1, n_subjects // 50))
    t1 = time.perf_counter()
    for series in sample:
        pymannkendall.original_test(series)
        pymannkendall.sens_slope(series)
    per_subject = (time.perf_counter() - t1) / len(sample)
    ours_rate = len(result.subjects) / seconds
    print(
        f"  baseline (pymannkendall per subject, {len(sample):,}-subject sample): "
        f"{1 / per_subject:,.0f} subjects/s (trend only) against {ours_rate:,.0f} subjects/s "
        f"for everything here: ratio {ours_rate * per_subject:.1f}x"
    )
    return 0 if seconds < 60 else 1


def _subjects(rng: random.Random, n: int) -> tuple[dict, set[str]]:
    events, behaviours, links, escalating = [], [], [], set()
    start = AS_OF - timedelta(days=700)
    for s in range(n):
        subject = f"s{s}"
        rising = rng.random() < 0.01
        count = rng.randint(6, 12) if rising else rng.randint(1, 8)
        days = sorted(rng.uniform(0, 690) for _ in range(count))
        if rising:
            escalating.add(subject)
        for i, day in enumerate(days):
            event_id = f"{subject}e{i}"
            rung = min(10, 1 + int(9 * i / count) + rng.randint(0, 1)) if rising else rng.randint(1, 10)
            events.append(_event(event_id, "incident", start + timedelta(days=day)))
            behaviours.append({"event_id": event_id, "code": LADDER[rung - 1]["code"]})
            links.append({"event_id": event_id, "entity": subject, "role": "subject"})
            links.append({"event_id": event_id, "entity": f"v{rng.randrange(n * 2)}", "role": "victim"})
    return {"events": events, "event_behaviours": behaviours, "event_links": links}, escalating


def _premises(rng: random.Random, n: int, rows: dict) -> tuple[dict, set[str]]:
    events, links = rows["events"], rows["event_links"]
    stays, controls, places, people, exploited = [], [], [], [], set()
    day0 = AS_OF.date() - timedelta(days=300)
    ring_size = 4
    rings = max(1, n // 100 // ring_size)
    for p in range(n):
        location = f"p{p}"
        places.append({"location": location, "kind": "residence"})
        ring = p // ring_size if p < rings * ring_size else None
        busy = ring is None and rng.random() < 0.03
        for r in range(rng.randint(3, 5) if ring is not None or busy else rng.randint(0, 2)):
            event_id = f"{location}r{r}"
            text = VISITOR_TEXT if ring is not None or busy else rng.choice(NOISE_TEXT)
            events.append(
                _event(event_id, "report", AS_OF - timedelta(days=rng.randint(1, 300)), text, location)
            )
            links.append({"event_id": event_id, "entity": location, "role": "premises"})
        for r in range(rng.randint(1, 3)):
            person = f"{location}h{r}"
            stays.append({"person": person, "location": location, "start": day0, "end": None})
            people.append({"person": person, "female": rng.random() < 0.5})
        if ring is not None:
            exploited.add(location)
            controls.append({"controller": f"c{ring}", "target": location})
    for ring in range(rings):
        for w in range(6):  # six women moved round the ring's four addresses
            person = f"c{ring}w{w}"
            people.append({"person": person, "female": True})
            controls.append({"controller": f"c{ring}", "target": person})
            begin = day0
            for stay in range(3):
                end = begin + timedelta(days=rng.randint(25, 60))
                location = f"p{ring * ring_size + (w + stay) % ring_size}"
                stays.append(
                    {
                        "person": person,
                        "location": location,
                        "start": begin,
                        "end": None if stay == 2 else end,
                    }
                )
                begin = end
    return {
        "stays": stays,
        "controls": controls,
        "advert_phones": [],
        "places": places,
        "people": people,
    }, exploited


def _event(event_id: str, kind: str, at: datetime, text: str = "", location: str | None = None) -> dict:
    return {
        "event_id": event_id,
        "kind": kind,
        "occurred_at": at,
        "grade": "graded 2BC",
        "summary": "",
        "source_type": "public" if kind == "report" else "",
        "text": text,
        "location": location,
        # spread over Peterborough deterministically (the same addresses land in the same cells)
        "latitude": 52.55 + (hash_of(location) % 1000) / 10_000 if location else None,
        "longitude": -0.29 + (hash_of(location) // 1000 % 1000) / 10_000 if location else None,
    }


def hash_of(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")


def _baseline_sample(inputs: RiskInputs, rng: random.Random, size: int) -> list[list[int]]:
    """Severity series of a sample of subjects, as a per-subject loop would read them."""
    rung = {b["code"]: b["severity"] for b in LADDER}
    code_of = dict(
        zip(
            inputs.event_behaviours.column("event_id").to_pylist(),
            inputs.event_behaviours.column("code").to_pylist(),
            strict=True,
        )
    )
    series: dict[str, list[int]] = {}
    for event_id in inputs.event_behaviours.column("event_id").to_pylist():
        series.setdefault(event_id.split("e")[0], []).append(rung[code_of[event_id]])
    chosen = rng.sample(sorted(series), min(size, len(series)))
    return [series[s] if len(series[s]) > 1 else series[s] * 2 for s in chosen]


if __name__ == "__main__":
    sys.exit(main())
