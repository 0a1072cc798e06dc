"""`lantern quarantine RUN_ID [--out FILE]`: an import's quarantined rows as CSV, to fix and import again."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from lantern.intake.models import ImportRun
from lantern.intake.quarantine import quarantine_csv
from lantern.web.exports import csv_text


class Command(BaseCommand):
    help = "Write an import run's quarantined rows as CSV (the file's columns, then the reasons)."

    def add_arguments(self, parser):
        parser.add_argument("run_id", help="the import run's id (printed by `lantern import`)")
        parser.add_argument("--out", type=Path, help="a file to write (default: standard output)")

    def handle(self, *args, **options):
        try:
            run = ImportRun.objects.filter(pk=options["run_id"]).first()
        except ValidationError:
            run = None
        if run is None:
            raise CommandError(f"No import run {options['run_id']!r}: the id is printed by `lantern import`.")
        text = csv_text(*quarantine_csv(run))
        if options["out"]:
            options["out"].write_text(text, encoding="utf-8-sig")
            self.stdout.write(f"{run.quarantine.count()} quarantined rows written to {options['out']}.")
        else:
            sys.stdout.write(text)
