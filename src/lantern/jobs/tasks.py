"""The one django-tasks task: run a job by its id. The job table holds everything else."""

from __future__ import annotations

from django_tasks import task

from lantern.jobs.runner import run_job


@task()
def run_job_task(job_id: str) -> str:
    return run_job(job_id)
