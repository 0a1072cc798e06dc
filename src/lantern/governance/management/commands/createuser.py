from django.core.management.base import BaseCommand, CommandError

from lantern.governance.roles import ROLE_NAMES
from lantern.governance.services import AccountError, user_create_or_reset
from lantern.governance.two_factor import confirmed_device, needs_second_factor, reset_second_factor


class Command(BaseCommand):
    help = "Create a user with a role (or reset their password); prints a generated password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLE_NAMES)
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--reset-2fa",
            action="store_true",
            help="remove their authenticator (a lost phone): they enrol again",
        )

    def handle(self, *args, **options):
        try:
            user, password, created = user_create_or_reset(
                username=options["username"],
                role=options["role"],
                email=options["email"],
                via="lantern createuser",
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        verb = "Created" if created else "Reset the password of"
        self.stdout.write(f"{verb} {user.get_username()} ({options['role']}). Password: {password}")
        self.stdout.write("Give it to them privately; they should change it when they first sign in.")
        if options["reset_2fa"]:
            reset_second_factor(user, actor=None, via="lantern createuser --reset-2fa")
            self.stdout.write("Their authenticator was removed.")
        if needs_second_factor(user) and confirmed_device(user) is None:
            self.stdout.write(
                "At their first sign-in they will set up an authenticator app (a QR code is shown)."
            )
