"""Rows for `lantern export clusters`: one per imported person record."""

from __future__ import annotations

from lantern.intel.models import Person

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
