"""The `lantern` command as a person meets it: clear messages and exit codes, never a bare traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

LANTERN = Path(sys.executable).with_name("lantern")


def run(*args: str, var: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LANTERN_TRACEBACK"}}
    env["LANTERN_VAR_DIR"] = str(var)  # its own embedded SQLite database
    return subprocess.run(
        [str(LANTERN), *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


@pytest.fixture(scope="module")
def var(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-var")
    assert run("migrate", "-v0", var=path).returncode == 0
    return path


def test_a_missing_file_is_named_with_what_to_do(var):
    result = run("import", "postcodes", "no-such-file.csv", var=var)
    assert result.returncode == 1
    assert "no-such-file.csv: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_of_the_wrong_kind_says_which_columns_it_wanted(var, tmp_path):
    wrong = tmp_path / "people.csv"
    wrong.write_text("name,age\nAnn,30\n")
    result = run("import", "postcodes", str(wrong), var=var)
    assert result.returncode == 1
    assert "no postcode column" in result.stderr and "pcds" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_role_lists_the_roles(var):
    result = run("createuser", "someone", "--role", "constable", var=var)
    assert result.returncode != 0
    assert "invalid choice: 'constable'" in result.stderr and "analyst" in result.stderr


def test_createuser_prints_a_generated_password(var):
    first = run("createuser", "sam", "--role", "officer", var=var)
    second = run("createuser", "sam", "--role", "officer", var=var)
    assert first.returncode == second.returncode == 0
    password = first.stdout.split("Password: ")[1].split()[0]
    assert len(password) >= 16 and password not in second.stdout


def test_an_unmigrated_database_gets_a_hint_not_a_traceback(tmp_path):
    result = run("audit", "verify", var=tmp_path)
    assert result.returncode == 1
    assert "What to do" in result.stderr and "lantern migrate" in result.stderr
    assert "Traceback" not in result.stderr


def test_audit_verify_on_a_fresh_store(var):
    result = run("audit", "verify", var=var)
    assert result.returncode == 0 and "Audit trail intact" in result.stdout


def test_a_full_disk_is_named_whatever_reports_it(capsys):
    """The operating system's ENOSPC, or SQLite and PostgreSQL saying it in their words."""
    import errno

    from django.db import OperationalError

    from lantern.cli import _report

    for exc in (
        OSError(errno.ENOSPC, "No space left on device"),
        OperationalError("database or disk is full"),
        OperationalError('could not extend file "base/16384/2619": No space left on device'),
    ):
        _report(exc)
        said = capsys.readouterr().err
        assert "The disk is full: free space" in said and "Is the database reachable" not in said
    _report(OperationalError("connection refused"))
    assert "Is the database reachable?" in capsys.readouterr().err
