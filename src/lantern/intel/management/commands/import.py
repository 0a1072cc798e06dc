"""`lantern import KIND FILE`: the single entry point for importers; later apps add kinds here."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.context.importer import import_police_uk
from lantern.evidence.importers import IMPORTERS as EVIDENCE_IMPORTERS
from lantern.intake.bulk.cli import import_bulk
from lantern.intake.bulk.runner import ImportFailed as BulkImportFailed
from lantern.intel.importers import IMPORTERS as INTEL_IMPORTERS
from lantern.intel.importers import ImportFailed
from lantern.orders.importers import import_orders

BULK_KINDS = ("persons", "vehicles", "reports")
IMPORTERS = {**INTEL_IMPORTERS, **EVIDENCE_IMPORTERS, "orders": import_orders, "police-uk": import_police_uk}
FOLDER_KINDS = ("police-uk",)  # a folder of monthly files, as unpacked from a download


class Command(BaseCommand):
    help = "Import a file into Lantern. Kinds: " + ", ".join(sorted([*IMPORTERS, *BULK_KINDS]))

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*IMPORTERS, *BULK_KINDS]), help="what the file holds")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--mapping",
            default="",
            help="persons/vehicles/reports: a saved column mapping's name, or a JSON file "
            '{"field": "column header"}; default: matched from the headers',
        )
        parser.add_argument(
            "--as-at",
            default="",
            help="when the source extract was taken (YYYY-MM-DD); default: the file's date",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        kind = options["kind"]
        if not path.is_file() and not (kind in FOLDER_KINDS and path.is_dir()):
            raise CommandError(
                f"{path}: no such file. Check the path (relative paths start from {Path.cwd()})."
            )
        started = time.perf_counter()
        via = f"lantern import {kind}"
        try:
            if kind in BULK_KINDS:
                summary = import_bulk(kind, path, via=via, mapping=options["mapping"], as_at=options["as_at"])
            else:
                summary = IMPORTERS[kind](path, via=via)
        except (ImportFailed, BulkImportFailed) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{summary} in {time.perf_counter() - started:.1f} s.")
