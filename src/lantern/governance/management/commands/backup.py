from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from lantern.console import progress_bar
from lantern.governance.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "`lantern backup OUT` writes one file holding a consistent snapshot of the database (SQLite's "
        "online backup, or pg_dump for PostgreSQL), the Parquet lake and the order documents, with a "
        "manifest of checksums. Safe while the site runs. Name it .tar, or .tar.gz to compress it. "
        "The secret key (var/secret_key or LANTERN_SECRET_KEY) is NOT included: keep a copy of it "
        "apart. The file holds personal data: store it encrypted, where only administrators can read it."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path, help="the backup file to write (.tar or .tar.gz)")
        parser.add_argument("--force", action="store_true", help="overwrite OUT if it exists")

    def handle(self, *args, **options):
        try:
            manifest = backup(options["out"], force=options["force"], progress=progress_bar)
        except BackupError as exc:
            raise CommandError(f"Backup not written: {exc}") from None
        self.stdout.write(manifest.summary("Backup written to", options["out"]))
