"""Backup and restore: the database, the Parquet lake and the order documents in one tar file.

Layout of a backup (a tar archive; gzip-compressed when the name ends in ``.gz`` or ``.tgz``)::

    database/lantern.sqlite3   SQLite: an online backup (sqlite3 backup API) of the live database
    database/lantern.pgdump    PostgreSQL: ``pg_dump --format=custom``
    lake/...                   every file under LAKE_DIR (reads and GPS fixes), same relative paths
    documents/...              every file under LANTERN_DOCUMENTS_DIR
    manifest.json              written last: Lantern version, created_at (UTC), database vendor,
                               applied migrations, row count of every table, sha256 and size of
                               every other member

The database is copied first, then the files: the lake only grows, so a file written during the
backup is at worst one the restored database has not screened yet (the next run screens it).
The secret key (``var/secret_key`` or ``LANTERN_SECRET_KEY``) is never included: keep it apart.

A restore reads nothing into place until every member's sha256 matches the manifest, the vendor is
this database's and the migrations are the ones this code knows. It then replaces the database and
moves the current lake and documents folders aside (``<folder>.before-restore-<timestamp>``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from lantern.governance.audit import audit_record
from lantern.governance.models import AuditAction

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/lantern.sqlite3"
PG_MEMBER = "database/lantern.pgdump"
FOLDERS = ("lake", "documents")
CHUNK = 1024 * 1024

# progress(description, total) -> context manager yielding advance(n): lantern.console.progress_bar
Progress = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], None]]]


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why and what to do."""


@dataclass
class Manifest:
    lantern_version: str
    created_at: str
    vendor: str
    database_member: str
    migrations: list[str]
    tables: dict[str, int]
    members: dict[str, dict] = field(default_factory=dict)  # name -> {"sha256", "size"}
    format: int = FORMAT
    # Filled in by backup() and restore() for the summary line; not stored.
    archive_size: int = 0
    seconds: float = 0.0
    moved_aside: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = asdict(self)
        for transient in ("archive_size", "seconds", "moved_aside"):
            data.pop(transient)
        return json.dumps(data, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError(f"{MANIFEST} is not a Lantern backup manifest ({exc}).") from exc

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    def files(self, folder: str) -> int:
        return sum(1 for name in self.members if name.startswith(folder + "/"))

    def summary(self, verb: str, path: Path) -> str:
        return (
            f"{verb} {path}: {len(self.tables)} tables, {self.rows:,} rows, "
            f"{self.files('lake'):,} lake files, {self.files('documents'):,} documents, "
            f"{_size(self.archive_size)}, {self.seconds:.1f} s."
        )


# ---------------------------------------------------------------- what the database holds


def known_migrations() -> set[str]:
    """The migrations this code has on disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def database_facts(cursor, vendor: str) -> tuple[list[str], dict[str, int]]:
    """(applied migrations, row count of every table) as one DB-API cursor sees the database."""
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 (a table name, quoted)
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    return migrations, counts


def live_facts() -> tuple[list[str], dict[str, int]]:
    with connection.cursor() as cursor:
        return database_facts(cursor, connection.vendor)


# ---------------------------------------------------------------- backup


def backup(out: Path, *, force: bool = False, progress: Progress | None = None) -> Manifest:
    """Write a backup of the database, the lake and the documents to ``out`` (one tar file)."""
    started = time.monotonic()
    out = Path(out)
    if out.exists() and not force:
        raise BackupError(f"{out} already exists; choose another name, or pass --force to overwrite it.")
    if out.exists() and out.is_dir():
        raise BackupError(f"{out} is a folder; give the name of the backup file to write.")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist; create it first.")
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups know SQLite and PostgreSQL, not {vendor}.")
    mode = "w:gz" if out.name.endswith((".gz", ".tgz")) else "w"
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    try:
        with tempfile.TemporaryDirectory(prefix="lantern-backup-") as scratch:
            dump = Path(scratch) / "database"
            # The database first: a consistent snapshot, taken while the site keeps running.
            created_at = datetime.now(UTC).isoformat(timespec="seconds")
            if vendor == "sqlite":
                migrations, tables = _sqlite_snapshot(dump)
                member = SQLITE_MEMBER
            else:
                migrations, tables = _pg_dump(dump)
                member = PG_MEMBER
            manifest = Manifest(
                lantern_version=_version(),
                created_at=created_at,
                vendor=vendor,
                database_member=member,
                migrations=migrations,
                tables=tables,  # counted in the snapshot itself, so restore can check them exactly
            )
            files = [(member, dump)]
            for folder, root in _folders().items():
                files += [(f"{folder}/{p.relative_to(root).as_posix()}", p) for p in _walk(root)]
            with tarfile.open(partial, mode) as tar:
                with _progress(progress, "Backing up files", len(files)) as advance:
                    for name, path in files:
                        manifest.members[name] = _add_file(tar, name, path)
                        advance(1)
                raw = manifest.to_json()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(raw), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(raw))
        os.chmod(partial, 0o600)  # personal data: readable by this user only
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    manifest.archive_size = out.stat().st_size
    manifest.seconds = time.monotonic() - started
    audit_record(
        user=None,
        action=AuditAction.EXPORT,
        object_type="backup",
        summary=f"backup written to {out}: {len(manifest.tables)} tables, {manifest.rows} rows",
        path="lantern backup",
        detail={
            "file": str(out),
            "size": manifest.archive_size,
            "created_at": manifest.created_at,
            "lake_files": manifest.files("lake"),
            "documents": manifest.files("documents"),
        },
    )
    return manifest


def _sqlite_snapshot(target: Path) -> tuple[list[str], dict[str, int]]:
    """SQLite's online backup API: a consistent copy while other connections read and write."""
    if connection.in_atomic_block:  # SQLite will not copy from a connection that is writing
        raise BackupError("a SQLite backup cannot run inside a transaction; run it on its own.")
    connection.ensure_connection()
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        # One step: the copy holds one read snapshot throughout (WAL: writers carry on), where a
        # step at a time would start again whenever another connection writes.
        with connection.wrap_database_errors:
            connection.connection.backup(dest, pages=-1)
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        return database_facts(dest.cursor(), "sqlite")
    finally:
        dest.close()


def _pg_dump(target: Path) -> tuple[list[str], dict[str, int]]:
    """pg_dump of a snapshot exported by our own transaction, so the counts are the dump's."""
    db = connection.settings_dict
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        with raw.cursor() as cursor:
            if raw.autocommit:
                raw.autocommit = False
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = database_facts(cursor, "postgresql")
            _run_pg(
                [
                    "pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}",
                    "--file", str(target), *_pg_args(db),
                ],
                db,
            )  # fmt: skip
            raw.rollback()
        return facts
    finally:
        raw.close()


# ---------------------------------------------------------------- restore


def restore(src: Path, *, progress: Progress | None = None, migrate: bool = False) -> Manifest:
    """Check the backup ``src`` whole, then replace the database, the lake and the documents."""
    started = time.monotonic()
    src = Path(src)
    if not src.is_file():
        raise BackupError(f"{src} is not a file; give the path of a backup made by `lantern backup`.")
    stage_parent = Path(settings.VAR_DIR)
    stage_parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".restore-", dir=stage_parent))
    try:
        try:
            manifest = _unpack(src, stage, progress)
            _check_compatible(manifest, migrate=migrate)
            _check_database_copy(manifest, stage)
        except BackupError as exc:
            raise BackupError(f"{exc} Nothing was restored.") from None
        # Everything checked: from here on the live data is replaced.
        if manifest.vendor == "sqlite":
            _sqlite_restore(stage / SQLITE_MEMBER)
        else:
            _pg_restore(stage / PG_MEMBER)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        for folder, root in _folders().items():
            moved = _swap_folder(stage / folder, root, stamp)
            if moved:
                manifest.moved_aside.append(str(moved))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    _, restored = live_facts()
    differ = [t for t, n in manifest.tables.items() if restored.get(t) != n]
    manifest.archive_size = src.stat().st_size
    manifest.seconds = time.monotonic() - started
    audit_record(  # in the restored database: its chain continues from the backup's
        user=None,
        action=AuditAction.IMPORT,
        object_type="backup",
        summary=f"restored from {src} (backup of {manifest.created_at})",
        path="lantern restore",
        detail={
            "file": str(src),
            "created_at": manifest.created_at,
            "lantern_version": manifest.lantern_version,
            "moved_aside": manifest.moved_aside,
        },
    )
    if differ and not migrate:
        raise BackupError(
            "restored, but the database's row counts differ from the manifest for "
            + ", ".join(differ[:5])
            + "; the database may have been written to during the restore: stop the site and restore again."
        )
    return manifest


def _unpack(src: Path, stage: Path, progress: Progress | None) -> Manifest:
    """Extract into ``stage`` (never the live folders) and check every member against the manifest."""
    try:
        tar = tarfile.open(src, "r:*")  # noqa: SIM115 (closed by the `with tar` below)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{src} is not a readable backup (tar) file: {exc}.") from exc
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{src} is truncated or damaged: {exc}.") from exc
        names = set()
        for m in members:
            _check_member_name(m)
            if not (m.isfile() or m.isdir()):
                raise BackupError(f"member {m.name!r} is not a plain file; refused.")
            names.add(m.name)
        if MANIFEST not in names:
            raise BackupError(f"{src} has no {MANIFEST}: it is not a Lantern backup, or it is truncated.")
        manifest = Manifest.from_json(tar.extractfile(MANIFEST).read())
        if manifest.format != FORMAT:
            raise BackupError(f"backup format {manifest.format} is not known to this Lantern ({FORMAT}).")
        files = [m for m in members if m.isfile() and m.name != MANIFEST]
        unlisted = sorted({m.name for m in files} - set(manifest.members))
        if unlisted:
            raise BackupError(f"member {unlisted[0]!r} is not in the manifest; the backup was altered.")
        missing = sorted(set(manifest.members) - {m.name for m in files})
        if missing:
            raise BackupError(f"member {missing[0]!r} is missing; the backup is truncated or altered.")
        with _progress(progress, "Checking backup", len(files)) as advance:
            for m in files:
                try:
                    tar.extract(m, stage, filter="data")
                except (tarfile.TarError, EOFError, OSError) as exc:
                    raise BackupError(f"member {m.name!r} cannot be read ({exc}); refused.") from exc
                expected = manifest.members[m.name]
                actual = _sha256(stage / m.name)
                if actual != expected.get("sha256"):
                    raise BackupError(
                        f"member {m.name!r} does not match its sha256 in the manifest: the backup "
                        "was altered or damaged."
                    )
                advance(1)
    if manifest.database_member not in manifest.members:
        raise BackupError(f"the database member {manifest.database_member!r} is missing.")
    return manifest


def _check_member_name(member: tarfile.TarInfo) -> None:
    path = PurePosixPath(member.name)
    if member.name.startswith(("/", "\\")) or path.is_absolute() or ".." in path.parts:
        raise BackupError(f"member {member.name!r} points outside the backup (absolute or '..'); refused.")
    if path.parts and path.parts[0] not in (*FOLDERS, "database", MANIFEST):
        raise BackupError(f"member {member.name!r} is not part of a Lantern backup; refused.")


def _check_compatible(manifest: Manifest, *, migrate: bool) -> None:
    here = connection.vendor
    if manifest.vendor != here:
        raise BackupError(
            f"this backup is of a {_vendor_name(manifest.vendor)} database and this Lantern uses "
            f"{_vendor_name(here)}; restore it on a {_vendor_name(manifest.vendor)} installation "
            f"(set or unset DATABASE_URL), or move data between them with an export."
        )
    if manifest.database_member != (SQLITE_MEMBER if here == "sqlite" else PG_MEMBER):
        raise BackupError(f"the database member {manifest.database_member!r} is not {here}'s.")
    backup_set, code_set = set(manifest.migrations), known_migrations()
    newer = sorted(backup_set - code_set)
    if newer:
        raise BackupError(
            f"the backup has migrations this Lantern does not know ({_few(newer)}): it was made by a "
            f"newer version ({manifest.lantern_version}); install that version and restore again."
        )
    older = sorted(code_set - backup_set)
    if older and not migrate:
        raise BackupError(
            f"the backup lacks migrations this Lantern has ({_few(older)}): it was made by an older "
            f"version ({manifest.lantern_version}). Pass --migrate to restore it and bring it up to "
            "date, or restore with the version that made it."
        )


def _check_database_copy(manifest: Manifest, stage: Path) -> None:
    if manifest.vendor != "sqlite":
        return  # pg_restore reads the archive's table of contents itself and stops on any error
    try:
        db = sqlite3.connect(f"file:{stage / SQLITE_MEMBER}?mode=ro", uri=True)
        try:
            (result,) = db.execute("PRAGMA quick_check").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result != "ok":
        raise BackupError(f"member {SQLITE_MEMBER!r} is not a sound SQLite database ({result}).")


def _sqlite_restore(copy: Path) -> None:
    """Write the copy into the live database through the backup API (other readers see it at once)."""
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        if connection.is_in_memory_db():  # the test database: only this process's connection holds it
            connection.ensure_connection()
            with connection.wrap_database_errors:
                source.backup(connection.connection)
        else:
            name = connection.settings_dict["NAME"]
            connections.close_all()
            dest = sqlite3.connect(name, timeout=60)
            try:
                source.backup(dest)
            finally:
                dest.close()
    finally:
        source.close()


def _pg_restore(dump: Path) -> None:
    db = connection.settings_dict
    connections.close_all()  # our own idle connection would otherwise hold nothing but be in the way
    _run_pg(
        [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", "--no-password", *_pg_args(db), str(dump),
        ],
        db,
    )  # fmt: skip


def _swap_folder(staged: Path, root: Path, stamp: str) -> Path | None:
    """Move ``root`` aside to ``root.before-restore-<stamp>`` and put the backup's copy in its place."""
    root = Path(root)
    moved = None
    if root.exists():
        moved = root.with_name(f"{root.name}.before-restore-{stamp}")
        n = 1
        while moved.exists():
            n += 1
            moved = root.with_name(f"{root.name}.before-restore-{stamp}-{n}")
        shutil.move(root, moved)
    root.parent.mkdir(parents=True, exist_ok=True)
    if staged.exists():
        shutil.move(staged, root)
    else:
        root.mkdir()
    return moved


# ---------------------------------------------------------------- PostgreSQL tools


def _pg_args(db: dict) -> list[str]:
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return [*args, "--dbname", str(db["NAME"])]


def _run_pg(command: list[str], db: dict) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(
            f"{command[0]} is not installed; install postgresql-client (Debian: "
            "`apt-get install postgresql-client`, or `make system-packages`) and run again."
        )
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    result = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise BackupError(
            f"{command[0]} failed (exit {result.returncode}): {' / '.join(detail[-3:]) or 'no message'}"
        )


# ---------------------------------------------------------------- helpers


def _folders() -> dict[str, Path]:
    return {"lake": Path(settings.LAKE_DIR), "documents": Path(settings.LANTERN_DOCUMENTS_DIR)}


def _walk(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    secret = (Path(settings.VAR_DIR) / "secret_key").resolve()
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and p.resolve() != secret)


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add ``path`` as ``name``, hashing the bytes as they are written."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        stat = os.fstat(fh.fileno())
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600

        class _Hashing(io.RawIOBase):
            def read(self, n=-1):
                data = fh.read(n)
                digest.update(data)
                return data

        tar.addfile(info, _Hashing())
    return {"sha256": digest.hexdigest(), "size": info.size}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _progress(progress: Progress | None, description: str, total: int) -> Iterator[Callable[[int], None]]:
    if progress is None or total == 0:
        yield lambda n=1: None
        return
    with progress(description, total) as advance:
        yield advance


def _version() -> str:
    try:
        return metadata.version("lantern")
    except metadata.PackageNotFoundError:
        return "unknown"


def _vendor_name(vendor: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(vendor, vendor)


def _few(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"
