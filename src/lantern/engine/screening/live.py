"""Screening reads as they arrive: the batch path's steps over a few reads at a time, no DuckDB.

Batch screening joins every read's plate (as read) to the watch table, every variant of every
watched plate (``RuleSet.watch_table``), in DuckDB, then hands the candidates to
``screen.screen_candidates``. A live batch is a few hundred reads, too few to be worth a query
engine: here the join is a dict from each watch key to its vehicle rules, built once per set of
rules, and the candidates go through the very same ``screen_candidates`` and ``episodes``. So the
live path and the batch path cannot disagree (``tests/engine/test_live_matcher.py`` compares them).

A read arriving hours late is matched against the rules in force at its own time, as in batch
screening: the rules carry every version's validity, not just today's.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from lantern.engine.screening.backends import READ_COLUMNS, empty_reads, normalise_candidates
from lantern.engine.screening.rules import RuleSet
from lantern.engine.screening.screen import CameraSites, Episode, ReadScreening, episodes, screen_candidates


class LiveMatcher:
    """The compiled rules and camera sites, with the watch table as a dict for batches of reads."""

    def __init__(self, rules: RuleSet, cameras: pa.Table):
        self.rules = rules
        self.cameras = cameras
        self._sites = CameraSites.of(cameras)
        watch = rules.watch_table()
        keys = np.array(watch.column("key").to_pylist(), dtype=object)
        vehicles = watch.column("watch").to_numpy()
        by_key = np.argsort(keys, kind="stable")
        unique, first, count = np.unique(keys[by_key], return_index=True, return_counts=True)
        # key -> slot; a slot's vehicle rules are _vehicles[_first[slot] : _first[slot] + _count[slot]]
        # (one plate variant can be watched under several orders, as the SQL join would find).
        self._slot = {key: i for i, key in enumerate(unique.tolist())}
        self._first = first.astype(np.int64)
        self._count = count.astype(np.int64)
        self._vehicles = vehicles[by_key].astype(np.int32)

    @property
    def keys(self) -> int:
        return len(self._slot)

    def candidates(self, reads: pa.Table) -> pa.Table:
        """What ``DuckDBBackend.read_candidates`` returns for these reads: each read whose plate as
        read equals a watch key, once per vehicle rule of that key, with its ``watch``."""
        plates = reads.column("vrm").to_pylist()
        slots = self._slot
        if slots.keys().isdisjoint(plates):  # most batches: no watched plate at all
            return empty_reads()
        hits = [(i, slots[plate]) for i, plate in enumerate(plates) if plate in slots]
        row = np.array([h[0] for h in hits], dtype=np.int64)
        slot = np.array([h[1] for h in hits], dtype=np.int64)
        per_row = self._count[slot]
        pair = np.repeat(np.arange(len(row)), per_row)
        offset = np.arange(len(pair)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        watch = self._vehicles[self._first[slot[pair]] + offset]
        take = pa.array(row[pair], pa.int64())
        columns = {name: reads.column(name).take(take) for name in READ_COLUMNS}
        return normalise_candidates(
            pa.table({**columns, "watch": pa.array(watch, pa.int32())}), empty_reads()
        )

    def screen(self, reads: pa.Table) -> ReadScreening:
        return screen_candidates(self.rules, self.candidates(reads), self._sites)

    def match(self, reads: pa.Table) -> pa.Table:
        """Hits (``screen.HIT_SCHEMA``) for a batch of reads with the lake's columns."""
        return self.screen(reads).hits

    def episodes(self, hits: pa.Table) -> list[Episode]:
        return episodes(self.rules, hits)
