"""Resolve labelled duplicate person records and score the result (issue 5).

    python benchmarks/resolution.py [--rows 100000] [--threshold 0.9] [--seed 1]

Builds its own data with the demo generator (``write_persons_parquet``: one to three records per
true person, with its noise: typos, nicknames, swapped names, date slips and transpositions, old
addresses, missing fields; the number of rows is the scale's, cut to --rows), prepares the
records, trains a Splink model without labels, predicts and clusters. Prints pairwise precision,
recall and F1 (against every true pair), cluster-level precision and recall (predicted clusters
that are exactly a true person, and true people recovered exactly), the run time of each step,
peak memory and the core count. Targets (issue 5): pairwise F1 at least 0.97; 10^6 records in
under 5 minutes with peak memory under 8 GB on 2 cores. The baseline, run on the same records, is exact
matching on the normalised forename, surname and date of birth; the ratio is of the F1 scores.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

from _measure import PeakRSS
from lantern.demo.world import write_persons_parquet
from lantern.engine.resolution.model import resolve
from lantern.engine.resolution.overlay import cluster
from lantern.engine.resolution.prepare import prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--threshold", type=float, default=0.9)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # Splink's training chatter
    out = Path(tempfile.mkdtemp(prefix="lantern-resolution-"))
    try:
        scale = "small" if args.rows <= 1_000 else "medium" if args.rows <= 100_000 else "large"
        write_persons_parquet(args.seed, scale, out / "persons.parquet")
        table = pq.read_table(out / "persons.parquet").slice(0, args.rows)
        return _run(table, args.threshold)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _run(table, threshold: float) -> int:
    print(f"{table.num_rows:,} person records, {os.cpu_count()} cores")
    with PeakRSS() as memory:
        started = time.perf_counter()
        prepared = prepare(table)
        prepared_at = time.perf_counter()
        result = resolve(prepared.table, threshold=threshold)
        left, right, probability = (
            result.pairs.column(c).to_pylist() for c in ("unique_id_l", "unique_id_r", "match_probability")
        )
        clustering = cluster(
            prepared.table.column("unique_id").to_pylist(), zip(left, right, probability, strict=True)
        )
        finished = time.perf_counter()
    truth = {
        f"{s}:{r}": t
        for s, r, t in zip(
            *(table.column(c).to_pylist() for c in ("source", "record_id", "truth_id")), strict=True
        )
    }
    true_pairs = _pairs(_groups(truth))
    found = {tuple(sorted(p)) for p in zip(left, right, strict=True)}
    _report("scored pairs above the threshold", found, true_pairs)
    clusters = _groups(clustering.cluster_of)
    f1 = _report("pairwise (pairs within the clusters)", _pairs(clusters), true_pairs)
    truly = {frozenset(g) for g in _groups(truth).values()}
    exact = sum(1 for members in clusters.values() if frozenset(members) in truly)
    print(f"clusters: precision {exact / max(len(clusters), 1):.4f}, recall {exact / max(len(truly), 1):.4f} "
          f"({len(clusters):,} predicted, {len(truly):,} true people)")  # fmt: skip
    records = {r["unique_id"]: r for r in prepared.table.to_pylist()}
    fields = ("dob", "postcode", "address", "phone", "vrm", "email")
    name_only = sum(
        1
        for a, b in true_pairs
        if a in records
        and b in records
        and not any(records[a][f] and records[a][f] == records[b][f] for f in fields)
    )
    share = name_only / max(len(true_pairs), 1)
    print(
        f"true pairs sharing nothing but a name (no birth date, place, phone, plate or e-mail): {share:.1%}"
    )
    rows = [r for r in records.values() if r["surname"] and r["dob"]]
    baseline = _groups({r["unique_id"]: (r["first_name"], r["surname"], r["dob"]) for r in rows})
    base_f1 = _report("baseline (exact name and date of birth)", _pairs(baseline), true_pairs)
    print(f"ratio: pairwise F1 {f1 / max(base_f1, 1e-12):.1f}x the baseline's, from the same records")
    print(f"time: prepare {prepared_at - started:.1f} s, resolve {finished - prepared_at:.1f} s; "
          f"peak memory {memory.peak / 2**30:.2f} GiB; cores {os.cpu_count()}")  # fmt: skip
    return 0


def _groups(mapping: dict) -> dict:
    groups = defaultdict(list)
    for key, group in mapping.items():
        groups[group].append(key)
    return groups


def _pairs(groups: dict) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in itertools.combinations(members, 2)}


def _report(name: str, found: set, true: set) -> float:
    hits = len(found & true)
    precision, recall = hits / max(len(found), 1), hits / max(len(true), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    print(f"{name}: precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}", end="")
    print(f" ({len(found):,} pairs found)")
    return f1


if __name__ == "__main__":
    sys.exit(main())
