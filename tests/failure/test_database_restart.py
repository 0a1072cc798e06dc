"""PostgreSQL stopped and started again under a running gunicorn: no report lost, clear errors.

A private PostgreSQL 15 cluster (initdb and pg_ctl as the ``postgres`` user, in a folder of its own
on a free port: the machine's shared server is never touched), real gunicorn with production
settings (DEBUG off) and the deployment's ``deploy/gunicorn.conf.py``, real HTTP. A thread sends
public reports continuously, each from its own loopback address (the per-address rate limit stays
on), while the cluster is stopped with
``pg_ctl stop -m fast``, left down for a few seconds and started again. Then:

- every report answered "received" (a redirect to the receipt, or the spooled receipt with its
  reference) is in the database exactly once after ``lantern spool --drain`` (two drains at once),
  with its text, filed as an intelligence report, under the reference the reporter was given;
- no answer was a 500; a staff page and the API answered 503 (page text; JSON) during the outage;
- after the restart pages work again without restarting gunicorn.

Runs in both CI passes: it always uses its own cluster. 40 s on a quiet machine, up to 140 s on a busy one.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

pytestmark = pytest.mark.slow

PG_BIN = Path("/usr/local/bin")
GUNICORN_CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"
LANTERN = [sys.executable, "-m", "lantern.cli"]
OUTAGE_S = 5
STAFF_TEXT = "The database is not answering. Nothing you sent was lost"

if not (PG_BIN / "initdb").exists() or not hasattr(os, "geteuid") or os.geteuid() != 0:
    pytest.skip(
        "needs PostgreSQL's initdb and pg_ctl, and root to run them as postgres", allow_module_level=True
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster owned by the ``postgres`` user."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="lantern-pg-"))
        shutil.chown(self.base, "postgres", "postgres")
        self.data = self.base / "data"
        self.port = _free_port()
        self._as_postgres(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"
        )
        self.start()

    def _as_postgres(self, tool: str, *args: str) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(PG_BIN / tool), *args],
            check=True,
            capture_output=True,
            cwd=self.base,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.base / "log"), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def query(self, name: str, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(name)) as conn:
            return conn.execute(sql, params).fetchall()

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


class Site:
    """gunicorn serving Lantern with production settings and deploy/gunicorn.conf.py against the cluster."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.port = _free_port()
        self.log = workdir / "gunicorn.log"
        # The deployment's own gunicorn settings (2 processes x 4 threads), on a port of our own.
        command = [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF)]
        env = {**env, "LANTERN_WEB_BIND": f"127.0.0.1:{self.port}"}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/report/").status == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()  # never leave it running
        raise AssertionError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: dict | None = None,
    cookies=None,
    headers=None,
    source="127.0.0.1",
) -> Answer:
    """One HTTP request from a given loopback address (each reporter is a different client)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60, source_address=(source, 0))
    sent = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    if cookies:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    payload = None
    if body is not None:
        payload = urlencode(body)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Origin"] = f"http://127.0.0.1:{port}"
    try:
        conn.request(method, path, body=payload, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key] = rest.split(";", 1)[0]
        return Answer(response.status, text, {k.lower(): v for k, v in response.getheaders()}, set_cookies)
    finally:
        conn.close()


@dataclass
class Sent:
    number: int
    text: str
    status: int = 0
    reference: str = ""
    spooled: bool = False
    when: float = 0.0


_REFERENCE = re.compile(r'class="reference">(LAN-[A-Z0-9]{4}-[A-Z0-9]{4})<')


class Reporter(threading.Thread):
    """Sends public reports one after another, as browsers would, until told to stop."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port, self.sent, self.stopping, self.failures = port, [], threading.Event(), []
        self.marker = uuid.uuid4().hex[:8]

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            try:
                self.sent.append(self._report(number))
            except Exception as exc:  # a refused connection or a crash: the test fails on it
                self.failures.append(f"report {number}: {exc!r}")
            time.sleep(0.05)

    def _report(self, number: int) -> Sent:
        source = f"127.0.{number // 200 + 1}.{number % 200 + 2}"  # five reports per address allowed
        sent = Sent(number, f"Failure test {self.marker} report {number}: men calling at 4 Elm Street")
        form = request(self.port, "GET", "/report/", source=source)
        assert form.status == 200, form.status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
        sid = re.search(r'name="submission_id" value="([^"]+)"', form.body).group(1)
        body = {
            "csrfmiddlewaretoken": token,
            "submission_id": sid,
            "what_happened": sent.text,
            "contact": "anonymous",
        }
        answer = request(self.port, "POST", "/report/", body=body, cookies=form.cookies, source=source)
        if number % 4 == 0 and answer.status in (202, 302):  # a double click: the same form again
            answer = request(self.port, "POST", "/report/", body=body, cookies=form.cookies, source=source)
        sent.status, sent.when = answer.status, time.monotonic()
        if answer.status == 202:
            sent.spooled = True
            sent.reference = _REFERENCE.search(answer.body).group(1)
        elif answer.status == 302:
            receipt = request(
                self.port, "GET", "/report/thanks/", cookies={**form.cookies, **answer.cookies}, source=source
            )
            found = _REFERENCE.search(receipt.body)
            sent.reference = found.group(1) if found else ""  # the receipt page itself may meet the outage
        return sent

    def received_since(self, moment: float) -> int:
        return sum(1 for s in self.sent if s.status in (202, 302) and s.when > moment)


def _lantern(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*LANTERN, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"lantern {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    made = Cluster()
    try:
        yield made
    finally:
        made.remove()


@pytest.fixture
def site_env(cluster: Cluster, tmp_path: Path) -> dict[str, str]:
    cluster.create_database("lantern")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env.update(
        DATABASE_URL=cluster.url("lantern"),
        LANTERN_VAR_DIR=str(tmp_path / "var"),
        LANTERN_PRODUCTION="1",
        LANTERN_SECRET_KEY="failure-test-" + uuid.uuid4().hex,
        LANTERN_SSL_REDIRECT="0",  # plain HTTP on loopback; nginx does TLS in a deployment
        LANTERN_REQUIRE_2FA="0",  # the staff user signs in with a password only
        LANTERN_LOG_FORMAT="plain",
    )
    _lantern(env, "migrate", "-v0")
    _lantern(env, "collectstatic", "--noinput", "-v0")
    return env


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _sign_in(port: int, env: dict[str, str]) -> dict[str, str]:
    printed = _lantern(env, "createuser", "failure-analyst", "--role", "analyst")
    password = re.search(r"Password: (\S+)", printed).group(1)
    page = request(port, "GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
    body = {"csrfmiddlewaretoken": token, "username": "failure-analyst", "password": password}
    answer = request(port, "POST", "/accounts/login/", body=body, cookies=page.cookies)
    assert answer.status == 302, answer.body[:500]
    return {**page.cookies, **answer.cookies}


def test_reports_sent_while_postgresql_restarts_are_all_kept_once(cluster, site_env, tmp_path):
    site = Site(site_env, tmp_path)
    reporter = Reporter(site.port)
    try:
        staff = _sign_in(site.port, site_env)
        assert request(site.port, "GET", "/", cookies=staff).status == 200
        reporter.start()
        _wait_for(lambda: reporter.received_since(0) >= 5, 60, "reports before the outage")

        cluster.stop("fast")
        stopped = time.monotonic()
        _wait_for(lambda: any(s.spooled for s in reporter.sent), 30, "a report kept in the spool")
        page = request(site.port, "GET", "/", cookies=staff)
        api = request(
            site.port, "GET", "/api/submissions", headers={"Authorization": "Bearer lan_" + uuid.uuid4().hex}
        )
        safety = _safety_report(site.port)
        drained_down = _lantern(site_env, "spool", "--drain")
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped)))
        cluster.start()
        restarted = time.monotonic()
        _wait_for(lambda: reporter.received_since(restarted) >= 5, 60, "reports after the restart")
        reporter.stopping.set()
        reporter.join(timeout=120)

        assert page.status == 503 and STAFF_TEXT in page.body and page.headers.get("retry-after")
        assert api.status == 503 and '"database_unavailable"' in api.body
        assert "0 spooled reports filed" in drained_down  # nothing can be filed while it is down
        after = [request(site.port, "GET", "/", cookies=staff).status for _ in range(6)]
        assert after == [200] * 6, "pages did not come back after the restart"
        _drain_twice_at_once(site_env)
    finally:
        reporter.stopping.set()
        site.stop()

    assert not reporter.failures, reporter.failures[:5]
    _assert_every_received_report_is_stored_once(cluster, reporter)
    assert cluster.query(
        "lantern",
        "SELECT r.share_with_police, r.warn_others, r.account FROM intake_safetyreport r "
        "JOIN intake_submission s ON s.id = r.submission_id WHERE s.reference = %s",
        (safety,),
    ) == [(False, True, "He threatened me in the car park during the outage")]
    log = site.log.read_text()
    assert "database unavailable (" in log and "answered 503" in log
    assert "Internal Server Error" not in log


def _safety_report(port: int) -> str:
    """A sex worker's safety report sent while the database is down: spooled with her choices."""
    source = "127.0.250.2"
    form = request(port, "GET", "/report/safety/", source=source)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
    sid = re.search(r'name="submission_id" value="([^"]+)"', form.body).group(1)
    body = {
        "csrfmiddlewaretoken": token,
        "submission_id": sid,
        "incident_type": "threats",
        "when_date": time.strftime("%Y-%m-%d", time.gmtime(time.time() - 86400)),
        "account": "He threatened me in the car park during the outage",
        "share_with_police": "no",
        "contact": "anonymous",
        "warn_others": "yes",
    }
    answer = request(port, "POST", "/report/safety/", body=body, cookies=form.cookies, source=source)
    assert answer.status == 202 and "your report has been received" in answer.body, answer.status
    return _REFERENCE.search(answer.body).group(1)


def _drain_twice_at_once(env: dict[str, str]) -> None:
    drains = [
        subprocess.Popen([*LANTERN, "spool", "--drain"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [d.communicate(timeout=300)[0] for d in drains]
    assert all(d.returncode == 0 for d in drains), outputs
    assert "0 waiting, 0 quarantined" in _lantern(env, "spool")


def _assert_every_received_report_is_stored_once(cluster: Cluster, reporter: Reporter) -> None:
    statuses = {s.status for s in reporter.sent}
    assert 500 not in statuses and statuses <= {202, 302, 503}, statuses
    stored = cluster.query(
        "lantern",
        "SELECT s.payload->>'what_happened', s.reference, s.status, r.text FROM intake_submission s "
        "LEFT JOIN intel_intelligencereport r ON r.event_ptr_id = s.report_id "
        "WHERE s.payload->>'what_happened' LIKE %s",
        (f"Failure test {reporter.marker} %",),
    )
    by_text: dict[str, list[tuple]] = {}
    for text, reference, status, report_text in stored:
        by_text.setdefault(text, []).append((reference, status, report_text))
    assert all(len(rows) == 1 for rows in by_text.values()), "a report was stored twice"
    received = [s for s in reporter.sent if s.status in (202, 302)]
    spooled = [s for s in received if s.spooled]
    print(
        f"\n{len(reporter.sent)} reports sent: {len(received) - len(spooled)} stored at once, "
        f"{len(spooled)} spooled"
    )
    assert spooled, "no report met the outage"
    for sent in received:
        rows = by_text.get(sent.text)
        assert rows, f"report {sent.number} was answered 'received' but is not stored"
        reference, status, report_text = rows[0]
        assert status == "filed" and sent.text in report_text
        if sent.reference:
            assert reference == sent.reference, f"report {sent.number} is filed under another reference"
