"""`lantern demo_code USERNAME`: the current sign-in code of a demo account (never of a real one)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lantern.demo.management.commands.demo import DEMO_USERS
from lantern.governance.two_factor import current_code


class Command(BaseCommand):
    help = "Print the current one-time sign-in code of a demo account made by `lantern demo`."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=sorted(DEMO_USERS.values()))

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo accounts have no codes to print in production.")
        user = get_user_model().objects.filter(username=options["username"]).first()
        code = current_code(user) if user else ""
        if not code:
            raise CommandError(f"{options['username']} has no authenticator: run `lantern demo` first.")
        self.stdout.write(code)
