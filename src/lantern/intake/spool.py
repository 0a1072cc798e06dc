"""The spool: public reports kept on disk while the database cannot store them, filed later, once.

When the public or the safety report form cannot reach the database, the cleaned input (never the
raw request) is written here and the reporter is given the reference it will be filed under.
``drain()`` files what it can through the same services the forms use (audited the same way) and
leaves the rest; the worker calls it every few seconds, ``lantern spool --drain`` by hand.

Exactly once: a spooled report carries the submission's UUID (the form's hidden id), which becomes
``Submission.id``. A drain checks for it and files inside one transaction; a race or a commit whose
answer was lost ends on the primary key, never in a second copy. Files under ``VAR_DIR/spool/reports``:

- ``tmp/``: being written (mode 0600, fsync, then hard-linked into ``pending/``: all or nothing,
  and a second write of the same UUID finds the first instead of replacing it);
- ``pending/<uuid>.json``: waiting;
- ``claimed/<uuid>.<token>.json``: being filed by one drain (the rename is the lock; a claim left
  by a drain that died is taken again after ``CLAIM_STALE_S``);
- ``quarantine/<uuid>.json`` and ``<uuid>.reason``: cannot be filed as it stands (unreadable,
  oversized, refused by the service): kept for a person, never deleted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import time
import typing
import uuid
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lantern.intake.inputs import PublicReportInput, SafetyReportInput
from lantern.intake.models import Submission
from lantern.intake.services.alerts import new_reference
from lantern.intake.services.submissions import SubmissionError, public_report_submit, safety_report_submit
from lantern.intel.services import Actor
from lantern.web.dbdown import database_unavailable

log = logging.getLogger(__name__)

FORMAT = "lantern-spool/1"
MAX_BYTES = 256 * 1024  # the forms' limits give well under 64 KiB; more is not a form's
MAX_PENDING = 20_000  # past this the disk is at risk: the form says "not kept" instead
CLAIM_STALE_S = 600
INPUTS: dict[str, type] = {"public": PublicReportInput, "safety": SafetyReportInput}
VIA = {
    "public": "public report form (kept in the spool while the database was down)",
    "safety": "sex-worker safety report form (kept in the spool while the database was down)",
}
_REFERENCE = re.compile(r"LAN-[2-9A-Z]{4}-[2-9A-Z]{4}")


class SpoolError(OSError):
    """The report could not be written to the spool (disk full, too many waiting, unwritable)."""


class SpoolFileError(ValueError):
    """A spool file that cannot be filed as it stands; the message is the reason kept beside it."""


@dataclass(frozen=True)
class Spooled:
    submission_id: uuid.UUID
    reference: str
    kind: str
    received_at: datetime
    data: object  # PublicReportInput or SafetyReportInput


# ------------------------------------------------------------------ folders


def spool_dir() -> Path:
    return Path(getattr(settings, "LANTERN_SPOOL_DIR", "") or Path(settings.VAR_DIR) / "spool") / "reports"


def _folder(name: str) -> Path:
    folder = spool_dir() / name
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sync_dir(folder: Path) -> None:
    """Make a rename or a new name in ``folder`` survive a power cut."""
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# ------------------------------------------------------------------ keeping


def keep(kind: str, submission_id: uuid.UUID, data) -> Spooled:
    """Write one report to the spool; the same id again returns the first one's reference."""
    existing = _find(submission_id)
    if existing is not None:
        return existing
    pending = _folder("pending")
    if sum(1 for _ in os.scandir(pending)) >= MAX_PENDING:
        raise SpoolError(f"the spool already holds {MAX_PENDING} reports waiting to be filed")
    record = Spooled(submission_id, new_reference(), kind, timezone.now(), data)
    final = pending / f"{submission_id}.json"
    temporary = _folder("tmp") / f"{submission_id}.{secrets.token_hex(4)}.json"
    try:
        _write_new(temporary, _encode(record))
        try:
            os.link(temporary, final)  # unlike rename, never replaces a file already there
        except FileExistsError:  # the same report sent twice at once: the first one stands
            try:
                return _read(final)
            except SpoolFileError as exc:
                raise SpoolError(f"a damaged spool file has this report's id: {exc}") from None
        _sync_dir(pending)
    except OSError as exc:
        raise SpoolError(f"could not write to the spool: {exc}") from exc
    finally:
        temporary.unlink(missing_ok=True)
    log.warning(
        "a %s report was kept in the spool as %s: the database could not store it", kind, record.reference
    )
    return record


def _write_new(path: Path, content: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)


def _find(submission_id: uuid.UUID) -> Spooled | None:
    """The report already spooled under this id (pending or being filed), if any."""
    candidates = [spool_dir() / "pending" / f"{submission_id}.json"]
    claimed = spool_dir() / "claimed"
    if claimed.is_dir():
        candidates += sorted(claimed.glob(f"{submission_id}.*.json"))
    for path in candidates:
        try:
            return _read(path)
        except (FileNotFoundError, SpoolFileError):
            continue
    return None


def _encode(record: Spooled) -> bytes:
    payload = {
        k: v.isoformat() if isinstance(v, datetime) else list(v) if isinstance(v, tuple) else v
        for k, v in asdict(record.data).items()
    }
    document = {
        "format": FORMAT,
        "kind": record.kind,
        "id": str(record.submission_id),
        "reference": record.reference,
        "received_at": record.received_at.isoformat(),
        "input": payload,
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True).encode()


# ------------------------------------------------------------------ reading


def _read(path: Path) -> Spooled:
    """Parse and check one spool file; every problem is a ``SpoolFileError`` naming it."""
    with path.open("rb") as handle:
        content = handle.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise SpoolFileError(f"larger than {MAX_BYTES} bytes: not written by a report form")
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SpoolFileError(f"not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SpoolFileError(f"not a {FORMAT} document")
    kind = document.get("kind")
    if kind not in INPUTS:
        raise SpoolFileError(f"unknown kind {kind!r}")
    try:
        submission_id = uuid.UUID(str(document.get("id")))
        received_at = _aware(document.get("received_at"))
    except (ValueError, TypeError) as exc:
        raise SpoolFileError(f"bad id or time: {exc}") from None
    if not path.name.startswith(str(submission_id)):
        raise SpoolFileError("the file's name and the id inside it differ")
    reference = document.get("reference")
    if not isinstance(reference, str) or not _REFERENCE.fullmatch(reference):
        raise SpoolFileError(f"bad reference {reference!r}")
    data = _input(INPUTS[kind], document.get("input"))
    return Spooled(submission_id, reference, kind, received_at, data)


def _input(cls: type, given) -> object:
    """The input dataclass back from JSON, every value checked against the field's type."""
    if not isinstance(given, dict):
        raise SpoolFileError("no input object")
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    if unknown := set(given) - names:
        raise SpoolFileError(f"unknown fields: {', '.join(sorted(unknown))}")
    values = {}
    for name, value in given.items():
        try:
            values[name] = _typed(hints[name], value)
        except (TypeError, ValueError) as exc:
            raise SpoolFileError(f"{name}: {exc}") from None
    try:
        return cls(**values)
    except TypeError as exc:  # a required field missing
        raise SpoolFileError(str(exc)) from None


def _typed(hint, value):
    optional = type(None) in typing.get_args(hint)
    if value is None and optional:
        return None
    base = next((a for a in typing.get_args(hint) if a is not type(None)), hint) if optional else hint
    if base is str and isinstance(value, str):
        return value
    if base is bool and isinstance(value, bool):
        return value
    if base is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if base is datetime:
        return _aware(value)
    if (
        typing.get_origin(base) is tuple
        and isinstance(value, list)
        and all(isinstance(v, str) for v in value)
    ):
        return tuple(value)
    raise TypeError(f"{value!r} is not a {hint}")


def _aware(value) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        raise ValueError(f"{value!r} is not a time with its offset")
    return moment


# ------------------------------------------------------------------ draining


def drain(limit: int | None = None) -> int:
    """File spooled reports through the services; returns how many this call filed.

    Safe to call from several processes and threads at once: each file is claimed by renaming it.
    Stops at the first sign the database is still unavailable, leaving that file and the rest.
    """
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()  # a connection broken by the outage: reconnect
    filed = 0
    for path in _waiting():
        if limit is not None and filed >= limit:
            break
        claimed = _claim(path)
        if claimed is None:
            continue  # another drain took it
        outcome = _drain_one(claimed)
        if outcome == "later":
            break
        filed += outcome == "filed"
    return filed


def _waiting() -> list[Path]:
    """Pending files oldest first, then claims abandoned by a drain that died."""
    pending = spool_dir() / "pending"
    claimed = spool_dir() / "claimed"
    files = sorted(pending.glob("*.json"), key=_mtime) if pending.is_dir() else []
    if claimed.is_dir():
        cutoff = time.time() - CLAIM_STALE_S
        files += [p for p in sorted(claimed.glob("*.json"), key=_mtime) if _mtime(p) < cutoff]
    return files


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _claim(path: Path) -> Path | None:
    target = _folder("claimed") / f"{path.name.split('.')[0]}.{secrets.token_hex(4)}.json"
    try:
        os.utime(path)  # the claim's age starts now (a rename keeps the old time)
        os.rename(path, target)
    except FileNotFoundError:
        return None
    return target


def _drain_one(path: Path) -> str:
    """File one claimed report: "filed", "done" (already filed), "quarantined" or "later"."""
    try:
        record = _read(path)
    except SpoolFileError as exc:
        _quarantine(path, str(exc))
        return "quarantined"
    except FileNotFoundError:
        return "done"  # a stale claim taken by another drain meanwhile
    try:
        filed = _store(record)
    except Exception as exc:
        if database_unavailable(exc):
            _unclaim(path, record)
            log.info(
                "spool: the database is still unavailable (%s); %s waits",
                type(exc).__name__,
                record.reference,
            )
            return "later"
        reason = str(exc) if isinstance(exc, SubmissionError) else f"{type(exc).__name__}: {exc}"
        log.exception("spool: %s could not be filed", record.reference)
        _quarantine(path, f"refused when filed: {reason}")
        return "quarantined"
    path.unlink(missing_ok=True)
    _sync_dir(path.parent)
    if filed:
        log.info("spool: %s report %s filed", record.kind, record.reference)
    return "filed" if filed else "done"


def _store(record: Spooled) -> bool:
    """File the report once: False when a submission with its id is already stored."""
    try:
        with transaction.atomic():
            if Submission.objects.filter(pk=record.submission_id).exists():
                return False
            submission = _submit(record)
            # When it was received, not when the database came back (auto_now_add set the latter).
            Submission.objects.filter(pk=submission.pk).update(received_at=record.received_at)
            return True
    except IntegrityError:
        if Submission.objects.filter(pk=record.submission_id).exists():
            return False  # another drain (or the form's own retry) stored it first
        raise


def _submit(record: Spooled) -> Submission:
    actor = Actor(via=VIA[record.kind])
    if record.kind == "public":
        return public_report_submit(
            data=record.data, actor=actor, submission_id=record.submission_id, reference=record.reference
        )
    return safety_report_submit(
        data=record.data,
        organisation=None,
        actor=actor,
        submission_id=record.submission_id,
        reference=record.reference,
    )


def _unclaim(path: Path, record: Spooled) -> None:
    with contextlib.suppress(FileNotFoundError):  # a stale claim another drain took meanwhile
        os.rename(path, _folder("pending") / f"{record.submission_id}.json")


def _quarantine(path: Path, reason: str) -> None:
    """Move a file that cannot be filed aside with its reason: a person decides (docs/failure.md)."""
    folder = _folder("quarantine")
    name = path.name.split(".")[0] or secrets.token_hex(8)
    target = folder / f"{name}.json"
    if target.exists():
        target = folder / f"{name}.{secrets.token_hex(4)}.json"
    os.rename(path, target)
    reason_file = target.with_suffix(".reason")
    reason_file.write_text(f"{timezone.now().isoformat()} {reason}\n", encoding="utf-8")
    reason_file.chmod(0o600)
    _sync_dir(folder)
    log.error("spool: %s quarantined: %s", target.name, reason)


# ------------------------------------------------------------------ listing (the command)


@dataclass(frozen=True)
class Entry:
    state: str  # pending, claimed, quarantined
    name: str
    reference: str
    kind: str
    received_at: str
    reason: str = ""


def entries() -> list[Entry]:
    """Every file in the spool, with what can be read of it (never its content)."""
    found = []
    for state, folder in (("pending", "pending"), ("claimed", "claimed"), ("quarantined", "quarantine")):
        directory = spool_dir() / folder
        for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
            found.append(_entry(state, path))
    return found


def _entry(state: str, path: Path) -> Entry:
    reason_file = path.with_suffix(".reason")
    reason = reason_file.read_text(encoding="utf-8").strip() if reason_file.exists() else ""
    try:
        record = _read(path)
    except (SpoolFileError, OSError) as exc:
        return Entry(state, path.name, "?", "?", "?", reason or str(exc))
    return Entry(state, path.name, record.reference, record.kind, record.received_at.isoformat(), reason)


def requeue_quarantined() -> int:
    """Put quarantined files back to be filed again (after the cause was fixed); returns how many."""
    folder = spool_dir() / "quarantine"
    moved = 0
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            os.link(path, _folder("pending") / f"{path.name.split('.')[0]}.json")
        except FileExistsError:
            continue  # the same report is waiting already; this copy stays for a person
        path.unlink()
        path.with_suffix(".reason").unlink(missing_ok=True)
        moved += 1
    return moved
