"""`lantern retention schedule [--regroup]`: review dates for records that have none."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lantern.intel.services import Actor
from lantern.retention.services import schedule_missing


class Command(BaseCommand):
    help = (
        "`lantern retention schedule` gives a review date to every person and event without one "
        "(bulk imports, records from before retention); --regroup assesses every record's group again."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["schedule"])
        parser.add_argument(
            "--regroup", action="store_true", help="assess every scheduled record's group again"
        )

    def handle(self, *args, **options):
        counts = schedule_missing(regroup=options["regroup"], actor=Actor(via="lantern retention schedule"))
        self.stdout.write(
            f"Review dates given to {counts['persons']:,} persons and {counts['events']:,} events"
            + (f"; {counts['regrouped']:,} records regrouped." if options["regroup"] else ".")
        )
