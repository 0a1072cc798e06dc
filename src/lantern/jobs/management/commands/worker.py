"""`lantern worker`: run long jobs started from the web, and look after them.

The queue is django-tasks' database backend, so the worker is its `Worker` loop. Beside it a
housekeeping thread says the worker is alive, queues again the jobs of workers that died (their
beat stopped), and files public reports kept on disk while the database was away.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from lantern.jobs.health import worker_beat
from lantern.jobs.runner import worker_name
from lantern.jobs.services import jobs_recover

log = logging.getLogger("lantern.jobs")


class Command(BaseCommand):
    help = "Run queued long jobs (import, screen, resolve, risk, profile); resume those of dead workers."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued now, then stop")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args, **options):
        name, started = worker_name(), timezone.now()
        housekeeping(name, started)  # before the first job: take back what a dead worker held
        stop = threading.Event()
        thread = threading.Thread(target=_housekeep, args=(name, started, stop), daemon=True)
        thread.start()
        worker = Worker(
            queue_names=["default"],
            interval=options["interval"],
            batch=options["once"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=name,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"Lantern worker {name} waiting for jobs.")
        try:
            worker.run()
        finally:
            stop.set()


def _housekeep(name: str, started, stop: threading.Event) -> None:
    every = settings.LANTERN_JOB_HEARTBEAT_S
    while not stop.wait(every):
        try:
            housekeeping(name, started)
        except Exception:  # the database may be away for a while; the next round tries again
            log.exception("worker housekeeping failed")
        finally:
            close_old_connections()
    connection.close()


def housekeeping(name: str, started) -> None:
    worker_beat(name, started)
    jobs_recover()
    drain_spool()


def drain_spool() -> int:
    """File public reports that were kept on disk while the database could not take them."""
    try:
        from lantern.intake.spool import drain
    except ImportError:
        return 0
    return drain()
