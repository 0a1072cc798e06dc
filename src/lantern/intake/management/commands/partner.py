"""`lantern partner add|member|token|revoke|list`: partner organisations, caseworkers and API tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lantern.intake.models import ApiToken, PartnerOrganisation
from lantern.intake.services.partners import member_add, organisation_ensure, token_issue, token_revoke
from lantern.intel.services import Actor, StoreError


class Command(BaseCommand):
    help = "Manage partner organisations, their caseworkers and their API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a partner organisation")
        add.add_argument("code")
        add.add_argument("name")
        add.add_argument("--kind", choices=PartnerOrganisation.Kind.values, default="project")
        add.add_argument("--no-alerts", action="store_true", help="it does not receive safety alerts")
        member = sub.add_parser("member", help="make a user (role partner) a caseworker of an organisation")
        member.add_argument("username")
        member.add_argument("code")
        token = sub.add_parser("token", help="issue an API token (printed once)")
        token.add_argument("code")
        token.add_argument("--name", required=True, help="what uses it, e.g. 'case management system'")
        revoke = sub.add_parser("revoke", help="revoke an API token by the prefix shown in `list`")
        revoke.add_argument("prefix")
        sub.add_parser("list", help="organisations, caseworkers and tokens")

    def handle(self, *args, **options):
        actor = Actor(via=f"lantern partner {options['action']}")
        try:
            getattr(self, f"_{options['action']}")(options, actor)
        except StoreError as exc:
            raise CommandError(str(exc)) from None

    def _organisation(self, code: str) -> PartnerOrganisation:
        organisation = PartnerOrganisation.objects.filter(code=code).first()
        if organisation is None:
            known = ", ".join(PartnerOrganisation.objects.values_list("code", flat=True)) or "none yet"
            raise CommandError(
                f"No partner organisation {code!r} (known: {known}). Add it with `lantern partner add`."
            )
        return organisation

    def _add(self, options, actor) -> None:
        org = organisation_ensure(
            code=options["code"],
            name=options["name"],
            kind=options["kind"],
            receives_alerts=not options["no_alerts"],
            actor=actor,
        )
        self.stdout.write(f"Partner organisation {org.code}: {org.name} ({org.get_kind_display()}).")

    def _member(self, options, actor) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(
                f"No user {options['username']!r}: create one with `lantern createuser NAME --role partner`."
            )
        member_add(user=user, organisation=self._organisation(options["code"]), actor=actor)
        self.stdout.write(f"{user.get_username()} is now a caseworker of {options['code']}.")

    def _token(self, options, actor) -> None:
        token, plain = token_issue(
            organisation=self._organisation(options["code"]), name=options["name"], actor=actor
        )
        self.stdout.write(f"API token for {options['code']} ({token.name}), shown only now:\n{plain}")
        self.stdout.write("Send it with each request as the header `Authorization: Bearer <token>`.")

    def _revoke(self, options, actor) -> None:
        if not token_revoke(prefix=options["prefix"], actor=actor):
            raise CommandError(f"No live token starts {options['prefix']!r}: see `lantern partner list`.")
        self.stdout.write(f"Token {options['prefix']} revoked.")

    def _list(self, options, actor) -> None:
        for org in PartnerOrganisation.objects.prefetch_related("members__user", "tokens").order_by("code"):
            alerts = "receives alerts" if org.receives_alerts else "no alerts"
            self.stdout.write(f"{org.code}: {org.name} ({org.get_kind_display()}, {alerts})")
            for member in org.members.all():
                self.stdout.write(f"  caseworker {member.user.get_username()}")
            for token in org.tokens.all():
                state = "revoked" if token.revoked_at else "live"
                self.stdout.write(f"  token {token.prefix}... {token.name} ({state})")
        if not ApiToken.objects.exists() and not PartnerOrganisation.objects.exists():
            self.stdout.write("No partner organisations yet: `lantern partner add CODE NAME`.")
