"""`lantern import persons|vehicles|reports FILE`: bulk files through an import run, with a progress bar."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from lantern.console import progress_bar
from lantern.intake.bulk.runner import ImportFailed, ImportRequest, run_execute, run_prepare, summary
from lantern.intake.models import ColumnMapping


def import_bulk(kind: str, path: Path, *, via: str = "", mapping: str = "", as_at: str = "") -> str:
    request = ImportRequest(
        kind=kind, path=path, mapping=_mapping(kind, mapping), via=via, as_at=_as_at(as_at)
    )
    return import_bulk_file(request, f"Import {kind}")


def import_bulk_file(request: ImportRequest, description: str) -> str:
    """Run (or resume) an import with a progress bar; returns the one-line summary."""
    run = run_prepare(request)
    resumed = run.rows_done
    with progress_bar(description, run.rows_total or 1) as advance:
        state = {"done": run.rows_done}

        def progress(done: int, total: int) -> None:
            advance(done - state["done"])
            state["done"] = done

        run = run_execute(run, progress=progress)
    prefix = f"Resumed after row {resumed:,}. " if resumed else ""
    quarantine = (
        f" Quarantined rows: `lantern quarantine {run.pk}` writes them as CSV." if run.quarantined else ""
    )
    return f"{prefix}{summary(run)}.{quarantine}"


def _mapping(kind: str, given: str) -> dict[str, str] | None:
    """A saved mapping's name, or a JSON file of {field: header}; empty: guess from the headers."""
    if not given:
        return None
    saved = ColumnMapping.objects.filter(kind=kind, name=given).first()
    if saved is not None:
        return dict(saved.mapping)
    path = Path(given)
    if not path.is_file():
        names = (
            ", ".join(ColumnMapping.objects.filter(kind=kind).values_list("name", flat=True)) or "none yet"
        )
        raise ImportFailed(
            f"--mapping {given!r}: no saved {kind} mapping or JSON file of that name (saved: {names})."
        )
    try:
        mapping = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"--mapping {path}: not a JSON object of field to column ({exc}).") from None
    if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
        raise ImportFailed(f'--mapping {path}: expected {{"field": "column header", ...}}.')
    return mapping


def _as_at(given: str) -> datetime | None:
    if not given:
        return None
    try:
        parsed = datetime.fromisoformat(given)
    except ValueError:
        raise ImportFailed(
            f"--as-at {given!r}: give a date as YYYY-MM-DD (when the source extract was taken)."
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
