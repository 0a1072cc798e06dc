"""Clustering under analysts' decisions, with stable ids (engine/resolution/overlay.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.engine.resolution.overlay import Decision, cluster

RECORDS = ["a", "b", "c", "d", "e"]
CHAIN = [("a", "b", 0.99), ("b", "c", 0.95), ("c", "d", 0.91)]


def _groups(result) -> set[frozenset[str]]:
    return {frozenset(m) for m in result.members().values()}


def test_pairs_make_connected_clusters_and_each_record_keeps_its_best_probability():
    result = cluster(RECORDS, CHAIN)
    assert _groups(result) == {frozenset("abcd"), frozenset("e")}
    assert result.probability == {"a": 0.99, "b": 0.99, "c": 0.95, "d": 0.91}


def test_not_the_same_cuts_the_weakest_link_between_the_two_even_through_a_chain():
    apart = Decision("not_same", frozenset("a"), frozenset("d"))
    result = cluster(RECORDS, CHAIN, [apart])
    assert _groups(result) == {frozenset("abc"), frozenset("d"), frozenset("e")}
    assert result.refused == [("c", "d", 0.91)]


def test_the_same_joins_records_the_model_never_paired_and_a_conflicting_same_is_reported():
    same = Decision("same", frozenset("d"), frozenset("e"))
    assert _groups(cluster(RECORDS, CHAIN, [same])) == {frozenset("abcde")}
    apart = Decision("not_same", frozenset("a"), frozenset("e"))
    result = cluster(RECORDS, CHAIN, [apart, same])
    assert frozenset("de") <= next(g for g in _groups(result) if "d" in g)
    assert not any({"a", "e"} <= g for g in _groups(result))


def test_ids_stay_with_the_records_and_a_joined_cluster_is_reported_as_a_merge():
    first = cluster(RECORDS, [("a", "b", 0.99), ("d", "e", 0.97)], new_id=iter(["P1", "P2", "P3"]).__next__)
    assert first.cluster_of == {"a": "P1", "b": "P1", "c": "P2", "d": "P3", "e": "P3"}
    second = cluster(RECORDS, [*CHAIN, ("d", "e", 0.97)], previous=first.cluster_of, new_id=lambda: "new")
    assert set(second.cluster_of.values()) == {"P1"}
    assert {(m.kept, m.absorbed, m.records) for m in second.merges} == {
        ("P1", "P2", frozenset("c")),
        ("P1", "P3", frozenset("de")),
    }


def test_a_split_keeps_the_earlier_id_for_the_larger_part_and_is_not_a_merge():
    previous = dict.fromkeys("abcd", "P1")
    apart = Decision("not_same", frozenset("d"), frozenset("abc"))
    result = cluster("abcd", CHAIN, [apart], previous=previous, new_id=lambda: "P9")
    assert result.cluster_of == {"a": "P1", "b": "P1", "c": "P1", "d": "P9"}
    assert result.merges == []


def test_an_incremental_run_keeps_earlier_clusters_whole_and_adds_new_records_to_them():
    previous = {"a": "P1", "b": "P1", "c": "P2"}
    result = cluster("abcd", [("c", "d", 0.95)], previous=previous, keep_previous=True, new_id=lambda: "new")
    assert result.cluster_of == {"a": "P1", "b": "P1", "c": "P2", "d": "P2"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(RECORDS), st.sampled_from(RECORDS), st.floats(0.5, 1.0)), max_size=12),
    st.lists(st.tuples(st.sampled_from(RECORDS), st.sampled_from(RECORDS)), max_size=4),
)
def test_no_cluster_ever_holds_two_records_an_analyst_kept_apart(pairs, apart):
    decisions = [Decision("not_same", frozenset(a), frozenset(b)) for a, b in apart if a != b]
    result = cluster(RECORDS, pairs, decisions)
    assert set(result.cluster_of) == set(RECORDS)
    for decision in decisions:
        (a,), (b,) = decision.left, decision.right
        assert result.cluster_of[a] != result.cluster_of[b]
