"""Quarantined rows as CSV: the file's own columns, then why each row was refused.

The columns come back in the file's order, so the CSV can be fixed and imported again with the
same mapping; the three `quarantine_*` columns are ignored by the importer (no field maps to them).
"""

from __future__ import annotations

from pathlib import Path

from lantern.engine.tabular import TableFormatError, open_table
from lantern.intake.models import ImportRun

EXTRA = ["quarantine_row", "quarantine_columns", "quarantine_reason"]


def quarantine_csv(run: ImportRun) -> tuple[list[str], list[list]]:
    rows = list(run.quarantine.order_by("row_number"))
    try:
        headers = open_table(Path(run.stored_path)).headers
    except TableFormatError:
        headers = []
    for row in rows:  # cells beyond the header ("column 12") and a kept file that has gone
        headers += [h for h in row.raw if h not in headers]
    body = [
        [row.raw.get(h) or "" for h in headers] + [row.row_number, row.columns, row.reason] for row in rows
    ]
    return [*headers, *EXTRA], body
