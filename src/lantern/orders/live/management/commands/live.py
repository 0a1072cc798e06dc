"""`lantern live [--once] [--consumer NAME] [--check-silence]`: the live alert consumer.

Reads pushed batches from the Redis Stream (``LANTERN_REDIS_URL``), stores each in the lake,
matches it against the orders in force and files alerts, then acknowledges it. Run one or more
(each with its own ``--consumer`` name); a restarted consumer first finishes its own pending
entries, and entries a dead consumer held are claimed after ``LANTERN_LIVE_CLAIM_MS``. Every
minute it also warns about silent feeds and prunes old health counts.
"""

from __future__ import annotations

import logging
import socket
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, close_old_connections

from lantern.orders.live import stream
from lantern.orders.live.consumer import consume_once
from lantern.orders.live.health import check_silence, prune

log = logging.getLogger(__name__)
HOUSEKEEPING_S = 60
RETRY_S = 5


class Command(BaseCommand):
    help = "Consume pushed ANPR reads from the stream: lake, matcher, alerts. Runs until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="store what is waiting, then stop")
        parser.add_argument(
            "--consumer",
            default=socket.gethostname(),
            help="this consumer's name in the group (default: host)",
        )
        parser.add_argument(
            "--check-silence", action="store_true", help="only warn about silent feeds, then stop"
        )

    def handle(self, *args, **options):
        if options["check_silence"]:
            warned = check_silence()
            self.stdout.write(f"Silent feeds warned about: {', '.join(s.name for s in warned) or 'none'}.")
            return
        if not stream.enabled():
            raise CommandError(
                "LANTERN_REDIS_URL is not set: pushed reads are matched in the request, so there is "
                "nothing to consume. Set it (e.g. redis://127.0.0.1:6379/0) to use the stream."
            )
        consumer = options["consumer"][:100]
        if options["once"]:
            total = 0
            while done := consume_once(consumer=consumer):
                total += done
            self.stdout.write(f"Stored {total} stream entr{'y' if total == 1 else 'ies'} as {consumer}.")
            return
        self.stdout.write(f"Consuming {settings.LANTERN_LIVE_STREAM} as {consumer}; Ctrl-C stops.")
        self._forever(consumer)

    def _forever(self, consumer: str) -> None:
        housekept = 0.0
        while True:
            close_old_connections()  # a long-running process keeps no broken connection
            try:
                consume_once(consumer=consumer, block_ms=1000)
                if time.monotonic() - housekept > HOUSEKEEPING_S:
                    check_silence()
                    prune()
                    housekept = time.monotonic()
            except (
                stream.redis.ConnectionError,
                stream.redis.TimeoutError,
                DatabaseError,
                InterfaceError,
            ) as exc:
                # What was read and not stored stays pending, and is read again on the next round.
                log.warning(
                    "the stream or the database is unreachable (%s); trying again in %s s", exc, RETRY_S
                )
                time.sleep(RETRY_S)
