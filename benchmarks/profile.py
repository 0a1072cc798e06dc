"""Time a problem profile of a year of the demo world, as PDF (issue 8: under 30 s on 2 cores).

    python benchmarks/profile.py [--scale medium] [--seed 1] [--areas all,PE1] [--repeat 2]

Builds its own data: the demo world at ``--scale`` (``medium``: about 6,200 people, 100,000
events over the year to 31 October 2026, 150 cameras, the orders, the risk run) filed into its own
SQLite database under ``var/bench/profile-<scale>[-seed]`` by ``lantern demo --no-serve``. That
takes about 10 to 15 minutes for ``medium`` on 2 cores and is done once; later runs reuse it.

For each area it then times, in this process: the baseline, a plain export of the year's events
with their place to CSV through the ORM (what an analyst pulls today before pivoting it in a
spreadsheet), and the profile: gathering every section (``build_problem_profile``) and printing it
to PDF (``render_pdf``), as the ``lantern profile`` command does. It prints both, their ratio and
the target verdict. Best of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 30.0
FIRST, LAST = date(2025, 11, 1), date(2026, 10, 31)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="medium", choices=("small", "medium", "large"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--areas", default="all,PE1", help='comma-separated: "all", districts, saved area ids'
    )
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    var = REPO / "var" / "bench" / (f"profile-{args.scale}" + ("" if args.seed == 1 else f"-{args.seed}"))
    os.environ["LANTERN_VAR_DIR"] = str(var)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.config.settings")
    _ensure_world(var, args.scale, args.seed)

    import django

    django.setup()
    from lantern.intel.models import Event

    print(f"{os.cpu_count()} cores; {args.scale} world: {Event.objects.count():,} events in {var}")
    print(f"{'area':<28} {'events':>8} {'baseline s':>11} {'profile s':>10} {'(gather':>8} {'+ PDF)':>7} "
          f"{'ratio':>7} {'pages':>6} {'target':>7}")  # fmt: skip
    for spec in args.areas.split(","):
        _time_area(spec.strip(), args.repeat)
    return 0


def _ensure_world(var: Path, scale: str, seed: int) -> None:
    stamp = var / "bench-world-ready"
    lantern = str(REPO / ".venv" / "bin" / "lantern")
    if stamp.exists():  # built by an earlier run: bring its schema up to date with the code
        subprocess.run([lantern, "migrate", "-v0"], check=True, env=dict(os.environ))
        return
    print(f"building the {scale} demo world into {var} (once; about 10-15 min for medium on 2 cores)...")
    started = time.perf_counter()
    subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "lantern"),
            "demo",
            "--scale",
            scale,
            "--seed",
            str(seed),
            "--no-serve",
        ],
        check=True,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
    )
    stamp.write_text(f"built in {time.perf_counter() - started:.0f} s\n")
    print(f"built in {time.perf_counter() - started:.0f} s")


def _time_area(spec: str, repeat: int) -> None:
    from lantern.engine.picture import Period
    from lantern.picture.areas import resolve_area
    from lantern.profiles.problem import build_problem_profile
    from lantern.profiles.render import render_pdf

    area = resolve_area(spec)
    period = Period.of_days(FIRST, LAST)
    baseline, rows = min((_baseline(period) for _ in range(repeat)), key=lambda r: r[0])
    best = None
    for _ in range(repeat):
        started = time.perf_counter()
        data = build_problem_profile(user=None, area=area, period=period)
        gathered = time.perf_counter()
        pdf = render_pdf(data)
        done = time.perf_counter()
        run = (done - started, gathered - started, done - gathered, pdf)
        best = run if best is None or run[0] < best[0] else best
    total, gather, printing, pdf = best
    pages = _pages(pdf)
    verdict = "met" if total < TARGET_SECONDS else "MISSED"
    print(
        f"{area.name[:28]:<28} {rows:>8,} {baseline:>11.2f} {total:>10.2f} {gather:>8.2f} {printing:>7.2f} "
        f"{total / baseline:>6.1f}x {pages:>6} {verdict:>7}"
    )


def _pages(pdf: bytes) -> str:
    """The page count from poppler's pdfinfo (installed by `make system-packages`), if present."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        try:
            info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return "?"
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _baseline(period) -> tuple[float, int]:
    """The year's events with their place, written to CSV through the ORM."""
    from lantern.intel.models import Event

    started = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    rows = 0
    fields = ("pk", "kind", "occurred_from", "summary", "location__postcode", "location__latitude",
              "location__longitude", "source__name")  # fmt: skip
    query = Event.objects.filter(occurred_from__gte=period.start, occurred_from__lt=period.end)
    for row in query.values_list(*fields).iterator(20_000):
        writer.writerow(row)
        rows += 1
    return time.perf_counter() - started, rows


if __name__ == "__main__":
    sys.exit(main())
