"""An import started from the web is a job: queued for `lantern worker`, followed on its pages.

A dead worker's import is taken back by another worker and resumes at its last committed chunk
(`lantern import` on the same file resumes it too).
"""

from __future__ import annotations

from lantern.intake.models import ImportRun
from lantern.jobs.models import Job
from lantern.jobs.services import job_start


def import_start(run: ImportRun, *, via: str = "") -> Job:
    params = {"run": str(run.pk), "file": run.file_name}
    return job_start("import", params, user=run.started_by, via=via or "imports page")
