"""The kinds of job: what each is called, who may start it, its form, and the function that runs it.

Each app registers its own kinds in `lantern.jobs.kinds` (imported when the app is ready), so the
jobs app knows nothing of imports or screening beyond this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms

from lantern.governance.roles import Capability

if TYPE_CHECKING:
    from lantern.jobs.context import JobContext
    from lantern.jobs.models import Job


class JobFailed(Exception):
    """The work ran and said no (a failed run, a bad file): its message is for the person, as it is."""


@dataclass(frozen=True)
class JobResult:
    summary: str  # one sentence for the job page, e.g. "Screened 3 days: 2 new alerts."
    url: str = ""  # where the result is (the alert queue, the run, the file)


@dataclass(frozen=True)
class JobKind:
    name: str  # "screen"
    label: str  # "Screen evidence against orders"
    capability: Capability  # to start it, and to see its jobs
    run: Callable[[JobContext], JobResult]
    form: type[forms.Form] | None = None  # None: started by the app's own page, never from /jobs/
    title: Callable[[dict], str] | None = None  # the job's title from its cleaned parameters
    startable: bool = True  # offered on the jobs page

    def title_for(self, params: dict) -> str:
        return (self.title(params) if self.title else self.label)[:200]


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    if kind.name in KINDS:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    KINDS[kind.name] = kind
    return kind


def kind_of(job: Job | str) -> JobKind:
    name = job if isinstance(job, str) else job.kind
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"no such kind of job: {name!r}") from None
