"""Load test: the production set-up on loopback against PostgreSQL holding 10^6 persons, 10^7 events.

    python benchmarks/load.py [--persons 1000000] [--events 10000000] [--small] [--rebuild]
                              [--users 50] [--duration 60] [--scenarios baseline,public form,...]

Builds (once, then keeps) its own database at the stated scale (`load_world.py`), starts gunicorn
with `deploy/gunicorn.conf.py` in production mode (DEBUG off, secure cookies, behind a TLS proxy)
on 127.0.0.1, and runs locust in-process with --users concurrent users for --duration seconds per
scenario: a baseline (/healthz, no work), the public report form (GET and POST a valid report),
search (names, plates, phone numbers, postcodes), entity pages (person, vehicle, address) and the
queues (dashboard, triage, breach alerts, tasks). Prints requests a second and p50/p95/p99 per page,
each page's p95 against the baseline's, the machine's core count, and whether each group meets the
target: p95 under 200 ms at 50 users on 2 cores. Locust runs on the same cores as the server.
"""

# ruff: noqa: I001 - locust must be imported first (below)

from __future__ import annotations

# locust patches the standard library with gevent when imported: first, before anything else.
import locust.env
import gevent
from locust import between

import argparse
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_users
import load_world

REPO = Path(__file__).resolve().parents[1]
TARGET_P95_MS = 200
PUBLIC_RATE_LIMIT = 1_000_000  # every simulated reporter comes from 127.0.0.1
WARM_UP_S = 5
SERVER_TIMEOUT_S = 60  # deploy/gunicorn.conf.py's timeout


def main() -> int:
    args = _parse()
    url, built = load_world.ensure(args.persons, args.events, rebuild=args.rebuild)
    build_s = built if built is not None else load_world.build_seconds(url)
    load_users.SAMPLE.update(_sample(url, args.persons))
    server = _start_gunicorn(url, args.port)
    try:
        results = {name: _run(name, args) for name in args.scenarios}
    finally:
        _stop(server)
        _end_queries(url)
    _report(results, args, build_s, fresh=built is not None)
    return 0


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--small", action="store_true", help="10^4 persons, 10^5 events: a quick check")
    parser.add_argument("--rebuild", action="store_true", help="build the database again")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario")
    parser.add_argument(
        "--think",
        default="1-5",
        help="seconds each user waits between pages, uniform in MIN-MAX (a person reading)",
    )
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument("--scenarios", default=",".join(load_users.SCENARIOS))
    args = parser.parse_args()
    if args.small:
        args.persons, args.events = 10_000, 100_000
    args.scenarios = [s.strip() for s in args.scenarios.split(",")]
    args.think = tuple(float(x) for x in args.think.split("-"))
    if "baseline" not in args.scenarios:
        args.scenarios.insert(0, "baseline")  # every ratio needs it
    return args


# --------------------------------------------------------------------------------------- the data


_ANY = "SELECT entity_ptr_id FROM"


def _sample(url: str, persons: int) -> dict[str, list[str]]:
    """Ids and queries of real rows: a fifth of the person pages are of the 1,000 busiest people."""
    rng = random.Random(1)
    hot = [rng.randint(1, min(1_000, persons)) for _ in range(200)]
    people = hot + [rng.randint(1, persons) for _ in range(800)]
    with load_world._connect(url) as conn:
        names = conn.execute(
            "SELECT given_names || ' ' || family_name, family_name FROM intel_person "
            "WHERE source_record_id = ANY(%s)",
            [[f"P{i}" for i in people[:300]]],
        ).fetchall()
        plates = [r[0] for r in conn.execute("SELECT vrm FROM intel_vehicle ORDER BY random() LIMIT 300")]
        phones = [r[0] for r in conn.execute("SELECT e164 FROM intel_phone ORDER BY random() LIMIT 300")]
        vehicles = [r[0] for r in conn.execute(f"{_ANY} intel_vehicle ORDER BY random() LIMIT 500")]
        places = [r[0] for r in conn.execute(f"{_ANY} intel_location ORDER BY random() LIMIT 500")]
        postcodes = [
            r[0] for r in conn.execute("SELECT postcode FROM intel_location ORDER BY random() LIMIT 300")
        ]
    return {
        "persons": [load_world.person_id(i) for i in people],
        "vehicles": [str(pk) for pk in vehicles],
        "locations": [str(pk) for pk in places],
        # full names (two words) and surnames alone, as analysts type them
        "names": [full for full, _ in names] + [family for _, family in names[:100]],
        "plates": [f"{p[:4]} {p[4:]}".lower() for p in plates],  # as typed: spaced, lower case
        "phones": ["0" + p[3:6] + " " + p[6:] for p in phones],  # national format: 07xxx xxxxxx
        "postcodes": postcodes,
    }


# ------------------------------------------------------------------------------------- the server


def _start_gunicorn(url: str, port: int) -> subprocess.Popen:
    var = Path(tempfile.gettempdir()) / "lantern-load-var"  # kept: collectstatic is quicker the second time
    var.mkdir(exist_ok=True)
    env = dict(
        os.environ,
        # PostgreSQL stops a query when gunicorn gives up on its request (timeout 60 s), so a
        # page that outlives it does not go on loading the database after the run.
        DATABASE_URL=f"{url}?options=-c%20statement_timeout%3D{SERVER_TIMEOUT_S * 1000}",
        LANTERN_PRODUCTION="1",
        LANTERN_SECRET_KEY=secrets.token_urlsafe(50),
        LANTERN_BEHIND_PROXY="1",  # trust X-Forwarded-Proto as from nginx
        LANTERN_REQUIRE_2FA="false",  # the simulated staff sign in with a password only
        LANTERN_PUBLIC_RATE_LIMIT=str(PUBLIC_RATE_LIMIT),
        LANTERN_WEB_BIND=f"127.0.0.1:{port}",
        LANTERN_WEB_LOG_LEVEL="warning",
        LANTERN_LOG_LEVEL="WARNING",
        LANTERN_VAR_DIR=str(var),
    )
    env.pop("LANTERN_DEBUG", None)
    bin_dir = Path(sys.executable).parent
    # production serves hashed static files from a manifest, as a deployment collects them
    subprocess.run(
        [str(bin_dir / "lantern"), "collectstatic", "--noinput", "-v0"], env=env, cwd=REPO, check=True
    )
    gunicorn = str(bin_dir / "gunicorn")
    log = open(var / "gunicorn.log", "w")  # noqa: SIM115 - open for the server's life
    # the access log would cost the server time under load: off here (errors still go to the log)
    command = [gunicorn, "-c", str(REPO / "deploy" / "gunicorn.conf.py"), "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=log, start_new_session=True)
    _wait_ready(f"http://127.0.0.1:{port}/healthz", server, var / "gunicorn.log")
    print(f"gunicorn ready on 127.0.0.1:{port} (log {var / 'gunicorn.log'})", flush=True)
    return server


def _wait_ready(url: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {log}\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url}: see {log}")


def _end_queries(url: str) -> None:
    """End what the server left running in the load database (a request gunicorn gave up on)."""
    with load_world._connect(url) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # our own process group (start_new_session)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------- the runs


def _run(name: str, args: argparse.Namespace) -> list[dict]:
    """One scenario: spawn the users (they sign in), warm up, reset, measure for --duration."""
    user_class = load_users.SCENARIOS[name]
    user_class.wait_time = between(*args.think)
    env = locust.env.Environment(user_classes=[user_class], host=f"http://127.0.0.1:{args.port}")
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=max(args.users / 5, 1))
    while runner.user_count < args.users:
        gevent.sleep(0.2)
    gevent.sleep(WARM_UP_S)
    env.stats.reset_all()
    gevent.sleep(args.duration)
    rows = _rows(env.stats, name)
    runner.quit()
    total = next(r for r in rows if r["name"] == "(all)")
    total["load"] = os.getloadavg()[0]  # other work on the machine shows here
    print(f"  {name}: {total['requests']:,} requests in {args.duration} s", flush=True)
    return rows


def _rows(stats, scenario: str) -> list[dict]:
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        if entry.name in {"sign in", "sign in (GET)", "search purpose"} or not entry.num_requests:
            continue
        rows.append(
            {
                "scenario": scenario,
                "name": entry.name,
                "requests": entry.num_requests,
                "rps": entry.total_rps,
                "p50": entry.get_response_time_percentile(0.50),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
                "failures": entry.num_failures,
            }
        )
    total = stats.total
    rows.append(
        {
            "scenario": scenario,
            "name": "(all)",
            "requests": total.num_requests,
            "rps": total.total_rps,
            "p50": total.get_response_time_percentile(0.50),
            "p95": total.get_response_time_percentile(0.95),
            "p99": total.get_response_time_percentile(0.99),
            "failures": total.num_failures,
        }
    )
    return rows


# ------------------------------------------------------------------------------------- the report


def _report(results: dict[str, list[dict]], args: argparse.Namespace, build_s, *, fresh: bool) -> None:
    base = next(r for r in results["baseline"] if r["name"] == "(all)")["p95"] or 1
    built = f"built in {build_s:,.0f} s" if fresh else f"built earlier in {build_s:,.0f} s" if build_s else ""
    print()
    print(
        f"Lantern load test: {os.cpu_count()} cores, {args.persons:,} persons, {args.events:,} events "
        f"({built}); {args.users} users, each waiting {args.think[0]:g}-{args.think[1]:g} s between pages, "
        f"{args.duration} s per scenario; gunicorn "
        f"deploy/gunicorn.conf.py, production settings, public-form rate limit raised to "
        f"{PUBLIC_RATE_LIMIT:,} (LANTERN_PUBLIC_RATE_LIMIT)"
    )
    print(
        f"{'scenario':<13} {'page':<22} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'fail':>5} {'p95/base':>8} {'load':>5}"
    )
    for scenario, rows in results.items():
        for r in rows:
            load = f"{r['load']:>5.1f}" if "load" in r else ""
            print(
                f"{scenario:<13} {r['name']:<22} {r['rps']:>7.1f} {r['p50']:>7.0f} {r['p95']:>7.0f} "
                f"{r['p99']:>7.0f} {r['failures']:>5} {r['p95'] / base:>7.1f}x {load}"
            )
    print("(load: the machine's 1-minute load average at the end of the scenario)")
    print()
    for scenario, rows in results.items():
        if scenario == "baseline":
            continue
        # met only when every page of the group and the group as a whole are under the target
        worst = max(rows, key=lambda r: r["p95"])
        verdict = "met" if worst["p95"] < TARGET_P95_MS and not worst["failures"] else "MISSED"
        slowest = f"slowest: {worst['name']}, p95 {worst['p95']:.0f} ms"
        print(f"target p95 < {TARGET_P95_MS} ms, {scenario}: {verdict} ({slowest})")


if __name__ == "__main__":
    sys.exit(main())
