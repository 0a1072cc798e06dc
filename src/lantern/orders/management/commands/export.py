"""`lantern export alerts|breach-evidence|clusters|priorities|premises OUT`: CSV or XLSX for other systems.

OUT ending in ``.xlsx`` gives a spreadsheet (dates as date cells, text always text); anything else
gives CSV with times in ISO 8601, as other systems read them.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.orders.exports import alerts_rows, breach_evidence_rows
from lantern.resolution.exports import clusters_rows
from lantern.risk.exports import premises_rows, priorities_rows
from lantern.web.exports import csv_text, xlsx_bytes

EXPORTS = {
    "alerts": alerts_rows,
    "breach-evidence": breach_evidence_rows,
    "clusters": clusters_rows,
    "priorities": priorities_rows,
    "premises": premises_rows,
}


class Command(BaseCommand):
    help = "Export data as CSV, or XLSX when OUT ends in .xlsx: " + ", ".join(EXPORTS)

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(EXPORTS))
        parser.add_argument("out", type=Path, help="the file to write; .xlsx for a spreadsheet, else CSV")

    def handle(self, *args, **options):
        what, out = options["what"], options["out"]
        headers, rows = EXPORTS[what]()
        fmt = "xlsx" if out.suffix.lower() == ".xlsx" else "csv"
        if fmt == "xlsx":
            out.write_bytes(xlsx_bytes(what, headers, rows))
        else:
            out.write_text(csv_text(headers, ([_iso(v) for v in row] for row in rows)), encoding="utf-8")
        audit_record(
            user=None,
            action=AuditAction.EXPORT,
            object_type=what,
            summary=f"{len(rows)} rows to {out.name} as {fmt.upper()}",
            path=f"lantern export {what}",
            detail={"rows": len(rows), "format": fmt},
        )
        self.stdout.write(f"{len(rows):,} rows written to {out}.")


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime | date) else value
