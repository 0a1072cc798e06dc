"""docs/deployment.md, followed on this machine: a production set-up in a temporary folder.

The guide's ```bash blocks (each opens with ``# step: NAME``) run as written, with the names of
its first block (folders, ports, database, user) pointed at a temporary prefix and a fresh
PostgreSQL database. What a container cannot do is done the way systemd would: the services run
the commands of the rendered units' ``ExecStart=`` lines, as their ``User=``, with their
``EnvironmentFile=``; nginx runs Debian's ``nginx.conf`` with the rendered site as its only site.
Then, through nginx over HTTPS, it checks what a person would notice. Everything it started or
made (processes, database, role, user, files) is removed afterwards, whatever happened.

Needs root (nginx, a system user), nginx (`make system-packages`) and PostgreSQL
(127.0.0.1:5432, or PGHOST_CI/PGPORT_CI/PGUSER_CI as in .ci/run). About a minute and a half.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "deployment.md"
NGINX = "/usr/sbin/nginx"
PG_HOST = os.environ.get("PGHOST_CI", "127.0.0.1")
PG_PORT = os.environ.get("PGPORT_CI", "5432")
PG_SUPERUSER = os.environ.get("PGUSER_CI", "postgres")
# The steps the guide has, in order, and how this test takes each: "run" runs the block as
# written; the others are done the way the block would on a real machine (see each function).
STEPS = {
    "settings": "run",
    "packages": "installed",
    "user": "run",
    "code": "this checkout",
    "venv": "if up to date",
    "database": "run",
    "env-file": "run",
    "tls": "run",
    "migrate": "run",
    "administrator": "run",
    "nginx-site": "run",
    "nginx-enable": "own nginx",
    "units": "run",
    "start": "ExecStart",
    "check": "run",
    "backup": "run",
}


def guide_steps() -> dict[str, str]:
    """The guide's runnable blocks by step name, in order."""
    blocks = re.findall(r"```bash\n# step: ([\w-]+)\n(.*?)```", GUIDE.read_text(), flags=re.S)
    return dict(blocks)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_SUPERUSER, "-d", "postgres", "-qAt", "-c", sql],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip


@dataclass
class Deployment:
    prefix: Path
    names: dict[str, str]
    steps: dict[str, str]
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    created_user: bool = False

    @property
    def url(self) -> str:
        return self.names["LANTERN_HTTPS_URL"]

    @property
    def cert(self) -> str:
        return str(Path(self.names["LANTERN_TLS_DIR"]) / "fullchain.pem")

    def log(self, name: str) -> Path:
        return self.prefix / "logs" / f"{name}.log"

    def run_steps(self, *names: str, log: str) -> str:
        """The settings block, then the named blocks, in one bash as root."""
        script = "set -euo pipefail\n" + "\n".join(self.steps[n] for n in ("settings", *names))
        env = {**os.environ, **self.names}
        result = subprocess.run(
            ["bash", "-c", script], cwd=self.prefix, env=env, capture_output=True, text=True, timeout=900
        )
        self.log(log).write_text(result.stdout + result.stderr)
        assert result.returncode == 0, f"guide steps {names} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def admin(self, *args: str) -> str:
        """A `lantern` command through deploy/lantern-admin, as the guide's blocks run them."""
        env = {**os.environ, "LANTERN_USER": self.names["LANTERN_USER"],
               "LANTERN_ENV_FILE": str(Path(self.names["LANTERN_ETC"]) / "lantern.env")}  # fmt: skip
        result = subprocess.run(
            [str(REPO / "deploy" / "lantern-admin"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def start(self, name: str, argv: list[str], **popen) -> subprocess.Popen:
        log = self.log(name).open("wb")
        self.processes[name] = subprocess.Popen(
            argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **popen
        )
        return self.processes[name]

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


# ---------------------------------------------------------------- the steps not run as written


def check_packages(block: str) -> None:
    """The packages the guide installs are installed here (`make system-packages` and the image)."""
    packages = re.search(r"apt-get install -y --no-install-recommends (.*?)(?:\n(?!\s)|\Z)", block, re.S)
    assert packages, "the packages step installs with apt-get"
    names = packages.group(1).replace("\\\n", " ").split()
    missing = [n for n in names if subprocess.run(["dpkg", "-s", n], capture_output=True).returncode]
    assert missing == [], f"not installed here: {missing} (scripts/install-system-packages.sh)"


def check_venv(deployment: Deployment, block: str) -> None:
    """`make venv-base assets` in the checkout: run when it has nothing to do (a sync would drop
    the test tools from the venv running this test); the venv it makes must be there either way."""
    assert block.strip() == 'make -C "$LANTERN_SRC" venv-base assets'
    if (
        subprocess.run(["make", "-q", "-C", str(REPO), "venv-base", "assets"], capture_output=True).returncode
        == 0
    ):
        deployment.run_steps("venv", log="guide-venv")
    assert (REPO / ".venv" / "bin" / "lantern").exists()
    assert (REPO / ".venv" / "bin" / "gunicorn").exists()


def unit(deployment: Deployment, name: str) -> dict[str, str]:
    """The [Service] settings of a rendered unit file."""
    text = (Path(deployment.names["LANTERN_SYSTEMD_DIR"]) / name).read_text()
    assert "@" not in text.replace("$MAINPID", ""), f"placeholders left in {name}"
    return dict(re.findall(r"^(\w+)=(.*)$", text, flags=re.M))


def environment_file(path: str) -> dict[str, str]:
    lines = Path(path).read_text().splitlines()
    return dict(
        line.split("=", 1) for line in lines if line.strip() and not line.lstrip().startswith(("#", ";"))
    )


def unit_environment(value: str) -> dict[str, str]:
    """A unit's ``Environment="KEY=value with spaces"`` line."""
    if not value:
        return {}
    key, _, text = value.strip().strip('"').partition("=")
    return {key: text}


def start_unit(deployment: Deployment, name: str, extra_args: tuple[str, ...] = ()) -> subprocess.Popen:
    """What `systemctl start` would do with the unit: its ExecStart, as its User and Group, with
    its EnvironmentFile and Environment, WorkingDirectory and UMask."""
    service = unit(deployment, name)
    user = service["User"]
    home = subprocess.run(["getent", "passwd", user], capture_output=True, text=True).stdout.split(":")[5]
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": home,
        **environment_file(service["EnvironmentFile"]),
        **unit_environment(service.get("Environment", "")),
    }
    return deployment.start(
        name.removesuffix(".service"),
        [*shlex.split(service["ExecStart"]), *extra_args],
        env=env,
        cwd=service["WorkingDirectory"],
        user=user,
        group=service["Group"],
        umask=int(service["UMask"], 8),
    )


def start_nginx(deployment: Deployment, block: str) -> None:
    """Debian's nginx.conf, with the rendered site as its only site and its own pid and logs."""
    for command in ("ln -sf", "nginx -t", "systemctl reload nginx"):
        assert command in block
    conf = Path("/etc/nginx/nginx.conf").read_text()
    logs, site = deployment.prefix / "logs", deployment.names["LANTERN_NGINX_SITE"]
    replacements = {
        r"^pid .*;": f"pid {deployment.prefix / 'nginx.pid'};",
        r"^error_log .*;": f"error_log {logs / 'nginx-error.log'};",
        r"^(\s*)access_log .*;": rf"\1access_log {logs / 'nginx-default-access.log'};",
        r"^(\s*)include /etc/nginx/sites-enabled/\*;": rf"\1include {site};",
    }
    for pattern, replacement in replacements.items():
        conf, count = re.subn(pattern, replacement, conf, flags=re.M)
        assert count == 1, pattern
    path = deployment.prefix / "nginx.conf"
    path.write_text(conf)
    subprocess.run([NGINX, "-t", "-q", "-c", str(path)], check=True, capture_output=True, timeout=30)
    deployment.start("nginx", [NGINX, "-c", str(path), "-g", "daemon off;"])


def wait_for(url: str, timeout: float = 90, **kwargs) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(url, timeout=30, **kwargs)
        except requests.RequestException:  # not listening yet, or its workers still starting
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


# ---------------------------------------------------------------- the set-up, and its removal


def _service_user() -> str:
    """A new system user, unless one could not run this checkout's venv (a clone under /root, or
    a venv whose Python is under /root, as with pyenv): then the services run as root, which
    changes nothing else the test looks at."""
    runs = subprocess.run(
        ["runuser", "-u", "nobody", "--", str(REPO / ".venv" / "bin" / "python"), "-c", "import lantern"],
        capture_output=True,
    )
    return f"lt{secrets.token_hex(4)}" if runs.returncode == 0 else "root"


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    if os.geteuid() != 0:
        pytest.skip("follows the deployment guide as root (nginx, a system user)")
    assert Path(NGINX).exists(), "nginx is not installed: run `make system-packages`"
    if subprocess.run(["pg_isready", "-h", PG_HOST, "-p", PG_PORT], capture_output=True).returncode:
        pytest.skip(f"no PostgreSQL at {PG_HOST}:{PG_PORT}")
    # nginx's workers (www-data) must pass through the prefix to the static files.
    prefix = Path(tempfile.mkdtemp(prefix="lantern-deploy-"))
    prefix.chmod(0o755)
    (prefix / "logs").mkdir()
    https_port, http_port, web_port = _free_port(), _free_port(), _free_port()
    database = f"lantern_deploy_{secrets.token_hex(4)}"
    for folder in ("etc", "systemd", "nginx", "backups"):
        (prefix / folder).mkdir()
    names = {
        "LANTERN_SERVER_NAME": "127.0.0.1",
        "LANTERN_HTTPS_URL": f"https://127.0.0.1:{https_port}",
        "LANTERN_HTTPS_LISTEN": f"127.0.0.1:{https_port}",
        "LANTERN_HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "LANTERN_SRC": str(REPO),
        "LANTERN_USER": _service_user(),
        "LANTERN_VAR": str(prefix / "var"),
        "LANTERN_ETC": str(prefix / "etc"),
        "LANTERN_WEB_BIND": f"127.0.0.1:{web_port}",
        "LANTERN_DB": database,
        "LANTERN_DB_USER": database,
        "LANTERN_DB_HOST": PG_HOST,
        "LANTERN_DB_PORT": PG_PORT,
        "LANTERN_PG_SUPERUSER": PG_SUPERUSER,
        "LANTERN_TLS_DIR": str(prefix / "tls"),
        "LANTERN_NGINX_SITE": str(prefix / "nginx" / "lantern.conf"),
        "LANTERN_NGINX_LOG_DIR": str(prefix / "logs"),
        "LANTERN_SYSTEMD_DIR": str(prefix / "systemd"),
        "LANTERN_BACKUP_DIR": str(prefix / "backups"),
        "LANTERN_ADMIN": "deploy-admin",
    }
    d = Deployment(prefix=prefix, names=names, steps=guide_steps())
    d.created_user = names["LANTERN_USER"] != "root"
    try:
        follow_the_guide(d)
        yield d
    finally:
        # Each clean-up step runs even when one before it failed.
        with contextlib.ExitStack() as cleanup:
            if os.environ.get("LANTERN_KEEP_DEPLOY"):  # for a look at the logs afterwards
                print(f"deployment kept in {prefix}")
            else:
                cleanup.callback(shutil.rmtree, prefix, ignore_errors=True)
            if d.created_user:
                cleanup.callback(subprocess.run, ["userdel", names["LANTERN_USER"]], capture_output=True)
            cleanup.callback(_psql, f'DROP ROLE IF EXISTS "{database}"')
            cleanup.callback(_psql, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            cleanup.callback(d.stop_all)


def follow_the_guide(d: Deployment) -> None:
    assert list(d.steps) == list(STEPS), "the guide's steps changed: teach this test the new ones"
    check_packages(d.steps["packages"])
    d.run_steps("user", log="guide-user")
    assert d.steps["code"].strip() == 'git clone "$LANTERN_REPO" "$LANTERN_SRC"'  # this checkout is it
    check_venv(d, d.steps["venv"])
    out = d.run_steps(
        "database", "env-file", "tls", "migrate", "administrator", "nginx-site", "units", log="guide"
    )
    assert "System check identified no issues" in out + d.log("guide").read_text()
    start_nginx(d, d.steps["nginx-enable"])
    assert "systemctl enable --now lantern-web.service lantern-worker.service" in d.steps["start"]
    start_unit(d, "lantern-web.service")
    start_unit(d, "lantern-worker.service")
    web = d.names["LANTERN_WEB_BIND"]
    assert wait_for(f"http://{web}/healthz").status_code == 200, d.log("lantern-web").read_text()
    d.run_steps("check", "backup", log="guide-check")


# ---------------------------------------------------------------- what a person would notice


def _get(d: Deployment, path: str, **kwargs) -> requests.Response:
    return requests.get(d.url + path, verify=d.cert, timeout=30, **kwargs)


def _json_lines(path: Path) -> list[dict]:
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is JSON


def test_health_and_readiness_answer_through_nginx(deployment):
    health = _get(deployment, "/healthz")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["Server"].startswith("nginx")
    ready = _get(deployment, "/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    assert ready.json()["checks"]["database"] == "ok"
    assert ready.json()["checks"]["migrations"] == "ok"
    assert len(ready.headers["X-Request-ID"]) == 32


def test_the_worker_is_running_and_seen(deployment):
    assert deployment.processes["lantern-worker"].poll() is None, deployment.log("lantern-worker").read_text()
    deadline = time.monotonic() + 60
    while (seen := _get(deployment, "/readyz").json()["worker_last_seen"]) is None:
        assert time.monotonic() < deadline, deployment.log("lantern-worker").read_text()
        time.sleep(1)
    assert seen.startswith("20")


def test_static_files_come_from_nginx_with_cache_headers(deployment):
    page = _get(deployment, "/report/").text
    hashed = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', page)
    assert hashed, "pages link content-named static files (collectstatic's manifest)"
    response = _get(deployment, hashed[0])
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert "immutable" in response.headers["Cache-Control"]
    plain = re.sub(r"\.[0-9a-f]{12}\.", ".", hashed[0])
    assert "max-age=3600" in _get(deployment, plain).headers["Cache-Control"]
    # nginx answered itself: gunicorn never saw a static file.
    web_paths = [line.get("path", "") for line in _json_lines(deployment.log("lantern-web"))]
    assert not [p for p in web_paths if p.startswith("/static/")]


def test_the_public_report_form_takes_a_report_that_is_then_stored(deployment):
    session = requests.Session()  # keeps the CSRF and session cookies, as a browser would
    form = session.get(deployment.url + "/report/", verify=deployment.cert, timeout=30)
    assert form.status_code == 200 and "What did you see or hear?" in form.text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form.text))
    assert "csrfmiddlewaretoken" in fields
    sent = session.post(
        deployment.url + "/report/",
        data={
            **fields,
            "what_happened": "Deployment check: cars calling at all hours",
            "contact": "anonymous",
        },
        headers={"Referer": deployment.url + "/report/"},
        verify=deployment.cert,
        timeout=30,
    )
    assert sent.status_code == 200, sent.text[:2000]
    assert sent.url.endswith("/report/thanks/")
    reference = re.search(r'<strong class="reference">([^<]+)</strong>', sent.text).group(1)
    stored = deployment.admin(
        "shell", "-c",
        "from lantern.intake.models import Submission; "
        f"print(Submission.objects.filter(reference={reference!r}).count())",
    )  # fmt: skip
    assert stored.strip().splitlines()[-1] == "1"


def test_a_staff_page_sends_a_visitor_to_sign_in(deployment):
    response = _get(deployment, "/", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
    sign_in = _get(deployment, response.headers["Location"])
    assert sign_in.status_code == 200 and "password" in sign_in.text.lower()
    assert "Secure" in sign_in.headers.get("Set-Cookie", "Secure")  # cookies over HTTPS only


def test_plain_http_is_sent_to_https(deployment):
    port = deployment.names["LANTERN_HTTP_LISTEN"].rsplit(":", 1)[1]
    response = requests.get(f"http://127.0.0.1:{port}/report/", allow_redirects=False, timeout=30)
    assert response.status_code == 301
    assert response.headers["Location"].startswith("https://")


def test_log_lines_are_json_with_the_request_id_and_no_query(deployment):
    response = _get(deployment, "/report/", params={"name": "Quentin Marsh-Deploy"})
    request_id = response.headers["X-Request-ID"]
    time.sleep(1.5)  # the access lines are written after the response
    web = _json_lines(deployment.log("lantern-web"))
    django_line = next(
        x for x in web if x.get("logger") == "lantern.request" and x["request_id"] == request_id
    )
    assert (django_line["method"], django_line["path"], django_line["status"]) == ("GET", "/report/", 200)
    assert django_line["user_id"] is None and isinstance(django_line["duration_ms"], float)
    access_line = next(
        x for x in web if x.get("logger") == "gunicorn.access" and x["request_id"] == request_id
    )
    assert access_line["path"] == "/report/"
    nginx = _json_lines(deployment.log("lantern.access"))
    assert any(x["request_id"] == request_id and x["path"] == "/report/" for x in nginx)
    everything = "".join(
        deployment.log(n).read_text() for n in ("lantern-web", "lantern.access", "lantern-worker")
    )
    assert "Quentin" not in everything and "Marsh-Deploy" not in everything
    # The worker's log lines are JSON too (its one line on the console, "waiting for jobs", is not).
    worker = deployment.log("lantern-worker").read_text().splitlines()
    assert all(json.loads(line) for line in worker if line.startswith("{"))


def test_the_first_administrator_exists(deployment):
    out = deployment.admin(
        "shell", "-c",
        "from django.contrib.auth import get_user_model; "
        "from lantern.governance.roles import roles_of; "
        f"print(sorted(roles_of(get_user_model().objects.get(username={deployment.names['LANTERN_ADMIN']!r}))))",
    )  # fmt: skip
    assert "administrator" in out


def test_production_passes_the_deploy_check(deployment):
    out = deployment.admin("check", "--deploy", "--fail-level", "WARNING")
    assert "no issues" in out
    settings = environment_file(str(Path(deployment.names["LANTERN_ETC"]) / "lantern.env"))
    assert settings["LANTERN_PRODUCTION"] == "1" and len(settings["LANTERN_SECRET_KEY"]) >= 50


def test_the_backup_holds_the_database(deployment):
    [backup] = Path(deployment.names["LANTERN_BACKUP_DIR"]).glob("lantern-*.tar")
    with tarfile.open(backup) as archive:
        names = archive.getnames()
    assert any("manifest" in n for n in names), names


def test_the_other_units_run(deployment):
    reminders = start_unit(deployment, "lantern-reminders.service")
    assert reminders.wait(timeout=120) == 0, deployment.log("lantern-reminders").read_text()
    timer = (Path(deployment.names["LANTERN_SYSTEMD_DIR"]) / "lantern-reminders.timer").read_text()
    assert "OnCalendar=" in timer
    # `lantern live` needs Redis, which this set-up does not use: its command is there and starts.
    live = start_unit(deployment, "lantern-live.service", ("--help",))
    assert live.wait(timeout=120) == 0, deployment.log("lantern-live").read_text()


def test_systemd_accepts_the_rendered_units(deployment):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    folder = Path(deployment.names["LANTERN_SYSTEMD_DIR"])
    units = sorted(str(path) for path in folder.glob("lantern-*"))
    result = subprocess.run(
        [analyze, "verify", "--man=no", *units], capture_output=True, text=True, timeout=120
    )
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "lantern-" in line]
    assert result.returncode == 0 and ours == [], result.stdout + result.stderr


def test_the_processes_ran_as_the_service_user(deployment):
    user = deployment.names["LANTERN_USER"]
    for name in ("lantern-web", "lantern-worker"):
        pid = deployment.processes[name].pid
        owner = subprocess.run(["ps", "-o", "user=", "-p", str(pid)], capture_output=True, text=True).stdout
        assert owner.strip() == user, name


def test_the_web_s_queries_end_before_gunicorn_gives_up_and_the_worker_s_do_not(deployment):
    def environment(name: str) -> bytes:
        return Path(f"/proc/{deployment.processes[name].pid}/environ").read_bytes()

    assert b"PGOPTIONS=-c statement_timeout=55s\x00" in environment("lantern-web")
    assert b"PGOPTIONS=" not in environment("lantern-worker")
