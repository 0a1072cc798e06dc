"""Rows for `lantern export clusters` (one per imported person record) and the overview's download."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from lantern.intel.models import Person
from lantern.resolution.models import Cluster

CLUSTER_HEADERS = ["source", "record_id", "cluster_id", "match_probability"]


def clusters_rows() -> tuple[list[str], list[list]]:
    """Every person record with its cluster (blank before the first run) and the probability of the
    best pair that put it there (blank for a record alone, or placed by an analyst's decision)."""
    people = Person.objects.order_by("source__code", "source_record_id").values_list(
        "source__code", "source_record_id", "membership__cluster_id", "membership__probability"
    )
    rows = [
        [source, record_id, str(cluster or ""), "" if probability is None else f"{probability:.6f}"]
        for source, record_id, cluster, probability in people.iterator(chunk_size=10_000)
    ]
    return CLUSTER_HEADERS, rows


CLUSTER_LIST_HEADERS = ["Cluster id", "Person", "Records", "Created", "Changed"]


def cluster_list_rows(clusters: QuerySet[Cluster]) -> Iterator[list]:
    """The overview's resolved people, largest first, as the page lists them."""
    for c in clusters.iterator(chunk_size=2_000):
        yield [str(c.pk), c.label, c.size, c.created_at, c.updated_at]
