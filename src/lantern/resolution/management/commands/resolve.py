"""`lantern resolve [--engine duckdb|spark] [--full|--incremental]`: resolve persons, then addresses."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand, CommandError

from lantern.engine.resolution.model import DEFAULT_THRESHOLD, ResolutionError
from lantern.intel.services import Actor
from lantern.resolution.models import ResolutionRun
from lantern.resolution.services import resolve_locations, resolve_persons


class Command(BaseCommand):
    help = (
        "Resolve person records into people (Splink) and addresses into places. The first run trains the "
        "model; later runs match only new records unless --full retrains. Analysts' decisions always stand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--full", dest="mode", action="store_const", const="full", help="retrain and rescore"
        )
        mode.add_argument(
            "--incremental", dest="mode", action="store_const", const="incremental", help="new records only"
        )
        parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)

    def handle(self, *args, **options):
        if not 0.5 <= options["threshold"] < 1:
            raise CommandError("--threshold is a match probability between 0.5 and 1 (0.9 by default).")
        # Splink's training notes ("m values not fully trained") are for data scientists, not here.
        logging.getLogger("splink").setLevel(logging.ERROR)
        actor = Actor(via=f"lantern resolve --engine {options['engine']}")
        self.stdout.write(f"Resolving person records with Splink on {options['engine']}...")
        try:
            run = resolve_persons(
                actor=actor,
                engine=options["engine"],
                mode=options["mode"] or "auto",
                threshold=options["threshold"],
            )
        except ResolutionError as exc:
            raise CommandError(str(exc)) from exc
        if run.status == ResolutionRun.Status.FAILED:
            raise CommandError(run.summary())
        self.stdout.write(run.summary())
        self.stdout.write(resolve_locations(actor=actor).summary())
