"""`lantern import KIND FILE`: the single entry point for importers; later apps add kinds here."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.intel.importers import IMPORTERS, ImportFailed


class Command(BaseCommand):
    help = "Import a file into Lantern. Kinds: " + ", ".join(sorted(IMPORTERS))

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="what the file holds")
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(
                f"{path}: no such file. Check the path (relative paths start from {Path.cwd()})."
            )
        started = time.perf_counter()
        try:
            summary = IMPORTERS[options["kind"]](path, via=f"lantern import {options['kind']}")
        except ImportFailed as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{summary} in {time.perf_counter() - started:.1f} s.")
