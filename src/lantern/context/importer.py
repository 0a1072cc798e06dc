"""`lantern import police-uk FILE`: data.police.uk street-level files into the open context tables.

Each chunk is one transaction: its new rows (``bulk_create`` ignoring a key already held, so two
imports at once cannot duplicate a row), outcomes a later release changed, its quarantined rows
and the run's counters. A run cut short leaves what it committed; importing the file again adds
only what is missing. One audit entry records the import.
"""

from __future__ import annotations

import hashlib
from dataclasses import fields
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.console import progress_bar
from lantern.context.models import CrimeImport, OpenCrime, QuarantinedCrimeRow
from lantern.engine.police_uk import BadRow, Chunk, CrimeRow, PoliceUkFormatError, open_source
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.importers import ImportFailed

LOOKUP_BATCH = 2000  # keys per "which of these are held" query (SQLite's variable limit)
ROW_FIELDS = tuple(f.name for f in fields(CrimeRow))


def import_police_uk(path: Path, *, via: str = "", user=None) -> str:
    """Import a street-level CSV, a folder of them or a data.police.uk zip; a one-line summary."""
    path = Path(path)
    try:
        source = open_source(path)
        source.check_columns()
        total = source.count_lines()
    except PoliceUkFormatError as exc:
        raise ImportFailed(f"{exc} Nothing was imported.") from None
    run = CrimeImport.objects.create(
        file_name=path.name[:255],
        file_sha256=_sha256(path) if path.is_file() else "",
        files=[m.name for m in source.files],
        skipped=[list(s) for s in source.skipped],
        started_by=user if getattr(user, "is_authenticated", False) else None,
        via=via[:200],
    )
    try:
        with progress_bar(f"data.police.uk {path.name}", total) as advance:
            for chunk in source.chunks(settings.LANTERN_IMPORT_CHUNK_ROWS):
                _write(run, chunk)
                advance(chunk.lines)
    except PoliceUkFormatError as exc:
        _finish(run, error=str(exc))
        raise ImportFailed(
            f"{exc} Rows before it were kept (run {run.pk}); fix the file and import it again."
        ) from None
    _finish(run)
    return summary(run)


def summary(run: CrimeImport) -> str:
    skipped = f", {len(run.skipped)} files skipped (not street files)" if run.skipped else ""
    updated = f", {run.rows_updated:,} outcomes updated" if run.rows_updated else ""
    return (
        f"data.police.uk: {run.rows_read:,} rows read from {len(run.files)} street files{skipped}: "
        f"{run.rows_stored:,} new, {run.rows_unchanged:,} already held{updated}, "
        f"{run.rows_quarantined:,} quarantined (run {run.pk})"
    )


def _write(run: CrimeImport, chunk: Chunk) -> None:
    with transaction.atomic():
        stored, unchanged, updated = _store(run, chunk.rows)
        QuarantinedCrimeRow.objects.bulk_create(
            [_quarantined(run, bad) for bad in chunk.bad], batch_size=1000
        )
        run.rows_read += len(chunk.rows) + len(chunk.bad)
        run.rows_stored += stored
        run.rows_unchanged += unchanged
        run.rows_updated += updated
        run.rows_quarantined += len(chunk.bad)
        run.save(
            update_fields=["rows_read", "rows_stored", "rows_unchanged", "rows_updated", "rows_quarantined"]
        )


def _store(run: CrimeImport, rows: list[CrimeRow]) -> tuple[int, int, int]:
    """New rows inserted, rows held as they were, rows held whose outcome a later release changed."""
    held = _held([row.key for row in rows])
    new: dict[str, OpenCrime] = {}
    changed: list[OpenCrime] = []
    for row in rows:
        if row.key in held:
            pk, outcome = held[row.key]
            if outcome != row.last_outcome and row.last_outcome:
                changed.append(OpenCrime(pk=pk, last_outcome=row.last_outcome))
        elif row.key not in new:  # the same month's file twice in one folder
            new[row.key] = OpenCrime(**{f: getattr(row, f) for f in ROW_FIELDS}, import_run=run)
    OpenCrime.objects.bulk_create(new.values(), batch_size=1000, ignore_conflicts=True)
    OpenCrime.objects.bulk_update(changed, ["last_outcome"], batch_size=500)
    return len(new), len(rows) - len(new) - len(changed), len(changed)


def _held(keys: list[str]) -> dict[str, tuple[int, str]]:
    held = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        batch = keys[start : start + LOOKUP_BATCH]
        for key, pk, outcome in OpenCrime.objects.filter(key__in=batch).values_list(
            "key", "pk", "last_outcome"
        ):
            held[key] = (pk, outcome)
    return held


def _quarantined(run: CrimeImport, bad: BadRow) -> QuarantinedCrimeRow:
    return QuarantinedCrimeRow(
        run=run, file_name=bad.file[:500], line_number=bad.line, reason=bad.reason, raw=bad.raw
    )


def _finish(run: CrimeImport, *, error: str = "") -> None:
    with transaction.atomic():
        run.status = CrimeImport.Status.FAILED if error else CrimeImport.Status.FINISHED
        run.error = error
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        audit_record(
            user=run.started_by,
            action=AuditAction.IMPORT,
            object_type="police_uk_import",
            object_id=str(run.pk),
            summary=(f"failed: {error}" if error else summary(run)),
            path=run.via,
            detail={"file_sha256": run.file_sha256, "skipped": run.skipped},
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
