"""Resolution in the store: runs, stable clusters, and analysts' decisions that outlive reruns."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from django.core.management import call_command

from lantern.engine.resolution.model import ResolutionError
from lantern.intel.models import Person
from lantern.intel.services import Actor, StoreError
from lantern.resolution.models import Cluster, Membership, Merge, ResolutionRun
from lantern.resolution.services import confirm, decide, resolve_persons, split_out, undo_merge, withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(users):
    return Actor(user=users["analyst"], via="tests")


@pytest.fixture
def resolved(demo_world):
    run = resolve_persons(mode="full")
    assert run.status == ResolutionRun.Status.DONE, run.message
    return run


def _clusters() -> dict[str, set[str]]:
    groups = defaultdict(set)
    for entity, cluster in Membership.objects.filter(entity__kind="person").values_list(
        "entity_id", "cluster_id"
    ):
        groups[str(cluster)].add(str(entity))
    return groups


def _cluster_of(entity) -> str:
    return str(Membership.objects.get(entity_id=entity).cluster_id)


def _a_cluster_of(size: int) -> list[str]:
    return sorted(next(members for members in _clusters().values() if len(members) >= size))


def test_a_run_puts_every_person_record_in_exactly_one_cluster_and_finds_the_demo_duplicates(
    resolved, demo_world
):
    assert Membership.objects.filter(entity__kind="person").count() == Person.objects.count()
    truth = {(p.source, p.record_id): demo_world.truth["persons"][p.key] for p in demo_world.persons}
    by_truth = defaultdict(set)
    for pk, source, record_id in Person.objects.values_list("id", "source__code", "source_record_id"):
        if (source, record_id) in truth:
            by_truth[truth[source, record_id]].add(_cluster_of(pk))
    together = sum(1 for clusters in by_truth.values() if len(clusters) == 1)
    assert together / len(by_truth) > 0.9
    assert "resolved into" in resolved.summary()


def test_ids_stay_the_same_when_nothing_changed(resolved):
    before = _clusters()
    again = resolve_persons(mode="full")
    assert again.status == ResolutionRun.Status.DONE
    assert _clusters() == before
    assert not Merge.objects.filter(run=again).exists()


def test_not_the_same_survives_a_full_and_an_incremental_rerun(resolved, actor):
    first, *rest = _a_cluster_of(2)
    split_out(entity_id=first, actor=actor, note="different dates of birth on the custody record")
    assert _cluster_of(first) != _cluster_of(rest[0])
    for mode in ("full", "incremental"):
        run = resolve_persons(mode=mode)
        assert run.status == ResolutionRun.Status.DONE, run.message
        assert _cluster_of(first) != _cluster_of(rest[0]), mode
        assert run.decisions_total == 1


def test_an_undone_merge_gives_both_people_back_their_own_records(resolved, actor):
    clusters = sorted((sorted(m) for m in _clusters().values() if len(m) >= 2), key=len)
    ours, theirs = clusters[0], clusters[1]
    ours_id, theirs_id = _cluster_of(ours[0]), _cluster_of(theirs[0])
    decide(kind="same", left=[ours[0]], right=[theirs[0]], actor=actor, note="same custody photo")
    merged = _clusters()[_cluster_of(ours[0])]
    assert set(ours) | set(theirs) <= merged
    merge = Merge.objects.filter(undone_at__isnull=True).exclude(decision=None).get()
    undo_merge(merge=merge, actor=actor)
    assert _clusters()[_cluster_of(ours[0])] == set(ours)
    assert _clusters()[_cluster_of(theirs[0])] == set(theirs)
    assert {_cluster_of(ours[0]), _cluster_of(theirs[0])} == {ours_id, theirs_id}
    resolve_persons(mode="full")
    assert _cluster_of(ours[0]) != _cluster_of(theirs[0])
    with pytest.raises(StoreError, match="already been undone"):
        undo_merge(merge=Merge.objects.get(pk=merge.pk), actor=actor)


def test_confirm_and_withdraw_and_the_decisions_audit_trail(resolved, actor):
    from lantern.governance.models import AuditEntry

    members = _a_cluster_of(2)
    decision = confirm(entity_id=members[0], actor=actor)
    assert decision.kind == "same"
    withdraw(decision=decision, actor=actor)
    with pytest.raises(StoreError, match="already been withdrawn"):
        withdraw(decision=decision, actor=actor)
    assert AuditEntry.objects.filter(object_type="resolution", object_id=str(decision.pk)).count() == 2


def test_decisions_refuse_nonsense(resolved, actor, demo_world):
    person = str(Person.objects.first().pk)
    from lantern.intel.models import Vehicle

    vehicle = str(Vehicle.objects.first().pk)
    with pytest.raises(StoreError, match="one kind"):
        decide(kind="same", left=[person], right=[vehicle], actor=actor)
    with pytest.raises(StoreError, match="both sides"):
        decide(kind="not_same", left=[person], right=[person], actor=actor)
    with pytest.raises(StoreError, match="does not exist"):
        decide(kind="same", left=[person], right=["00000000-0000-0000-0000-000000000000"], actor=actor)
    with pytest.raises(StoreError, match="choose same or not_same"):
        decide(kind="maybe", left=[person], right=[vehicle], actor=actor)


def test_export_clusters_writes_one_row_per_person_record(resolved, tmp_path):
    out = tmp_path / "clusters.csv"
    call_command("export", "clusters", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["source", "record_id", "cluster_id", "match_probability"]
    assert len(rows) == Person.objects.count()
    assert len({(r["source"], r["record_id"]) for r in rows}) == len(rows)
    assert {r["cluster_id"] for r in rows} == {
        str(c) for c in Cluster.objects.filter(size__gt=0, kind="person").values_list("pk", flat=True)
    }
    probabilities = [float(r["match_probability"]) for r in rows if r["match_probability"]]
    assert probabilities and all(0.9 <= p <= 1.0 for p in probabilities)


def test_the_resolve_command_runs_and_explains_a_bad_threshold(demo_world):
    from io import StringIO

    from django.core.management.base import CommandError

    out = StringIO()
    call_command("resolve", stdout=out)
    assert "resolved into" in out.getvalue() and "addresses" in out.getvalue()
    with pytest.raises(CommandError, match=r"between 0\.5 and 1"):
        call_command("resolve", "--threshold", "7")


@pytest.mark.spark
def test_spark_in_local_mode_finds_the_duckdb_clusters(resolved):
    """`lantern resolve --engine spark` trains its own model (a saved model is SQL in its engine's
    dialect) and, on the same records, finds the people DuckDB found."""
    from io import StringIO

    before = _clusters()
    with pytest.raises(ResolutionError, match="trained on spark"):
        resolve_persons(mode="incremental", engine="spark")
    out = StringIO()
    call_command("resolve", "--engine", "spark", stdout=out)
    assert "(full (retrained), spark)" in out.getvalue()
    after = _clusters()
    same = {frozenset(m) for m in before.values()} & {frozenset(m) for m in after.values()}
    assert len(same) / len(before) > 0.98
