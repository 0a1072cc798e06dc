"""Clusters from scored pairs, under the analysts' decisions, with ids that stay stable across runs.

Splink's own clustering (connected components at a threshold) knows nothing of "these two are not
the same person", so the clustering is done here, by hand, in a few lines: greedy union-find over
the pairs from the most probable down, refusing any union that would put two records an analyst
kept apart into one cluster. An analyst's "the same" is applied first and always wins over the
model. The result is an overlay: records are never changed, only assigned to clusters, so any
merge can be undone.

Cluster ids are stable: a cluster keeps the id of the earlier cluster most of its records were in
(each earlier id goes to one cluster only); a cluster of new records gets a new id. When records
of several earlier clusters end up together, the absorbed clusters are reported as merges, which
is what an analyst undoes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Decision:
    """An analyst's word on two groups of records: ``same`` joins them, ``not_same`` keeps them apart."""

    kind: str  # "same" | "not_same"
    left: frozenset[str]
    right: frozenset[str]


@dataclass(frozen=True)
class Merge:
    kept: str  # the cluster id that survived
    absorbed: str  # the earlier cluster whose records joined it
    records: frozenset[str]  # the absorbed cluster's records that moved


@dataclass
class Clustering:
    cluster_of: dict[str, str]  # record -> cluster id
    probability: dict[str, float]  # record -> best probability of a pair that put it in its cluster
    merges: list[Merge] = field(default_factory=list)
    refused: list[tuple[str, str, float]] = field(default_factory=list)  # pairs a decision kept apart
    conflicts: list[Decision] = field(default_factory=list)  # "same" decisions a "not_same" overruled

    def members(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for record, cluster in self.cluster_of.items():
            groups[cluster].append(record)
        return groups


class _Forest:
    """Union-find whose roots carry the "not the same" marks of their members."""

    def __init__(self, records: Iterable[str], apart: list[Decision]):
        self.parent = {r: r for r in records}
        self.marks: dict[str, set[tuple[int, int]]] = defaultdict(set)
        for number, decision in enumerate(apart):
            for side, group in enumerate((decision.left, decision.right)):
                for record in group:
                    if record in self.parent:
                        self.marks[record].add((number, side))

    def find(self, record: str) -> str:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:  # path compression
            self.parent[record], record = root, self.parent[record]
        return root

    def union(self, a: str, b: str) -> bool:
        """Join the clusters of a and b unless a decision keeps them apart; True when joined (or already)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ma, mb = self.marks.get(ra, set()), self.marks.get(rb, set())
        if any((number, 1 - side) in mb for number, side in ma):
            return False
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        self.parent[rb] = ra
        if mb:
            self.marks[ra] = ma | mb
            self.marks.pop(rb, None)
        return True


def cluster(
    records: Iterable[str],
    pairs: Iterable[tuple[str, str, float]],
    decisions: Iterable[Decision] = (),
    previous: Mapping[str, str] | None = None,
    new_id: Callable[[], str] | None = None,
    keep_previous: bool = False,
) -> Clustering:
    """Cluster ``records`` from scored ``pairs`` (left, right, probability) under ``decisions``.

    ``previous`` maps records to their earlier cluster ids; with ``keep_previous`` (an incremental
    run) earlier clusters are kept whole and new pairs can only add to or join them.
    """
    previous = previous or {}
    counter = iter(range(1, 1 << 62))
    new_id = new_id or (lambda: f"new-{next(counter)}")
    decisions = list(decisions)
    apart = [d for d in decisions if d.kind == "not_same"]
    forest = _Forest(records, apart)
    result = Clustering({}, {})
    for decision in (d for d in decisions if d.kind == "same"):
        group = [r for r in (*decision.left, *decision.right) if r in forest.parent]
        if not all(forest.union(group[0], other) for other in group[1:]):
            result.conflicts.append(decision)
    if keep_previous:
        earlier: dict[str, str] = {}
        for record, cluster_id in previous.items():
            if record in forest.parent:
                forest.union(earlier.setdefault(cluster_id, record), record)
    best: dict[str, float] = {}
    for left, right, probability in sorted(pairs, key=lambda p: -p[2]):
        if left not in forest.parent or right not in forest.parent:
            continue
        if not forest.union(left, right):
            result.refused.append((left, right, probability))
            continue
        for record in (left, right):
            if probability > best.get(record, -1.0):
                best[record] = probability
    components: dict[str, list[str]] = defaultdict(list)
    for record in forest.parent:
        components[forest.find(record)].append(record)
    _name(components.values(), previous, new_id, result)
    result.probability = best
    return result


def _name(components: Iterable[list[str]], previous: Mapping[str, str], new_id, result: Clustering) -> None:
    """Give each component the earlier id most of its records had (each earlier id used once)."""
    claims = []
    for members in components:
        votes = Counter(previous[r] for r in members if r in previous)
        for earlier, count in votes.items():
            claims.append((-count, earlier, len(claims), members))
    taken: dict[str, list[str]] = {}
    named: dict[int, str] = {}
    for _, earlier, _, members in sorted(claims, key=lambda c: (c[0], c[1], c[2])):
        if earlier in taken or id(members) in named:
            continue
        taken[earlier] = members
        named[id(members)] = earlier
    for members in components:
        cluster_id = named.get(id(members)) or new_id()
        for record in members:
            result.cluster_of[record] = cluster_id
        moved: dict[str, set[str]] = defaultdict(set)
        for record in members:
            earlier = previous.get(record)
            if earlier is not None and earlier != cluster_id:
                moved[earlier].add(record)
        sources = {previous[r] for r in members if r in previous}
        if len(sources) > 1:  # records of one earlier cluster alone under a new id is a split, not a merge
            result.merges += [Merge(cluster_id, e, frozenset(recs)) for e, recs in sorted(moved.items())]
