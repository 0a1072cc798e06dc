"""Production settings pass Django's deployment checks; every page carries a strict Content
Security Policy, and no template needs an exception to it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "lantern"


def _lantern(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("LANTERN_") and k != "DATABASE_URL"
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "lantern.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings(tmp_path):
    result = _lantern(
        "check", "--deploy", "--fail-level", "WARNING",
        LANTERN_PRODUCTION="1", LANTERN_SECRET_KEY=secrets.token_urlsafe(50), LANTERN_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_generated_secret_and_debug(tmp_path):
    missing = _lantern("check", LANTERN_PRODUCTION="1", LANTERN_VAR_DIR=str(tmp_path))
    assert missing.returncode == 1 and "LANTERN_SECRET_KEY is not set" in missing.stderr
    assert not (tmp_path / "secret_key").exists()
    debug = _lantern(
        "check", LANTERN_PRODUCTION="1", LANTERN_DEBUG="1", LANTERN_SECRET_KEY=secrets.token_urlsafe(50),
        LANTERN_VAR_DIR=str(tmp_path),
    )  # fmt: skip
    assert debug.returncode == 1 and "unset LANTERN_DEBUG" in debug.stderr


@pytest.mark.parametrize("url", ["/accounts/login/", "/report/", "/"])
def test_every_page_sends_a_strict_content_security_policy(db, client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def test_no_template_has_inline_script_style_or_handler():
    offenders = [
        f"{path.relative_to(SRC)}: {match.group(0)}"
        for path in SRC.rglob("templates/**/*.html")
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
