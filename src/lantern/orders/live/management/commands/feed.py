"""`lantern feed add|token|list|revoke`: the ANPR systems that push reads, and their tokens."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from lantern.intel.services import Actor, StoreError
from lantern.orders.live.feeds import feed_add, feed_revoke, feed_token
from lantern.orders.live.models import FeedSource


class Command(BaseCommand):
    help = "Manage the ANPR feed sources that push reads to POST /api/anpr/reads, and their tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add a feed source and issue its token (printed once)")
        add.add_argument("name")
        add.add_argument(
            "--silence-minutes", type=int, default=15, help="warn when it sends nothing for this long"
        )
        token = sub.add_parser("token", help="issue a new token (printed once); the old one stops working")
        token.add_argument("name")
        revoke = sub.add_parser("revoke", help="stop a feed: its token is refused")
        revoke.add_argument("name")
        sub.add_parser("list", help="feed sources, their state and last batch")

    def handle(self, *args, **options):
        actor = Actor(via=f"lantern feed {options['action']}")
        try:
            getattr(self, f"_{options['action']}")(options, actor)
        except StoreError as exc:
            raise CommandError(str(exc)) from None

    def _show_token(self, source: FeedSource, plain: str) -> None:
        self.stdout.write(f"Token for feed {source.name}, shown only now:\n{plain}")
        self.stdout.write(
            "Send it with each batch as the header `Authorization: Bearer <token>` "
            "to POST /api/anpr/reads (format: docs/formats.md)."
        )

    def _add(self, options, actor) -> None:
        source, plain = feed_add(
            name=options["name"], silence_minutes=options["silence_minutes"], actor=actor
        )
        self._show_token(source, plain)

    def _token(self, options, actor) -> None:
        self._show_token(*feed_token(name=options["name"], actor=actor))

    def _revoke(self, options, actor) -> None:
        source = feed_revoke(name=options["name"], actor=actor)
        self.stdout.write(f"Feed {source.name} revoked: its token is refused. What it sent is kept.")

    def _list(self, options, actor) -> None:
        sources = list(FeedSource.objects.all())
        if not sources:
            self.stdout.write("No feed sources yet: `lantern feed add NAME`.")
        for source in sources:
            state = "active" if source.active else "revoked"
            last = source.last_batch_at.isoformat(timespec="seconds") if source.last_batch_at else "never"
            token = f"token {source.token_prefix}..." if source.token_hash else "no token"
            self.stdout.write(
                f"{source.name}: {state}, {token}, last batch {last}, "
                f"warns after {source.silence_minutes} silent minutes"
            )
