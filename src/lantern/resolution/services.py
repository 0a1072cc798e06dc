"""Resolution runs and analysts' decisions, written to the overlay (see models.py).

A full run retrains the Splink model (using analysts' "the same" pairs as labels too) and rescores
every pair; an incremental run scores only new records with the saved model, against the existing
clusters, which it keeps whole. Either way the clustering applies every standing decision, and ids
stay with the records (engine/resolution/overlay.py). A decision reclusters only the clusters it
touches, from the pairs the last run stored.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lantern.engine.resolution.model import DEFAULT_THRESHOLD, ResolutionError, field_weights, resolve
from lantern.engine.resolution.overlay import Clustering, cluster
from lantern.engine.resolution.overlay import Decision as Rule
from lantern.engine.resolution.places import similar_addresses
from lantern.engine.resolution.prepare import prepare
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.models import Entity, EntityKind
from lantern.intel.services import SYSTEM, Actor, StoreError
from lantern.resolution.models import Cluster, Decision, Membership, Merge, ResolutionRun, ScoredPair
from lantern.resolution.records import location_records, person_records

MAX_LABELS = 5_000  # confirmed pairs used in training; more adds time, not accuracy
WRITE_BATCH = 5_000


def _user(actor: Actor):
    user = getattr(actor, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def new_cluster_id() -> str:
    return str(uuid.uuid4())


# ---------------------------------------------------------------- runs


def resolve_persons(
    *,
    actor: Actor = SYSTEM,
    engine: str = "duckdb",
    mode: str = "auto",
    threshold: float = DEFAULT_THRESHOLD,
) -> ResolutionRun:
    """Resolve every person record; ``mode`` is full, incremental, or auto (incremental when a model
    and clusters exist). A run that cannot go ahead is recorded as failed with the reason."""
    previous = _memberships(EntityKind.PERSON)
    # A saved model holds SQL in its engine's dialect, so each engine reuses only its own models.
    model_run = (
        ResolutionRun.objects.filter(status=ResolutionRun.Status.DONE, model__isnull=False, engine=engine)
        .exclude(mode=ResolutionRun.Mode.PLACES)
        .first()
    )
    if not 0.5 <= threshold < 1:
        raise ResolutionError("the threshold is a match probability between 0.5 and 1 (0.9 by default).")
    if mode == "auto":
        mode = "incremental" if model_run and previous else "full"
    if mode == "incremental" and not model_run:
        raise ResolutionError(
            f"an incremental run needs a model trained on {engine}: run `lantern resolve --engine {engine} "
            "--full` first."
        )
    run = ResolutionRun.objects.create(mode=mode, engine=engine, threshold=threshold, started_by=_user(actor))
    started = time.perf_counter()
    try:
        table, ids = person_records()
        prepared = prepare(table)
        uid_of = {entity: uid for uid, entity in ids.items()}
        decisions = _decisions(ids.values())
        new = {uid for uid in prepared.table.column("unique_id").to_pylist() if ids[uid] not in previous}
        pairs, model, labels_used = [], model_run.model if model_run else None, 0
        if mode == "full" or new:
            resolved = resolve(
                prepared.table,
                model=None if mode == "full" else model,
                threshold=threshold,
                engine=engine,
                labels=_labels(decisions, uid_of),
                new=new if mode == "incremental" else None,
            )
            pairs, model, labels_used = _scored(resolved.pairs, ids), resolved.model, resolved.labels_used
        scored = [(left, right, p) for left, right, p, *_ in pairs]
        result = cluster(
            ids.values(), scored, decisions, previous, new_cluster_id, keep_previous=(mode == "incremental")
        )
        agreed = _agreement(ids.values(), scored, decisions, previous, mode == "incremental")
        with transaction.atomic():
            _store_pairs(pairs, run, replace_kind=EntityKind.PERSON if mode == "full" else None)
            _apply(result, EntityKind.PERSON, run=run)
            run.status, run.model, run.labels_used = ResolutionRun.Status.DONE, model, labels_used
            run.records, run.set_aside, run.pairs = table.num_rows, len(prepared.set_aside), len(pairs)
            run.clusters, run.merges = len(set(result.cluster_of.values())), len(result.merges)
            run.decisions_agreed, run.decisions_total = agreed, len(decisions)
            _finish(run, started, actor)
    except ResolutionError as exc:
        run.status, run.message = ResolutionRun.Status.FAILED, str(exc)
        _finish(run, started, actor)
    except Exception as exc:  # recorded as failed, never left "running"; the caller sees the error
        run.status, run.message = ResolutionRun.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        _finish(run, started, actor)
        raise
    return run


def resolve_locations(*, actor: Actor = SYSTEM) -> ResolutionRun:
    """Group addresses that are one place (same postcode, lines that read alike, same numbers)."""
    run = ResolutionRun.objects.create(mode=ResolutionRun.Mode.PLACES, started_by=_user(actor))
    started = time.perf_counter()
    places = location_records()
    found = similar_addresses(places)
    pairs = [
        (left, right, similarity, similarity, {"address line (Jaro-Winkler)": round(similarity, 3)})
        for left, right, similarity in zip(
            *(found.column(c).to_pylist() for c in ("id_l", "id_r", "similarity")), strict=True
        )
    ]
    ids = places.column("id").to_pylist()
    result = cluster(
        ids, [p[:3] for p in pairs], _decisions(ids), _memberships(EntityKind.LOCATION), new_cluster_id
    )
    with transaction.atomic():
        _store_pairs(pairs, run, replace_kind=EntityKind.LOCATION)
        _apply(result, EntityKind.LOCATION, run=run, singletons=False)
        run.status, run.records, run.pairs = ResolutionRun.Status.DONE, len(ids), len(pairs)
        run.merges = sum(1 for members in result.members().values() if len(members) > 1)
        run.clusters = len(set(result.cluster_of.values()))
        _finish(run, started, actor)
    return run


def _finish(run: ResolutionRun, started: float, actor: Actor) -> None:
    run.finished_at, run.seconds = timezone.now(), time.perf_counter() - started
    run.save()
    audit_record(
        user=_user(actor),
        action=AuditAction.CREATE,
        object_type="resolution_run",
        object_id=str(run.pk),
        summary=run.summary(),
        path=actor.via,
    )


def _scored(pairs, ids: dict[str, str]) -> list[tuple]:
    rows = []
    for pair in pairs.to_pylist():
        left, right = sorted((ids[pair["unique_id_l"]], ids[pair["unique_id_r"]]))
        rows.append((left, right, pair["match_probability"], pair["match_weight"], field_weights(pair)))
    return rows


def _labels(decisions: list[Rule], uid_of: dict[str, str]) -> list[tuple[str, str]]:
    labels = []
    for decision in (d for d in decisions if d.kind == "same"):
        for left in decision.left:
            labels += [(uid_of[left], uid_of[r]) for r in decision.right if left in uid_of and r in uid_of]
    return labels[:MAX_LABELS]


def _agreement(records, pairs, decisions: list[Rule], previous, incremental: bool) -> int:
    """How many standing decisions the model's pairs alone would have respected (its score card)."""
    if not decisions:
        return 0
    alone = cluster(records, pairs, previous=previous, keep_previous=incremental).cluster_of
    agreed = 0
    for decision in decisions:
        together = {alone.get(r) for r in (*decision.left, *decision.right)}
        agreed += (len(together) == 1) == (decision.kind == "same")
    return agreed


# ---------------------------------------------------------------- the overlay


def _memberships(kind: str, entities: Iterable[str] | None = None) -> dict[str, str]:
    rows = Membership.objects.filter(entity__kind=kind)
    if entities is not None:
        rows = rows.filter(entity_id__in=list(entities))
    return {
        str(e): str(c) for e, c in rows.values_list("entity_id", "cluster_id").iterator(chunk_size=10_000)
    }


def _decisions(entities: Iterable[str]) -> list[Rule]:
    """Standing decisions that touch any of ``entities``, as the engine's rules (oldest first)."""
    wanted = set(entities)
    rules = []
    for kind, left, right in (
        Decision.objects.filter(withdrawn_at__isnull=True)
        .order_by("decided_at")
        .values_list("kind", "left", "right")
    ):
        if wanted.intersection(left) or wanted.intersection(right):
            rules.append(Rule(kind, frozenset(left), frozenset(right)))
    return rules


def _store_pairs(pairs: list[tuple], run: ResolutionRun, replace_kind: str | None) -> None:
    if replace_kind:
        ScoredPair.objects.filter(left__kind=replace_kind).delete()
    for start in range(0, len(pairs), WRITE_BATCH):
        ScoredPair.objects.bulk_create(
            [
                ScoredPair(left_id=a, right_id=b, probability=p, match_weight=w, weights=f, run=run)
                for a, b, p, w, f in pairs[start : start + WRITE_BATCH]
            ],
            ignore_conflicts=True,
        )


def _apply(
    result: Clustering,
    kind: str,
    *,
    run: ResolutionRun | None = None,
    decision: Decision | None = None,
    singletons: bool = True,
) -> None:
    """Write the clustering: new clusters, moved records, merges; sizes and labels of what changed."""
    groups = result.members()
    existing = _existing_clusters(list(groups))
    if not singletons:  # places only matter when two or more are one (or were)
        groups = {cid: members for cid, members in groups.items() if len(members) > 1 or cid in existing}
    Cluster.objects.bulk_create(
        [Cluster(id=cid, kind=kind) for cid in groups if cid not in existing], batch_size=WRITE_BATCH
    )
    records = [r for members in groups.values() for r in members]
    current = {}
    for start in range(0, len(records), WRITE_BATCH):
        chunk = records[start : start + WRITE_BATCH]
        current.update(
            {
                str(e): (str(c), p)
                for e, c, p in Membership.objects.filter(entity_id__in=chunk).values_list(
                    "entity_id", "cluster_id", "probability"
                )
            }
        )
    changed = [r for r in records if current.get(r) != (result.cluster_of[r], result.probability.get(r))]
    touched = {current[r][0] for r in changed if r in current} | {result.cluster_of[r] for r in changed}
    for start in range(0, len(changed), WRITE_BATCH):
        chunk = changed[start : start + WRITE_BATCH]
        Membership.objects.filter(entity_id__in=chunk).delete()
        Membership.objects.bulk_create(
            [
                Membership(
                    entity_id=r, cluster_id=result.cluster_of[r], probability=result.probability.get(r)
                )
                for r in chunk
            ]
        )
    Merge.objects.bulk_create(
        [
            Merge(
                kept_id=m.kept, absorbed_id=m.absorbed, records=sorted(m.records), run=run, decision=decision
            )
            for m in result.merges
        ]
    )
    _relabel(touched)


def _existing_clusters(ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), WRITE_BATCH):
        chunk = ids[start : start + WRITE_BATCH]
        found.update(str(pk) for pk in Cluster.objects.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def _relabel(cluster_ids: set[str]) -> None:
    """Each touched cluster's size, and its label: the name most of its records give."""
    ids = list(cluster_ids)
    for start in range(0, len(ids), WRITE_BATCH):
        chunk = ids[start : start + WRITE_BATCH]
        labels: dict[str, Counter] = defaultdict(Counter)
        for cid, label in Membership.objects.filter(cluster_id__in=chunk).values_list(
            "cluster_id", "entity__label"
        ):
            labels[str(cid)][label] += 1
        clusters = list(Cluster.objects.filter(pk__in=chunk))
        for item in clusters:
            counts = labels.get(str(item.pk), Counter())
            item.size = sum(counts.values())
            item.label = (
                max(counts, key=lambda name: (counts[name], len(name)))[:300] if counts else item.label
            )
        Cluster.objects.bulk_update(clusters, ["size", "label"])


def _recluster(
    entities: set[str], kind: str, decision: Decision, moved: dict[str, str] | None = None
) -> None:
    """Recluster the clusters ``entities`` belong to, from stored pairs and every standing decision."""
    clusters = set(Membership.objects.filter(entity_id__in=entities).values_list("cluster_id", flat=True))
    previous = {
        str(e): str(c)
        for e, c in Membership.objects.filter(cluster_id__in=clusters).values_list("entity_id", "cluster_id")
    }
    previous.update(moved or {})
    records = set(previous) | entities
    stored = ScoredPair.objects.filter(left_id__in=records, right_id__in=records)
    pairs = [(str(a), str(b), p) for a, b, p in stored.values_list("left_id", "right_id", "probability")]
    result = cluster(sorted(records), pairs, _decisions(records), previous, new_cluster_id)
    _apply(result, kind, decision=decision)


# ---------------------------------------------------------------- decisions


def decide(
    *,
    kind: str,
    left: Iterable[str],
    right: Iterable[str],
    actor: Actor,
    note: str = "",
    moved: dict[str, str] | None = None,
) -> Decision:
    """Record that two groups of records are (``same``) or are not (``not_same``) one entity, and
    recluster what they touch at once. The records must exist and be of one kind."""
    left, right = sorted({str(e) for e in left}), sorted({str(e) for e in right})
    if kind not in Decision.Kind.values:
        raise StoreError(f"decision {kind!r}: choose same or not_same.")
    if not left or not right:
        raise StoreError("a decision needs a record on each side.")
    if set(left) & set(right):
        raise StoreError("a record cannot be on both sides of a decision.")
    kinds = set(Entity.objects.filter(pk__in=left + right).values_list("kind", flat=True))
    found = Entity.objects.filter(pk__in=left + right).count()
    if found != len(left) + len(right):
        raise StoreError("a record in the decision does not exist (was it deleted?).")
    if len(kinds) != 1:
        raise StoreError(f"a decision joins records of one kind, not {', '.join(sorted(kinds))}.")
    with transaction.atomic():
        decision = Decision.objects.create(
            kind=kind, left=left, right=right, note=note[:500], decided_by=_user(actor)
        )
        _recluster(set(left) | set(right), kinds.pop(), decision, moved)
        audit_record(
            user=_user(actor),
            action=AuditAction.UPDATE,
            object_type="resolution",
            object_id=str(decision.pk),
            summary=f"{len(left)} record(s) {decision.get_kind_display()} as {len(right)} record(s)",
            path=actor.via,
            detail={"left": left, "right": right, "note": note[:500]},
        )
    return decision


def _cluster_rest(entity_id: str) -> list[str]:
    membership = Membership.objects.filter(entity_id=entity_id).first()
    if membership is None:
        return []
    return [
        str(e)
        for e in Membership.objects.filter(cluster_id=membership.cluster_id)
        .exclude(entity_id=entity_id)
        .values_list("entity_id", flat=True)
    ]


def split_out(*, entity_id: str, actor: Actor, note: str = "") -> Decision:
    """This record is not the person the rest of its cluster is."""
    rest = _cluster_rest(str(entity_id))
    if not rest:
        raise StoreError("this record is already on its own: there is nothing to split it from.")
    # The record leaves under a new id; the cluster's id stays with the rest.
    return decide(
        kind="not_same",
        left=[entity_id],
        right=rest,
        actor=actor,
        note=note,
        moved={str(entity_id): new_cluster_id()},
    )


def confirm(*, entity_id: str, actor: Actor, note: str = "") -> Decision:
    """This record is the person the rest of its cluster is: later runs keep them together."""
    rest = _cluster_rest(str(entity_id))
    if not rest:
        raise StoreError("this record is on its own: name the record it is the same as.")
    return decide(kind="same", left=[entity_id], right=rest, actor=actor, note=note)


def undo_merge(*, merge: Merge, actor: Actor) -> Decision:
    """Put the absorbed records back in their own cluster, and keep them apart from now on."""
    if merge.undone_at:
        raise StoreError("this merge has already been undone.")
    moved = [str(e) for e in merge.records]
    rest = [
        str(e)
        for e in Membership.objects.filter(cluster_id=merge.kept_id)
        .exclude(entity_id__in=moved)
        .values_list("entity_id", flat=True)
    ]
    still_there = {
        str(e)
        for e in Membership.objects.filter(cluster_id=merge.kept_id, entity_id__in=moved).values_list(
            "entity_id", flat=True
        )
    }
    if not rest or not still_there:
        raise StoreError("the records of this merge have moved since: open the cluster and decide there.")
    with transaction.atomic():
        decision = decide(
            kind="not_same",
            left=sorted(still_there),
            right=rest,
            actor=actor,
            note=f"undo of merge {merge.pk}",
            moved=dict.fromkeys(still_there, str(merge.absorbed_id)),
        )
        merge.undone_at, merge.undone_by = timezone.now(), _user(actor)
        merge.save(update_fields=["undone_at", "undone_by"])
    return decision


def withdraw(*, decision: Decision, actor: Actor) -> None:
    """Take a decision back: the model's pairs decide again for those records."""
    if decision.withdrawn_at:
        raise StoreError("this decision has already been withdrawn.")
    with transaction.atomic():
        decision.withdrawn_at, decision.withdrawn_by = timezone.now(), _user(actor)
        decision.save(update_fields=["withdrawn_at", "withdrawn_by"])
        entities = set(decision.left) | set(decision.right)
        kind = Entity.objects.filter(pk__in=list(entities)).values_list("kind", flat=True).first()
        if kind:
            _recluster(entities, kind, decision)
        audit_record(
            user=_user(actor),
            action=AuditAction.UPDATE,
            object_type="resolution",
            object_id=str(decision.pk),
            summary=f"withdrew the decision that {len(decision.left)} record(s) are "
            f"{decision.get_kind_display()} as {len(decision.right)}",
            path=actor.via,
        )


def cluster_ids_of(entity_ids: Iterable[str]) -> dict[str, str]:
    """Entity id -> cluster id for those in a cluster (callers fall back to the entity id)."""
    ids = [str(e) for e in entity_ids]
    found = {}
    for start in range(0, len(ids), WRITE_BATCH):
        chunk = ids[start : start + WRITE_BATCH]
        found.update(
            {
                str(e): str(c)
                for e, c in Membership.objects.filter(Q(entity_id__in=chunk)).values_list(
                    "entity_id", "cluster_id"
                )
            }
        )
    return found
