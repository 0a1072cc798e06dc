"""`lantern backup` and `lantern restore`: a round trip compares every table and every lake file.

Runs on SQLite (the in-memory test database: the backup API copies the live connection) and, with
DATABASE_URL, on PostgreSQL (pg_dump and pg_restore on the test database).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Max

from lantern.governance import backup as bk
from lantern.governance.audit import verify_chain
from lantern.governance.backup import BackupError, backup, restore
from lantern.governance.models import AuditChainHead, AuditEntry
from lantern.intel.models import Person, Provenance, SearchKey

# ---------------------------------------------------------------- helpers


def table_fingerprints(*, audit_upto: int | None = None) -> dict[str, tuple[int, str]]:
    """Every model's table (M2M through tables included): row count and a hash of its rows by pk.

    ``audit_upto`` compares the audit trail up to that entry (a restore appends its own entry, and
    moves the chain head on with it: the head is checked by ``verify_chain`` instead).
    """
    prints = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        rows = model._base_manager.order_by("pk")
        if audit_upto is not None and model is AuditEntry:
            rows = rows.filter(sequence__lte=audit_upto)
        if audit_upto is not None and model is AuditChainHead:
            continue
        digest, count = hashlib.sha256(), 0
        for row in rows.values_list(*[f.attname for f in meta.concrete_fields]).iterator(chunk_size=5000):
            digest.update(repr(row).encode())
            count += 1
        prints[meta.db_table] = (count, digest.hexdigest())
    return prints


def tree_hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def rewrite(src: Path, dst: Path, *, manifest=None, extra: dict[str, bytes] | None = None) -> None:
    """Copy a backup, changing its manifest (a function of the dict) or adding raw members."""
    with tarfile.open(src) as old, tarfile.open(dst, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json" and manifest is not None:
                data = json.dumps(manifest(json.loads(data))).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture
def folders(settings, tmp_path):
    """A lake of date-partitioned Parquet files and a documents folder at temporary paths."""
    settings.VAR_DIR = tmp_path / "var"
    settings.LAKE_DIR = tmp_path / "var" / "lake"
    settings.LANTERN_DOCUMENTS_DIR = tmp_path / "var" / "documents"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret_key").write_text("never in a backup")
    for day in ("2026-01-01", "2026-01-02", "2026-01-03"):
        part = settings.LAKE_DIR / "reads" / f"date={day}"
        part.mkdir(parents=True)
        table = pa.table({"vrm": ["AB12CDE", "XY34ZZZ"], "seen_at": [f"{day}T10:00:00Z"] * 2})
        pq.write_table(table, part / "part-00000.parquet")
    order = settings.LANTERN_DOCUMENTS_DIR / "order-1"
    order.mkdir(parents=True)
    (order / "doc.pdf").write_bytes(b"%PDF-1.4 the order as made\n")
    return settings


# ---------------------------------------------------------------- the round trip


def test_backup_and_restore_round_trip_every_table(transactional_db, demo_world, folders, tmp_path):
    lake, documents = Path(folders.LAKE_DIR), Path(folders.LANTERN_DOCUMENTS_DIR)
    before = table_fingerprints()
    last_entry = AuditEntry.objects.aggregate(n=Max("sequence"))["n"]
    lake_before, documents_before = tree_hashes(lake), tree_hashes(documents)
    assert Person.objects.exists() and len(lake_before) == 3

    out = tmp_path / "lantern.tar.gz"
    manifest = backup(out)
    assert manifest.vendor == connection.vendor
    assert manifest.files("lake") == 3 and manifest.files("documents") == 1
    assert manifest.tables["intel_person"] == Person.objects.count()
    with tarfile.open(out) as tar:
        names = tar.getnames()
    assert names[-1] == "manifest.json" and not any("secret_key" in n for n in names)
    backup_entry = AuditEntry.objects.order_by("-sequence").first()
    assert (backup_entry.action, backup_entry.object_type, backup_entry.path) == (
        "export", "backup", "lantern backup",
    )  # fmt: skip

    # Change the store and the files: delete rows, change one, add one; delete and add lake files.
    SearchKey.objects.filter(pk__in=list(SearchKey.objects.values_list("pk", flat=True)[:7])).delete()
    Provenance.objects.filter(pk__in=list(Provenance.objects.values_list("pk", flat=True)[:3])).delete()
    Person.objects.filter(pk=Person.objects.order_by("pk").first().pk).update(label="Changed After Backup")
    get_user_model().objects.create_user("made-after-backup", password="x" * 16)
    (lake / "reads" / "date=2026-01-02" / "part-00000.parquet").unlink()
    (lake / "reads" / "date=2026-01-04").mkdir()
    (lake / "reads" / "date=2026-01-04" / "part-00000.parquet").write_bytes(b"new after backup")
    (documents / "order-1" / "doc.pdf").write_bytes(b"%PDF-1.4 altered\n")
    changed = table_fingerprints(audit_upto=last_entry)
    assert {t for t in before if changed.get(t) != before[t]} >= {
        "intel_searchkey", "intel_provenance", "intel_person", "auth_user",
    }  # fmt: skip

    restored = restore(out)

    after = table_fingerprints(audit_upto=last_entry)
    differ = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    assert differ == [] or differ == ["governance_auditchainhead"]
    assert "governance_auditchainhead" not in after  # compared through the chain below
    assert verify_chain()[0]
    entries = list(AuditEntry.objects.filter(sequence__gt=last_entry))
    assert [(e.action, e.object_type, e.path) for e in entries] == [("import", "backup", "lantern restore")]
    assert tree_hashes(lake) == lake_before
    assert tree_hashes(documents) == documents_before
    assert len(restored.moved_aside) == 2
    aside = Path(next(p for p in restored.moved_aside if "lake.before-restore-" in p))
    assert (aside / "reads" / "date=2026-01-04" / "part-00000.parquet").read_bytes() == b"new after backup"
    assert not list(Path(folders.VAR_DIR).glob(".restore-*"))  # the staging folder is gone


# ---------------------------------------------------------------- what is refused


@pytest.fixture
def made_backup(transactional_db, folders, tmp_path) -> Path:
    """Transactional: SQLite's backup API will not read from a connection inside a write transaction."""
    out = tmp_path / "lantern.tar"
    backup(out)
    return out


def test_an_existing_out_is_refused_without_force(made_backup):
    with pytest.raises(BackupError, match=r"already exists.*--force"):
        backup(made_backup)
    with pytest.raises(CommandError, match="--force"):
        call_command("backup", str(made_backup))
    stdout = io.StringIO()
    call_command("backup", str(made_backup), "--force", stdout=stdout)
    assert "Backup written to" in stdout.getvalue() and "3 lake files" in stdout.getvalue()


def test_restore_without_yes_is_refused_when_not_interactive(made_backup, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="pass --yes"):
        call_command("restore", str(made_backup))


def test_a_tampered_member_is_refused_and_named(made_backup, folders):
    lake_before = tree_hashes(Path(folders.LAKE_DIR))
    with tarfile.open(made_backup) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("lake/"))
    with made_backup.open("r+b") as fh:  # one byte changed inside the member's data
        fh.seek(member.offset_data + 20)
        byte = fh.read(1)
        fh.seek(member.offset_data + 20)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(
        BackupError, match=re.escape(f"member '{member.name}' does not match its sha256")
    ) as refused:
        restore(made_backup)
    assert "Nothing was restored" in str(refused.value)
    with pytest.raises(CommandError, match=member.name):
        call_command("restore", str(made_backup), "--yes")
    assert tree_hashes(Path(folders.LAKE_DIR)) == lake_before  # nothing was touched
    assert not list(Path(folders.LAKE_DIR).parent.glob("*.before-restore-*"))


def test_a_truncated_backup_is_refused(made_backup, tmp_path):
    cut = tmp_path / "cut.tar"
    cut.write_bytes(made_backup.read_bytes()[: made_backup.stat().st_size // 2])
    with pytest.raises(BackupError, match=r"truncated|missing|cannot be read|damaged|no manifest\.json"):
        restore(cut)


@pytest.mark.parametrize("name", ["../evil", "lake/../../evil", "/tmp/evil"])
def test_a_member_outside_the_backup_is_refused(made_backup, tmp_path, name):
    evil = tmp_path / "evil.tar"
    rewrite(made_backup, evil, extra={name: b"owned"})
    with pytest.raises(BackupError, match="outside the backup"):
        restore(evil)
    assert not (tmp_path / "evil").exists() and not Path("/tmp/evil").exists()


def test_a_member_not_in_the_manifest_is_refused(made_backup, tmp_path):
    extra = tmp_path / "extra.tar"
    rewrite(made_backup, extra, extra={"lake/reads/date=2026-02-01/part-00000.parquet": b"slipped in"})
    with pytest.raises(
        BackupError, match=re.escape("'lake/reads/date=2026-02-01/part-00000.parquet' is not in the manifest")
    ):
        restore(extra)


def test_a_backup_of_the_other_vendor_is_refused(made_backup, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    changed = tmp_path / "other.tar"
    rewrite(made_backup, changed, manifest=lambda m: {**m, "vendor": other})
    with pytest.raises(
        BackupError, match=r"backup is of a (PostgreSQL|SQLite) database and this Lantern uses"
    ):
        restore(changed)


def test_different_migrations_are_refused_and_named(made_backup, tmp_path):
    newer = tmp_path / "newer.tar"
    rewrite(
        made_backup, newer, manifest=lambda m: {**m, "migrations": [*m["migrations"], "intel.9999_future"]}
    )
    with pytest.raises(BackupError, match=r"does not know \(intel\.9999_future\).*newer"):
        restore(newer)
    older = tmp_path / "older.tar"
    dropped = sorted(bk.known_migrations())[-1]
    rewrite(
        made_backup,
        older,
        manifest=lambda m: {**m, "migrations": [x for x in m["migrations"] if x != dropped]},
    )
    with pytest.raises(BackupError, match=re.escape(f"lacks migrations this Lantern has ({dropped})")):
        restore(older)


def test_a_backup_inside_a_transaction_is_refused_not_hung(db, folders, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("pg_dump reads from its own connection")
    with pytest.raises(BackupError, match="inside a transaction"):
        backup(tmp_path / "b.tar")


def test_missing_postgresql_client_says_what_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackupError, match="pg_dump is not installed; install postgresql-client"):
        bk._run_pg(["pg_dump", "--version"], {})


# ---------------------------------------------------------------- the commands on a SQLite file


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="the SQLite file path")
def test_commands_round_trip_a_live_sqlite_file(tmp_path):
    """`lantern backup` and `lantern restore --yes` as an administrator runs them, on a WAL file."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "LANTERN_LAKE_DIR")}
    env |= {"LANTERN_VAR_DIR": str(tmp_path / "var"), "LANTERN_DOCUMENTS_DIR": str(tmp_path / "var" / "docs")}
    lantern = [sys.executable, "-m", "lantern.cli"]

    def run(*args: str) -> str:
        result = subprocess.run([*lantern, *args], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return result.stdout

    run("migrate", "-v", "0")
    run("createuser", "kept", "--role", "analyst")
    (tmp_path / "var" / "lake" / "reads").mkdir(parents=True)
    (tmp_path / "var" / "lake" / "reads" / "a.parquet").write_bytes(b"read")
    summary = run("backup", str(tmp_path / "b.tar"))
    assert "Backup written to" in summary and "1 lake files" in summary
    run("createuser", "made-later", "--role", "analyst")
    (tmp_path / "var" / "lake" / "reads" / "a.parquet").unlink()
    refused = subprocess.run(
        [*lantern, "restore", str(tmp_path / "b.tar")],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 1 and "--yes" in refused.stderr
    out = run("restore", str(tmp_path / "b.tar"), "--yes")
    assert "Restored from" in out and "moved aside" in out
    db = sqlite3.connect(tmp_path / "var" / "lantern.sqlite3")
    users = {u for (u,) in db.execute("SELECT username FROM auth_user")}
    (mode,) = db.execute("PRAGMA journal_mode").fetchone()
    assert users == {"kept"} and mode == "wal"
    assert (tmp_path / "var" / "lake" / "reads" / "a.parquet").read_bytes() == b"read"
    assert "intact" in run("audit", "verify")
