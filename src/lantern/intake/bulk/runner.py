"""Import runs: keep the file, read it in chunks, file the valid rows, quarantine the rest, resume.

Each chunk is one transaction holding its filed rows, its quarantined rows, the run's counters and
an audit entry, so a run killed at any moment leaves the store exactly as it was after its last
whole chunk, and ``rows_done`` says where to go on. Running the same file (same contents, same
kind and mapping) again resumes an unfinished run; after a finished run it is a new run in which
every record is "already known". Ids are deterministic, so no path can create a duplicate.

A full disk (``ENOSPC`` writing the kept copy, SQLite's "database or disk is full", PostgreSQL's
disk-full error) ends the run as failed with a message that names the disk and says how to resume:
the chunk being written is rolled back whole, so the store holds exactly the chunks counted.
"""

from __future__ import annotations

import errno
import hashlib
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lantern.engine.bulk_rows import (
    FIELDS,
    RowReader,
    check_mapping,
    guess_mapping,
    read_person,
    read_report,
    read_vehicle,
)
from lantern.engine.tabular import TableFile, TableFormatError, open_table
from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction
from lantern.intake.bulk.build import Chunk, build_persons, build_vehicles
from lantern.intake.bulk.reports import ReportWriter
from lantern.intake.bulk.writer import ChunkWriter
from lantern.intake.models import ImportKind, ImportRun, QuarantinedRow


class ImportFailed(RuntimeError):
    """The file cannot be imported; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class ImportRequest:
    kind: str
    path: Path
    mapping: dict[str, str] | None = None  # None: guess from the headers
    user: object = None
    via: str = ""
    as_at: datetime | None = None  # when the source said it; default: the file's modification time
    original_name: str = ""


def import_file(request: ImportRequest, *, progress: Callable[[int, int], None] | None = None) -> ImportRun:
    """Import (or resume importing) one file; returns the finished run with its counts."""
    run = run_prepare(request)
    return run_execute(run, progress=progress)


def run_prepare(request: ImportRequest) -> ImportRun:
    """Keep a copy of the file, check its mapping, and find the run to resume or start a new one."""
    try:
        return _run_prepare(request)
    except (OSError, DatabaseError) as exc:
        if not disk_full(exc):
            raise
        raise ImportFailed(disk_full_message(exc)) from None


def _run_prepare(request: ImportRequest) -> ImportRun:
    if request.kind not in FIELDS:
        raise ImportFailed(f"{request.kind!r} is not an import kind: use one of {', '.join(FIELDS)}.")
    digest = file_sha256(request.path)
    stored = _keep(request.path, digest)
    table = _open(stored, request.original_name or request.path.name)
    mapping = request.mapping if request.mapping is not None else guess_mapping(request.kind, table.headers)
    problems = check_mapping(request.kind, mapping, table.headers)
    if problems:
        raise ImportFailed(
            f"{request.original_name or request.path.name}: the columns do not fit a {request.kind} file: "
            + " ".join(problems)
            + f" The file's columns are: {', '.join(table.headers)}. See docs/formats.md."
        )
    as_at = request.as_at or datetime.fromtimestamp(request.path.stat().st_mtime, tz=UTC)
    unfinished = (
        ImportRun.objects.filter(kind=request.kind, file_sha256=digest)
        .exclude(status=ImportRun.Status.FINISHED)
        .order_by("-created_at")
    )
    for run in unfinished:  # resume: same file, same mapping (and the same as-at date if one was given)
        same_date = request.as_at is None or run.mapping.get("as_at") == as_at.isoformat()
        if run.mapping.get("fields") == mapping and same_date:
            return run
    return ImportRun.objects.create(
        kind=request.kind,
        file_name=(request.original_name or request.path.name)[:255],
        file_sha256=digest,
        stored_path=str(stored),
        mapping={"fields": mapping, "as_at": as_at.isoformat()},
        rows_total=table.count_rows(),
        started_by=request.user if getattr(request.user, "is_authenticated", False) else None,
    )


def run_execute(
    run: ImportRun, *, progress: Callable[[int, int], None] | None = None, parallel: bool | None = None
) -> ImportRun:
    """Read, validate and build chunks in a second process while this one writes them.

    Preparing a chunk (parsing, validating, normalising, building rows) is pure Python and takes
    about as long as writing one, so a child process prepares chunk n+1 while this process files
    chunk n: both cores work. Inside an open transaction (a test's, or a caller's) everything
    runs in this process, one chunk after another, through the same functions.
    """
    reserve = _Reserve(run)
    try:
        reserve.take()
    except OSError as exc:
        raise ImportFailed(disk_full_message(exc, run) if disk_full(exc) else str(exc)) from None
    try:
        return _run_execute(run, reserve, progress=progress, parallel=parallel)
    finally:
        reserve.give_back()


def _run_execute(
    run: ImportRun, reserve: _Reserve, *, progress: Callable[[int, int], None] | None, parallel: bool | None
) -> ImportRun:
    run.status = ImportRun.Status.RUNNING
    run.save(update_fields=["status"])
    chunk_rows = settings.LANTERN_IMPORT_CHUNK_ROWS
    plan = _Plan(run.kind, run.stored_path, run.file_name, run.mapping["fields"], run.rows_done, chunk_rows)
    pause = settings.LANTERN_IMPORT_THROTTLE_MS / 1000
    if parallel is None:
        parallel = not connection.in_atomic_block
    write = _ChunkWriterJob(run)
    try:
        for item in _prepared_in_child(plan) if parallel else _prepared_here(plan):
            write(item)
            if progress:
                progress(run.rows_done, run.rows_total)
            if pause:
                time.sleep(pause)
        _finish(run)
    except TableFormatError as exc:
        _fail(run, f"{exc} Rows before it were imported; fix the file and import it again to go on.")
        raise ImportFailed(run.error) from None
    except (OSError, DatabaseError) as exc:
        if not disk_full(exc):
            raise
        reserve.give_back()  # the room to record the failure in
        _fail_disk_full(run, exc)
    return run


class _Reserve:
    """A little room set aside on the SQLite database's disk while a run writes.

    When the disk fills, SQLite cannot even record that the run failed (its write-ahead log cannot
    grow); giving this room back first lets it. PostgreSQL keeps its own disk: nothing to set aside.
    """

    BYTES = 2 * 1024 * 1024

    def __init__(self, run: ImportRun) -> None:
        self.path: Path | None = None
        database = Path(str(connection.settings_dict["NAME"]))
        if connection.vendor == "sqlite" and database.is_file():  # not an in-memory test database
            self.path = database.parent / f".lantern-import-reserve-{run.pk}"

    def take(self) -> None:
        if self.path is None or self.path.exists():
            return
        handle = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.posix_fallocate(handle, 0, self.BYTES)
        except OSError:
            os.close(handle)
            self.path.unlink(missing_ok=True)
            raise
        os.close(handle)

    def give_back(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Plan:
    """What the preparing process needs: plain values only (it never touches the database)."""

    kind: str
    path: str
    name: str
    fields: dict[str, str]
    skip: int
    chunk_rows: int


@dataclass
class _Prepared:
    rows: int
    chunk: Chunk
    quarantine: list[tuple[int, str, str, dict]]  # (row number, columns, reason, raw row)


def _prepared_here(plan: _Plan) -> Iterator[_Prepared]:
    table = _open(Path(plan.path), plan.name)
    prepare = _Prepare(plan, table.headers)
    for rows in table.chunks(plan.chunk_rows, skip=plan.skip):
        yield prepare(rows)


def _prepared_in_child(plan: _Plan) -> Iterator[_Prepared]:
    """Chunks prepared by a child process, at most two ahead of the writer (bounded memory)."""
    context = multiprocessing.get_context("fork")  # the child inherits the loaded code; no DB use
    queue = context.Queue(maxsize=2)
    child = context.Process(target=_child_prepare, args=(plan, queue), name="lantern-import-prepare")
    child.start()
    try:
        while (item := queue.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join()


def _child_prepare(plan: _Plan, queue) -> None:
    try:
        for item in _prepared_here(plan):
            queue.put(item)
    except (TableFormatError, ImportFailed) as exc:
        queue.put(TableFormatError(str(exc)))
    except Exception as exc:  # a bug: reported in the parent rather than lost with the child
        queue.put(RuntimeError(f"preparing the file failed: {exc!r}"))
    queue.put(None)


class _Prepare:
    """Validate a chunk of raw rows and build its store rows: pure Python, no database."""

    def __init__(self, plan: _Plan, headers: list[str]):
        self.headers = headers
        self.reader = RowReader(plan.fields, headers, today=timezone.localdate())
        self.read_row, self.build = _KINDS[plan.kind]
        self.next_row = plan.skip + 1

    def __call__(self, rows: list[list[str | None]]) -> _Prepared:
        first, self.next_row = self.next_row, self.next_row + len(rows)
        valid, quarantine = [], []
        for number, row in enumerate(rows, start=first):
            record, problems = self.read_row(self.reader, row, number)
            if record is not None:
                valid.append(record)
            else:
                quarantine.append(self._quarantined(number, row, problems))
        return _Prepared(len(rows), self.build(valid), quarantine)

    def _quarantined(self, number: int, row: list[str | None], problems) -> tuple[int, str, str, dict]:
        raw = {header: row[i] if i < len(row) else None for i, header in enumerate(self.headers)}
        for extra, value in enumerate(row[len(self.headers) :], start=len(self.headers) + 1):
            raw[f"column {extra}"] = value
        columns = ", ".join(dict.fromkeys(column for column, _ in problems))
        reason = "; ".join(f"{column}: {why}" for column, why in problems)
        return number, columns[:300], reason, raw


class _ChunkWriterJob:
    """Writes one prepared chunk, its quarantine, the run's counters and an audit entry atomically."""

    def __init__(self, run: ImportRun):
        self.run = run
        seen = datetime.fromisoformat(run.mapping["as_at"])
        if run.kind == ImportKind.REPORTS:
            self.writer = ReportWriter(seen=seen, user=run.started_by)
        else:
            self.writer = ChunkWriter(seen=seen, user_id=run.started_by_id)

    def __call__(self, item: _Prepared) -> None:
        run = self.run
        first = run.rows_done + 1
        with transaction.atomic():
            written = self.writer.write(item.chunk)
            quarantine = [
                QuarantinedRow(run=run, row_number=n, columns=c, reason=r, raw=raw)
                for n, c, r, raw in item.quarantine
            ]
            quarantine += [self._keeper_missing(*about) for about in written.missing_keepers]
            QuarantinedRow.objects.bulk_create(quarantine, ignore_conflicts=True)
            run.rows_done += item.rows
            run.filed += written.filed
            run.known += written.known
            run.quarantined += len(quarantine)
            run.save(update_fields=["rows_done", "filed", "known", "quarantined"])
            audit_record(
                user=run.started_by,
                action=AuditAction.IMPORT,
                object_type=f"import {run.kind}",
                object_id=str(run.pk),
                summary=f"{run.file_name} rows {first}-{run.rows_done}: {written.filed} new, "
                f"{written.known} already known, {len(quarantine)} quarantined",
                path="bulk import",
            )

    def _keeper_missing(self, row: int, source: str, keeper: str, vrm: str) -> QuarantinedRow:
        column = self.run.mapping["fields"].get("keeper_record_id", "keeper_record_id")
        return QuarantinedRow(
            run=self.run,
            row_number=row,
            columns=column,
            reason=f"{column}: no person {keeper!r} from {source} in the store (the vehicle was filed, "
            "the link was not): import the person first, then this row again",
            raw={"source": source, "vrm": vrm, column: keeper},
        )


_KINDS: dict[str, tuple[Callable, Callable]] = {
    ImportKind.PERSONS: (read_person, build_persons),
    ImportKind.VEHICLES: (read_vehicle, build_vehicles),
    ImportKind.REPORTS: (read_report, list),  # filed row by row through the event services
}


def _finish(run: ImportRun) -> None:
    with transaction.atomic():
        run.status = ImportRun.Status.FINISHED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        audit_record(
            user=run.started_by,
            action=AuditAction.IMPORT,
            object_type=f"import {run.kind}",
            object_id=str(run.pk),
            summary=summary(run),
            path="bulk import",
            detail={"sha256": run.file_sha256, "mapping": run.mapping},
        )


def disk_full(exc: BaseException) -> bool:
    """The error (or the one it was raised from) says the disk is full."""
    seen: BaseException | None = exc
    for _ in range(4):
        if seen is None:
            return False
        if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
            return True
        text = str(seen).lower()
        if "database or disk is full" in text or "no space left on device" in text:
            return True
        if getattr(seen, "sqlstate", None) == "53100":  # PostgreSQL's disk_full
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def disk_full_message(exc: BaseException, run: ImportRun | None = None) -> str:
    """What happened, on which disk, what is stored, and how to go on."""
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
    stored = "Nothing of this file is stored yet."
    if run is not None:
        stored = (
            f"Rows 1-{run.rows_done:,} of {run.rows_total:,} are stored, in whole chunks "
            "(the chunk being written when the disk filled was rolled back)."
        )
    go_on = f"it resumes after row {run.rows_done:,}" if run is not None else "it starts again"
    return (
        f"The disk is full ({first}) on {_disk_of(exc)}. {stored} Free some space or make the disk "
        f"bigger, then import the same file again (the same command, or the Imports page): {go_on}."
    )


def _disk_of(exc: BaseException) -> str:
    filename = getattr(exc, "filename", None)
    if filename:
        return f"the disk holding {Path(str(filename)).parent}"
    if connection.vendor == "sqlite":
        return f"the disk holding the database {connection.settings_dict['NAME']}"
    return f"the {connection.vendor} server's disk (database {connection.settings_dict['NAME']})"


def _fail_disk_full(run: ImportRun, exc: BaseException) -> None:
    """Mark the run failed (its counters as committed, not as counted in memory) and stop."""
    run.refresh_from_db(fields=["rows_done", "filed", "known", "quarantined"])
    message = disk_full_message(exc, run)
    try:
        _fail(run, message)
    except DatabaseError:  # not even room for that: the run shows "running" and resumes all the same
        message += " (The run could not be marked failed for lack of space; it resumes all the same.)"
    raise ImportFailed(message) from None


def _fail(run: ImportRun, message: str) -> None:
    run.status = ImportRun.Status.FAILED
    run.error = message
    run.save(update_fields=["status", "error"])


def summary(run: ImportRun) -> str:
    return (
        f"{run.file_name}: {run.rows_done:,} of {run.rows_total:,} rows read; {run.filed:,} filed, "
        f"{run.known:,} already known, {run.quarantined:,} quarantined"
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def imports_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _keep(path: Path, digest: str) -> Path:
    """The file as received, kept under var/imports by its SHA-256 (the raw payload is never lost)."""
    target = imports_dir() / f"{digest}{''.join(path.suffixes[-1:]).lower()[:10]}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        try:
            shutil.copyfile(path, partial)
        except OSError:
            partial.unlink(missing_ok=True)  # half a copy would only take the space back
            raise
        partial.replace(target)
    return target


def _open(path: Path, name: str) -> TableFile:
    try:
        return open_table(path)
    except TableFormatError as exc:
        raise ImportFailed(str(exc).replace(path.name, name)) from None
