"""`lantern spool [--drain] [--requeue]`: reports kept on disk while the database was down."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from lantern.intake import spool


class Command(BaseCommand):
    help = (
        "List the public reports kept in the spool while the database could not store them; "
        "--drain files them now (the worker does this every few seconds)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--drain", action="store_true", help="file every waiting report that can be")
        parser.add_argument(
            "--requeue",
            action="store_true",
            help="put quarantined files back to be filed again (once their cause is fixed)",
        )

    def handle(self, *args, **options):
        if options["requeue"]:
            self.stdout.write(f"{spool.requeue_quarantined()} quarantined reports put back to be filed.")
        if options["drain"]:
            self.stdout.write(f"{spool.drain()} spooled reports filed.")
        found = spool.entries()
        for entry in found:
            line = f"{entry.state:<11} {entry.reference:<13} {entry.kind:<7} received {entry.received_at}"
            self.stdout.write(line + (f"  ({entry.reason})" if entry.reason else ""))
        waiting = sum(entry.state != "quarantined" for entry in found)
        quarantined = len(found) - waiting
        self.stdout.write(
            f"{waiting} waiting, {quarantined} quarantined in {spool.spool_dir()}."
            + (" Quarantined files: see docs/failure.md." if quarantined else "")
        )
