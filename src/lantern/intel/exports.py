"""Search results as rows for the CSV and XLSX downloads (the same entities the page lists)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lantern.intel.models import Entity

SEARCH_HEADERS = ["Record id", "Kind", "Name or label", "Page"]


def search_rows(entities: Iterable[Entity]) -> Iterator[list]:
    for entity in entities:
        yield [str(entity.pk), entity.get_kind_display(), entity.label, entity.get_absolute_url()]
