"""The jobs list as a table for CSV or XLSX."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lantern.jobs.models import Job

JOB_HEADERS = [
    "started",
    "job",
    "kind",
    "status",
    "stage",
    "done",
    "total",
    "by",
    "finished",
    "result",
    "error",
]


def job_rows(jobs: Iterable[Job]) -> Iterator[list]:
    for job in jobs:
        yield [
            job.created_at,
            job.title,
            job.kind,
            job.get_status_display(),
            job.stage,
            job.done,
            job.total,
            job.created_by.get_username() if job.created_by else "",
            job.finished_at,
            job.result.get("summary", ""),
            job.error,
        ]
