"""`lantern import cameras|reads|tracks FILE`: camera sites into the store, reads and fixes into the lake.

Each file is one ImportRun, so its quarantined rows can be read on the Imports pages and
downloaded (`lantern quarantine RUN_ID`), fixed and imported again; rows already filed are skipped.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.console import progress_bar
from lantern.engine.lake_ingest import IngestError, Quarantined, ingest
from lantern.engine.tabular import TableFormatError, open_table
from lantern.evidence.models import Camera
from lantern.evidence.services import camera_ensure
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intake.models import ImportKind, ImportRun, QuarantinedRow
from lantern.intel.importers import ImportFailed
from lantern.intel.services import Actor, StoreError

CAMERA_COLUMNS = {
    "camera_id": ("camera_id", "camera", "site_id", "id", "camera id"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "description": ("description", "name", "location", "site_name"),
}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_run_start(kind: str, path: Path, user=None) -> ImportRun:
    return ImportRun.objects.create(
        kind=kind,
        file_name=path.name[:255],
        file_sha256=_sha256(path),
        stored_path=str(path)[:500],
        status=ImportRun.Status.RUNNING,
        started_by=user if getattr(user, "is_authenticated", False) else None,
    )


def import_run_finish(
    run: ImportRun, *, rows: int, filed: int, known: int, quarantined: list[Quarantined], via: str
) -> None:
    with transaction.atomic():
        QuarantinedRow.objects.bulk_create(
            [
                QuarantinedRow(
                    run=run, row_number=q.row_number, columns=q.columns[:300], reason=q.reason, raw=q.raw
                )
                for q in quarantined
            ],
            batch_size=2000,
        )
        run.rows_total = run.rows_done = rows
        run.filed, run.known, run.quarantined = filed, known, len(quarantined)
        run.status = ImportRun.Status.FINISHED
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            user=run.started_by,
            action=AuditAction.IMPORT,
            object_type="import_run",
            object_id=str(run.pk),
            summary=f"{run.kind} from {run.file_name}: {filed} filed, {known} already held, "
            f"{len(quarantined)} quarantined",
            path=via,
        )


def _fail(run: ImportRun, message: str) -> None:
    run.status = ImportRun.Status.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])


def import_cameras(path: Path, *, via: str = "", user=None) -> str:
    try:
        table = open_table(path)
    except TableFormatError as exc:
        raise ImportFailed(f"{path}: {exc}") from None
    folded = {h.strip().lower(): i for i, h in enumerate(table.headers)}
    index = {
        name: next((folded[s] for s in synonyms if s in folded), None)
        for name, synonyms in CAMERA_COLUMNS.items()
    }
    missing = [n for n in ("camera_id", "lat", "lon") if index[n] is None]
    if missing:
        raise ImportFailed(
            f"{path}: no column for {', '.join(missing)} (columns: {', '.join(table.headers)}); "
            "name them camera_id, lat, lon, description."
        )
    run = import_run_start(ImportKind.CAMERAS, path, user)
    actor = Actor(user=user, via=via)
    quarantined, filed, known, rows = [], 0, 0, 0
    for chunk in table.chunks(1000):
        for row in chunk:
            rows += 1
            cell = {
                n: (str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else "")
                for n, i in index.items()
            }
            try:
                lat, lon = _coordinate(cell["lat"], "lat"), _coordinate(cell["lon"], "lon")
                _, created = camera_ensure(
                    camera_id=cell["camera_id"],
                    latitude=lat,
                    longitude=lon,
                    description=cell["description"],
                    actor=actor,
                )
            except StoreError as exc:
                quarantined.append(
                    Quarantined(
                        rows, _columns_of(str(exc)), str(exc), dict(zip(table.headers, row, strict=False))
                    )
                )
                continue
            filed += created
            known += not created
    import_run_finish(run, rows=rows, filed=filed, known=known, quarantined=quarantined, via=via)
    return f"Cameras: {filed} new, {known} already held, {len(quarantined)} quarantined (run {run.pk})"


def _coordinate(text: str, name: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise StoreError(f"{name}: {text[:40]!r} is not a number in decimal degrees.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise StoreError(f"{name}: {text[:40]!r} is not a number in decimal degrees.")
    return value


def _columns_of(message: str) -> str:
    head = message.split(":", 1)[0]
    return head if head in ("camera_id", "lat", "lon", "description") else "lat,lon"


def import_lake(kind: str, path: Path, *, via: str = "", user=None) -> str:
    """Reads or tracks into the lake; the lake directory is settings.LAKE_DIR."""
    run = import_run_start(kind, path, user)
    cameras = set(Camera.objects.values_list("camera_id", flat=True)) if kind == "reads" else None
    try:
        with progress_bar(f"Import {kind}", open_table(path).count_rows()) as advance:
            done = [0]

            def progress(rows: int) -> None:
                advance(rows - done[0])
                done[0] = rows

            result = ingest(kind, path, settings.LAKE_DIR, known_cameras=cameras, progress=progress)
    except (IngestError, TableFormatError) as exc:
        _fail(run, str(exc))
        raise ImportFailed(f"{path}: {exc}") from None
    import_run_finish(
        run,
        rows=result.rows,
        filed=result.written,
        known=result.duplicates,
        quarantined=result.quarantined,
        via=via,
    )
    label = "ANPR reads" if kind == "reads" else "GPS fixes"
    return (
        f"{label}: {result.written:,} written to the lake in {len(result.files)} file(s), "
        f"{result.duplicates:,} duplicates skipped, {len(result.quarantined):,} quarantined (run {run.pk})"
    )


def import_reads(path: Path, *, via: str = "", user=None) -> str:
    return import_lake("reads", path, via=via, user=user)


def import_tracks(path: Path, *, via: str = "", user=None) -> str:
    return import_lake("tracks", path, via=via, user=user)


IMPORTERS = {"cameras": import_cameras, "reads": import_reads, "tracks": import_tracks}
