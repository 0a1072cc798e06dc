from django.core.management.base import BaseCommand, CommandError

from lantern.governance.audit import verify_chain


class Command(BaseCommand):
    help = "`lantern audit verify` recomputes the audit hash chain and names the first broken entry."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        ok, message = verify_chain()
        if not ok:
            raise CommandError(f"The audit trail has been tampered with: {message}.")
        self.stdout.write(f"Audit trail intact: {message}.")
