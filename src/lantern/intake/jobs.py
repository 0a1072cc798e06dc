"""How an import started from the web runs: in a background thread of the web process.

This is the embedded default's answer, enough for one analyst's files; issue 9 replaces it with a
real job queue (a crash of the web process leaves the run "running", and `lantern import` on the
same file resumes it). Inside an open transaction (tests) or with LANTERN_IMPORT_INLINE set, the run
happens in the request itself, because another thread's connection cannot see uncommitted rows.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connection

from lantern.intake.bulk.runner import ImportFailed, run_execute
from lantern.intake.models import ImportRun

log = logging.getLogger(__name__)


def import_start(run: ImportRun) -> None:
    if settings.LANTERN_IMPORT_INLINE or connection.in_atomic_block:
        _run(run.pk, close=False)
        return
    threading.Thread(target=_run, args=(run.pk,), name=f"import-{run.pk}", daemon=True).start()


def _run(pk, *, close: bool = True) -> None:
    run = ImportRun.objects.get(pk=pk)
    try:
        run_execute(run, parallel=False)  # never fork from a web server
    except ImportFailed:
        pass  # the run records its own error
    except Exception as exc:  # recorded on the run for the analyst to see, and logged
        log.exception("import %s failed", pk)
        ImportRun.objects.filter(pk=pk).update(
            status=ImportRun.Status.FAILED, error=f"{type(exc).__name__}: {exc}"
        )
    finally:
        if close:
            connection.close()
