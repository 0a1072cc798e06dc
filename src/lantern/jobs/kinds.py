"""Every kind of job Lantern runs in the background (imported when the app is ready).

Each is a list of steps (`ctx.step`): a resumed job skips those it finished. Within a step, the
import resumes at its last committed chunk; the others' steps are the unit of work.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from lantern.governance.roles import Capability
from lantern.jobs.context import JobContext
from lantern.jobs.forms import ResolveForm, RiskForm, ScreenForm
from lantern.jobs.registry import JobFailed, JobKind, JobResult, register

LONDON = ZoneInfo("Europe/London")


# ---------------------------------------------------------------- import


def run_import(ctx: JobContext) -> JobResult:
    from lantern.intake.bulk.runner import ImportFailed, run_execute
    from lantern.intake.models import ImportRun

    run = ImportRun.objects.get(pk=ctx.params["run"])
    resumed = f", resumed after row {run.rows_done:,}" if run.rows_done else ""
    ctx.stage(f"Importing {run.file_name}{resumed}", total=run.rows_total, done=run.rows_done)
    try:
        run_execute(run, progress=ctx.progress, parallel=False)  # never fork from a worker's thread
    except ImportFailed as exc:
        raise JobFailed(str(exc)) from None
    except BaseException as exc:  # cancelled, or failed: the run says where it stopped
        run.refresh_from_db()
        reason = "cancelled" if type(exc).__name__ == "JobCancelled" else "stopped by an error"
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED,
            error=f"Import {reason} after {run.rows_done:,} of {run.rows_total:,} rows; resume to go on.",
        )
        raise
    run.refresh_from_db()
    return JobResult(
        f"{run.rows_done:,} rows: {run.filed:,} filed, {run.known:,} already known, "
        f"{run.quarantined:,} quarantined.",
        reverse("intake:import_detail", args=[run.pk]),
    )


# ---------------------------------------------------------------- screen


def run_screen(ctx: JobContext) -> JobResult:
    days = _days(ctx.params)
    totals: dict[str, int] = {}
    if not days:
        ctx.stage("Screening evidence not yet screened")
        _add(totals, ctx.step("new", lambda: _screen_period(ctx, None, None)))
    else:
        ctx.stage(f"Screening {len(days)} day(s), one at a time", total=len(days))
        for n, day in enumerate(days):
            start = datetime.combine(day, time(0), LONDON)
            end = datetime.combine(day + timedelta(days=1), time(0), LONDON)
            _add(totals, ctx.step(f"day {day.isoformat()}", lambda s=start, e=end: _screen_period(ctx, s, e)))
            ctx.progress(n + 1, len(days))
    return JobResult(
        f"{totals.get('reads', 0):,} reads and {totals.get('fixes', 0):,} GPS fixes screened: "
        f"{totals.get('hits', 0):,} hits, {totals.get('alerts_new', 0)} new alert(s), "
        f"{totals.get('alerts_updated', 0)} updated.",
        reverse("orders:alerts"),
    )


def _days(params: dict) -> list[date]:
    if not params.get("since"):
        return []
    first, end = date.fromisoformat(params["since"]), date.fromisoformat(params["until"])
    return [first + timedelta(days=i) for i in range((end - first).days)]


def _screen_period(ctx: JobContext, since, until) -> dict:
    from lantern.orders.screening import Period, screen

    run = screen(period=Period(since, until), engine=ctx.params.get("engine", "duckdb"), actor=ctx.actor)
    fields = ("reads", "fixes", "hits", "alerts_new", "alerts_updated")
    return {f: int(getattr(run, f)) for f in fields}


def _add(totals: dict[str, int], counts: dict | None) -> None:
    for key, value in (counts or {}).items():
        totals[key] = totals.get(key, 0) + int(value)


# ---------------------------------------------------------------- resolve


def run_resolve(ctx: JobContext) -> JobResult:
    logging.getLogger("splink").setLevel(logging.ERROR)
    engine = ctx.params.get("engine", "duckdb")
    ctx.stage(f"Resolving person records with Splink on {engine} (1 of 2)", total=2)
    people = ctx.step("persons", lambda: _resolve_persons(ctx, engine))
    ctx.progress(1, 2)
    ctx.stage("Grouping addresses that are one place (2 of 2)", total=2)
    places = ctx.step("places", lambda: _resolve_places(ctx))
    ctx.progress(2, 2)
    return JobResult(f"{people} {places}", reverse("resolution:overview"))


def _resolve_persons(ctx: JobContext, engine: str) -> str:
    from lantern.resolution.models import ResolutionRun
    from lantern.resolution.services import resolve_persons

    run = resolve_persons(
        actor=ctx.actor,
        engine=engine,
        mode=ctx.params.get("mode", "auto"),
        threshold=float(ctx.params.get("threshold", 0.9)),
    )
    if run.status == ResolutionRun.Status.FAILED:
        raise JobFailed(run.summary())
    return run.summary()


def _resolve_places(ctx: JobContext) -> str:
    from lantern.resolution.services import resolve_locations

    return resolve_locations(actor=ctx.actor).summary()


# ---------------------------------------------------------------- risk


def run_risk(ctx: JobContext) -> JobResult:
    from lantern.risk.models import RiskRun
    from lantern.risk.services import risk_recompute

    ctx.stage("Risk: gathering, scoring and storing every score", total=3)
    done = [0]

    def advance(n: int = 1) -> None:
        done[0] += n
        ctx.progress(done[0], 3)

    def recompute() -> str:
        run = risk_recompute(actor=ctx.actor, progress=advance)
        if run.status == RiskRun.Status.FAILED:
            raise JobFailed(run.summary())
        return run.summary()

    return JobResult(ctx.step("score", recompute), reverse("risk:priorities"))


# ---------------------------------------------------------------- profile


def run_profile(ctx: JobContext) -> JobResult:
    ctx.stage("Gathering and printing the profile", total=2)
    name = ctx.step("pdf", lambda: _profile_pdf(ctx))
    ctx.progress(2, 2)
    return JobResult(f"{name} is ready to download.", reverse("jobs:download", args=[ctx.job.pk]))


def _profile_pdf(ctx: JobContext) -> str:
    """Built as the person who asked (their access lists apply), kept beside the job for them only."""
    from lantern.engine.picture import Period
    from lantern.picture.areas import resolve_area
    from lantern.profiles.problem import build_problem_profile
    from lantern.profiles.render import render_pdf

    period = Period.of_days(
        date.fromisoformat(ctx.params["first_day"]), date.fromisoformat(ctx.params["last_day"])
    )
    area = resolve_area(ctx.params.get("area", "all"))
    data = build_problem_profile(user=ctx.user, area=area, period=period, title=ctx.params.get("title", ""))
    ctx.progress(1, 2)
    out = job_folder(ctx.job.pk) / "profile.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".part")
    partial.write_bytes(render_pdf(data))
    partial.replace(out)  # never a half-written file to download
    return f"{data.title} ({area.name}, {period.first_day} to {period.last_day})"


def job_folder(job_id) -> Path:
    return Path(settings.VAR_DIR) / "jobs" / str(job_id)


def _profile_form(data=None):
    from lantern.picture.areas import area_choices
    from lantern.profiles.forms import ProblemProfileForm

    return ProblemProfileForm(data, areas=area_choices())


# ---------------------------------------------------------------- the table

register(
    JobKind(
        name="import",
        label="Import a file",
        capability=Capability.BULK_IMPORT,
        run=run_import,
        title=lambda p: f"Import {p.get('file', 'a file')}",
        startable=False,  # started by the Imports page, which maps the file's columns first
    )
)
register(
    JobKind(
        name="screen",
        label="Screen evidence against orders",
        capability=Capability.MANAGE_ORDERS,
        run=run_screen,
        form=ScreenForm,
        title=lambda p: (
            "Screen "
            + (f"{p['since']} to {p['until']}" if p.get("since") else "new evidence")
            + f" ({p.get('engine', 'duckdb')})"
        ),
    )
)
register(
    JobKind(
        name="resolve",
        label="Resolve people and places",
        capability=Capability.RESOLVE,
        run=run_resolve,
        form=ResolveForm,
        title=lambda p: f"Resolve people and places ({p.get('engine', 'duckdb')}, {p.get('mode', 'auto')})",
    )
)
register(
    JobKind(name="risk", label="Recompute risk", capability=Capability.RUN_JOBS, run=run_risk, form=RiskForm)
)
register(
    JobKind(
        name="profile",
        label="Problem profile as PDF",
        capability=Capability.PROFILE,
        run=run_profile,
        form=_profile_form,
        title=lambda p: (
            f"Problem profile {p.get('area', 'all')}, {p.get('first_day')} to {p.get('last_day')}"
        ),
    )
)
