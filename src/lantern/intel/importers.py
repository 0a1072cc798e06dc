"""File importers reachable through `lantern import KIND FILE`, each returning a one-line summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from lantern.console import progress_bar
from lantern.engine.gazetteer import GazetteerFormatError, read_postcode_centroids
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import postcodes_load


class ImportFailed(RuntimeError):
    """The file cannot be imported; the message says what is wrong and what to do."""


def import_postcodes(path: Path, *, via: str = "") -> str:
    """ONS postcode centroids (NSPL/ONSPD CSV, or the PE extract): the offline gazetteer."""
    try:
        read = read_postcode_centroids(path)
    except GazetteerFormatError as exc:
        raise ImportFailed(f"{path}: {exc}") from None
    table = read.table
    rows = zip(
        table.column("postcode").to_pylist(),
        table.column("latitude").to_pylist(),
        table.column("longitude").to_pylist(),
        strict=True,
    )
    with progress_bar("Postcodes", table.num_rows) as advance, transaction.atomic():
        loaded = 0
        for chunk in _chunks(rows, 5000):
            loaded += postcodes_load(chunk)
            advance(len(chunk))
        audit_record(
            user=None,
            action=AuditAction.IMPORT,
            object_type="postcodes",
            object_id=path.name,
            summary=f"{loaded} postcode centroids from {path.name}",
            path=via,
            detail={"skipped": read.skipped, "reasons": read.skipped_reasons},
        )
    from lantern.picture.areas import district_outlines_rebuild  # the picture app reads the gazetteer

    districts = district_outlines_rebuild()
    reasons = ", ".join(f"{n} {why}" for why, n in read.skipped_reasons.items()) or "none"
    return f"Postcodes: {loaded} loaded, {read.skipped} skipped ({reasons}); {districts} district outlines"


def _chunks(rows, size: int):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


IMPORTERS: dict[str, Callable[..., str]] = {"postcodes": import_postcodes}
