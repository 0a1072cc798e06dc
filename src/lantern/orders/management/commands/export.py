"""`lantern export alerts|breach-evidence|clusters|priorities|premises OUT.csv`: CSV for other systems."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.orders.exports import alerts_rows, breach_evidence_rows
from lantern.resolution.exports import clusters_rows
from lantern.risk.exports import premises_rows, priorities_rows
from lantern.web.exports import csv_text

EXPORTS = {
    "alerts": alerts_rows,
    "breach-evidence": breach_evidence_rows,
    "clusters": clusters_rows,
    "priorities": priorities_rows,
    "premises": premises_rows,
}


class Command(BaseCommand):
    help = "Export data as CSV: " + ", ".join(EXPORTS)

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(EXPORTS))
        parser.add_argument("out", type=Path)

    def handle(self, *args, **options):
        headers, rows = EXPORTS[options["what"]]()
        options["out"].write_text(csv_text(headers, rows), encoding="utf-8")
        audit_record(
            user=None,
            action=AuditAction.EXPORT,
            object_type=options["what"],
            summary=f"{len(rows)} rows to {options['out'].name}",
            path=f"lantern export {options['what']}",
        )
        self.stdout.write(f"{len(rows):,} rows written to {options['out']}.")
