"""`lantern risk`: score every subject, premises and person at risk again, and the hotspots."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError

from lantern.console import progress_bar
from lantern.intel.services import Actor
from lantern.risk.services import risk_recompute


class Command(BaseCommand):
    help = "Recompute escalation, perpetrator priority, premises and people at risk, and hotspots."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="score as at this date (YYYY-MM-DD, UTC end of day); default now")

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.fromisoformat(options["as_of"]).replace(hour=23, minute=59, tzinfo=UTC)
            except ValueError as exc:
                raise CommandError(f"--as-of {options['as_of']!r} is not a date: use YYYY-MM-DD.") from exc
        with progress_bar("Risk: snapshot, score, store", total=3) as advance:
            run = risk_recompute(actor=Actor(via="lantern risk"), as_of=as_of, progress=advance)
        if run.status != run.Status.DONE:
            raise CommandError(run.summary())
        self.stdout.write(run.summary())
        for note in run.notes:
            self.stdout.write(f"Note: {note}")
