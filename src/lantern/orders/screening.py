"""A screening run: the store's orders and the lake's evidence through the engine, alerts filed.

"Only new evidence": a lake file is screened once against every order's rules as they were; the
run records the file (path and size) and each order's rules fingerprint. The next run screens
new files against every order, and every file against an order whose rules changed (a new order,
a variation, a discharge, a newly linked vehicle), so nothing is missed and nothing is redone.
``--since``/``--until`` rescreen a period's partitions whatever the record says; alerts never
duplicate because evidence is filed once per condition.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lantern.engine.screening.backends import Backend, make_backend
from lantern.engine.screening.rules import compile_rules
from lantern.engine.screening.screen import episodes, screen_fixes, screen_reads, screen_sightings
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intel.services import SYSTEM, Actor
from lantern.orders import duties
from lantern.orders.alerts import Filed, episodes_file
from lantern.orders.models import ScreenedFile, ScreenedOrder, ScreeningRun
from lantern.orders.notify import alert_notify
from lantern.orders.snapshot import cameras_table, fingerprint, order_rules, screened_orders, sightings_table

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Period:
    since: datetime | None = None
    until: datetime | None = None

    @property
    def given(self) -> bool:
        return self.since is not None or self.until is not None

    def holds_day(self, day: str) -> bool:
        """A UTC date partition that may hold evidence in the period (a day's margin either side)."""
        if self.since is not None and day < (self.since - timedelta(days=1)).date().isoformat():
            return False
        return not (self.until is not None and day > (self.until + timedelta(days=1)).date().isoformat())

    def filter(self, hits: pa.Table) -> pa.Table:
        if self.since is not None:
            hits = hits.filter(pc.greater_equal(hits["at_us"], int(self.since.timestamp() * 1_000_000)))
        if self.until is not None:
            hits = hits.filter(pc.less(hits["at_us"], int(self.until.timestamp() * 1_000_000)))
        return hits


def lake_files(kind: str, period: Period, lake: Path | None = None) -> list[Path]:
    root = Path(lake or settings.LAKE_DIR) / kind
    if not root.is_dir():
        return []
    files = []
    for folder in sorted(root.glob("date=*")):
        if period.holds_day(folder.name.removeprefix("date=")):
            files.extend(sorted(folder.glob("*.parquet")))
    return files


def screen(
    *,
    period: Period = Period(),
    engine: str = "duckdb",
    backend: Backend | None = None,
    actor: Actor = SYSTEM,
    say: Callable[[str], None] = log.info,
    today=None,
) -> ScreeningRun:
    started = time.perf_counter()
    run = ScreeningRun.objects.create(
        engine=engine,
        since=period.since,
        until=period.until,
        started_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )
    try:
        _screen(run, period, backend or make_backend(engine), actor, say, today or timezone.localdate())
    except Exception as exc:
        run.status = ScreeningRun.Status.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
        run.seconds = time.perf_counter() - started
        run.save()
        raise
    run.status = ScreeningRun.Status.FINISHED
    run.seconds = time.perf_counter() - started
    run.save()
    audit_record(
        user=actor.user,
        action=AuditAction.CREATE,
        object_type="screening_run",
        object_id=str(run.pk),
        summary=f"screening: {run.alerts_new} new alerts, {run.alerts_updated} updated",
        path=actor.via,
        detail={"files": run.files, "reads": run.reads, "fixes": run.fixes},
    )
    return run


def _screen(run: ScreeningRun, period: Period, backend: Backend, actor: Actor, say, today) -> None:
    orders = list(screened_orders())
    rules = {str(o.pk): order_rules(o) for o in orders}
    prints = {key: fingerprint(value) for key, value in rules.items()}
    files = {kind: lake_files(kind, period) for kind in ("reads", "tracks")}
    cameras = cameras_table()
    filed = Filed()
    screened: set[Path] = set()
    for keys, evidence in _passes(period, rules, prints, files):
        say(f"Screening {sum(map(len, evidence.values()))} lake file(s) against {len(keys)} order(s).")
        compiled = compile_rules(rules[k] for k in keys)
        subjects = {rules[k]["subject_id"] for k in keys}
        found = _screen_pass(run, compiled, evidence, cameras, sightings_table(subjects), backend, period)
        part = episodes_file(episodes(compiled, found), actor=actor)
        filed.new += part.new
        filed.updated += part.updated
        screened.update(evidence["reads"] + evidence["tracks"])
    duty = duties.check_all(orders, today=today, actor=actor)
    run.files = len(screened)
    run.reads = sum(pq.read_metadata(f).num_rows for f in screened.intersection(files["reads"]))
    run.fixes = sum(pq.read_metadata(f).num_rows for f in screened.intersection(files["tracks"]))
    run.alerts_new = len(filed.new) + len(duty.new)
    run.alerts_updated = filed.updated + duty.updated
    _remember(run, files, prints)
    for alert in [*filed.new, *duty.new]:
        alert_notify(alert)


def _passes(period: Period, rules: dict, prints: dict, files: dict[str, list[Path]]):
    """(order keys, files) to screen: everything in a given period; otherwise new files against
    every order, and all files against orders whose rules changed since they were last screened."""
    if period.given:
        return [(list(rules), files)]
    stored = {str(k): v for k, v in ScreenedOrder.objects.values_list("order_id", "fingerprint")}
    changed = [key for key in rules if stored.get(key) != prints[key]]
    unchanged = [key for key in rules if stored.get(key) == prints[key]]
    done = {p: (s, m) for p, s, m in ScreenedFile.objects.values_list("path", "size", "mtime_ns")}
    new = {kind: [f for f in paths if done.get(str(f)) != _stamp(f)] for kind, paths in files.items()}
    return [(keys, evidence) for keys, evidence in ((changed, files), (unchanged, new)) if keys]


def _screen_pass(run, compiled, evidence, cameras, sightings, backend, period: Period) -> pa.Table:
    reads = screen_reads(compiled, [str(f) for f in evidence["reads"]], cameras, backend)
    fixes = screen_fixes(compiled, [str(f) for f in evidence["tracks"]], backend)
    run.candidates += reads.candidates
    for camera, n in reads.unknown_cameras.items():
        run.unknown_cameras[camera] = run.unknown_cameras.get(camera, 0) + n
    found = period.filter(pa.concat_tables([reads.hits, fixes, screen_sightings(compiled, sightings)]))
    run.hits += found.num_rows
    return found


def _remember(run: ScreeningRun, files: dict[str, list[Path]], prints: dict[str, str]) -> None:
    """Every file as screened against every order's present rules, for the next run to skip."""
    with transaction.atomic():
        for path in files["reads"] + files["tracks"]:
            size, mtime_ns = _stamp(path)
            ScreenedFile.objects.update_or_create(
                path=str(path), defaults={"size": size, "mtime_ns": mtime_ns, "run": run}
            )
        for key, value in prints.items():
            ScreenedOrder.objects.update_or_create(order_id=key, defaults={"fingerprint": value, "run": run})


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns
