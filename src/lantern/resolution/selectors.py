"""Reads of the resolution overlay. Each takes the acting user and applies the access rules."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from lantern.governance.restrictions import hidden_ids
from lantern.governance.roles import Capability
from lantern.intel.models import Vehicle
from lantern.intel.selectors import _require
from lantern.resolution.models import (
    Cluster,
    Decision,
    Membership,
    Merge,
    ResolutionRun,
    SavedChart,
    ScoredPair,
)


def runs(user) -> QuerySet[ResolutionRun]:
    _require(user, Capability.VIEW_INTEL)
    return ResolutionRun.objects.defer("model")


def clusters(user, *, query: str = "", kind: str = "person") -> QuerySet[Cluster]:
    """Clusters of two or more records, largest first; ``query`` matches the label."""
    _require(user, Capability.VIEW_INTEL)
    # A cluster holding a restricted record is left out whole: its label may be that record's name.
    found = Cluster.objects.filter(kind=kind, size__gt=1).exclude(members__entity_id__in=hidden_ids(user))
    if query.strip():
        found = found.filter(label__icontains=query.strip()[:100])
    return found.order_by("-size", "label")


def cluster_get(user, pk: UUID) -> Cluster:
    _require(user, Capability.VIEW_INTEL)
    found = Cluster.objects.filter(pk=pk).exclude(members__entity_id__in=hidden_ids(user)).first()
    if found is None:
        raise Http404("No such resolved entity.")
    return found


def cluster_members(user, item: Cluster) -> list[Membership]:
    _require(user, Capability.VIEW_INTEL)
    return list(
        item.members.select_related("entity", "entity__person", "entity__person__source")
        .exclude(entity_id__in=hidden_ids(user))  # a restricted record stays off its cluster's page
        .order_by("entity__label")
    )


def cluster_pairs(user, members: list[Membership]) -> list[ScoredPair]:
    """The scored pairs among the cluster's records, strongest first: why the model put them together."""
    _require(user, Capability.VIEW_INTEL)
    ids = [m.entity_id for m in members]
    return list(
        ScoredPair.objects.filter(left_id__in=ids, right_id__in=ids)
        .select_related("left", "right")
        .order_by("-match_weight")[:200]
    )


def cluster_history(user, item: Cluster) -> tuple[list[Merge], list[Decision]]:
    _require(user, Capability.VIEW_INTEL)
    merges = list(
        Merge.objects.filter(Q(kept=item) | Q(absorbed=item)).select_related("kept", "absorbed")[:50]
    )
    ids = [str(e) for e in item.members.values_list("entity_id", flat=True)]
    decisions = [
        d for d in Decision.objects.select_related("decided_by")[:2000] if set(ids) & set(d.left + d.right)
    ]
    return merges, decisions[:50]


def recent_merges(user, *, limit: int = 30) -> list[Merge]:
    _require(user, Capability.VIEW_INTEL)
    return list(Merge.objects.filter(undone_at__isnull=True).select_related("kept", "absorbed")[:limit])


def decisions(user, *, limit: int = 50) -> list[Decision]:
    _require(user, Capability.VIEW_INTEL)
    return list(Decision.objects.select_related("decided_by", "withdrawn_by")[:limit])


def vehicle_proposals(user, *, limit: int = 100) -> list[list[Vehicle]]:
    """Vehicles whose plates differ only by characters ANPR confuses (0/O, 1/I, 5/S, 8/B, 2/Z):
    proposals for a person to confirm, never merged automatically. Decided groups drop out."""
    _require(user, Capability.VIEW_INTEL)
    keys = (
        Vehicle.objects.values("confusion_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("confusion_key")
        .values_list("confusion_key", flat=True)[:limit]
    )
    decided = {e for d in Decision.objects.filter(withdrawn_at__isnull=True) for e in d.left + d.right}
    by_key: dict[str, list[Vehicle]] = {}
    for vehicle in Vehicle.objects.filter(confusion_key__in=list(keys)).order_by("confusion_key", "vrm"):
        by_key.setdefault(vehicle.confusion_key, []).append(vehicle)
    return [group for group in by_key.values() if not {str(v.pk) for v in group} <= decided]


def place_clusters(user, *, limit: int = 100) -> QuerySet[Cluster]:
    _require(user, Capability.VIEW_INTEL)
    return Cluster.objects.filter(kind="location", size__gt=1).order_by("-size", "label")[:limit]


def saved_charts(user) -> QuerySet[SavedChart]:
    """Charts are the team's: anyone who may see the store may reopen one (issue 7 narrows this)."""
    _require(user, Capability.VIEW_INTEL)
    return SavedChart.objects.select_related("owner")


def saved_chart_get(user, pk: UUID) -> SavedChart:
    found = saved_charts(user).filter(pk=pk).first()
    if found is None:
        raise Http404("No such saved chart.")
    return found
