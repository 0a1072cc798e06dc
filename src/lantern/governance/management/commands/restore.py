import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.console import progress_bar
from lantern.governance.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "`lantern restore IN` checks a backup made by `lantern backup` (every member's sha256, the "
        "database vendor, the migrations), then replaces the database and moves the current lake and "
        "documents folders aside to <folder>.before-restore-<time> before putting the backup's in "
        "place. Stop the site first. The secret key is not in the backup: restore it separately."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path, metavar="IN", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        parser.add_argument(
            "--migrate",
            action="store_true",
            help="accept a backup from an older Lantern and run its missing migrations after restoring",
        )

    def handle(self, *args, **options):
        src = options["src"]
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError(
                    "Restore replaces the database, the lake and the documents; not a terminal, so "
                    "cannot ask: pass --yes to restore."
                )
            answer = input(
                f"Replace this installation's database, lake and documents with {src}? "
                "Type 'restore' to go on: "
            )
            if answer.strip().lower() != "restore":
                raise CommandError("Nothing was restored.")
        try:
            manifest = restore(src, progress=progress_bar, migrate=options["migrate"])
        except BackupError as exc:
            raise CommandError(f"Restore: {exc}") from None
        self.stdout.write(manifest.summary("Restored from", src))
        for path in manifest.moved_aside:
            self.stdout.write(f"The previous folder was moved aside to {path} (delete it when satisfied).")
