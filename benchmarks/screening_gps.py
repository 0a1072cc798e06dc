"""Screen a national day of GPS tag fixes against each subject's own exclusion zones.

    python benchmarks/screening_gps.py [--tags 11000] [--every 60] [--engine duckdb|spark]

About 11,000 tagged subjects with a fix a minute is 15.8 million fixes a day. Builds its own data
(``lantern.demo.screening_world``): each subject wanders about a home point, and one in a hundred
spends ten minutes at 23:30 inside his own first zone (the planted breaches, which must all be
found). Times the screen from the Parquet file to hits: the join of each fix to its own subject's
zone boxes (widened by the fix's accuracy), the windows, and the exact distance to the zone.

The baseline, in the same run, is the fix-by-fix screen on a sample (--baseline-fixes): each fix
as a Python row, its subject's zones from a dict, zoneinfo for the local time and a shapely Point.
Target: a national day in under 2 seconds on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import shapely
from shapely.geometry import Point

from _measure import PeakRSS, naive_in_windows
from lantern.demo.screening_world import build_world, files_under, write_fixes
from lantern.engine.screening.backends import make_backend
from lantern.engine.screening.rules import compile_rules
from lantern.engine.screening.screen import _flat as flat_zone
from lantern.engine.screening.screen import screen_fixes

TARGET_SECONDS = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=11_000)
    parser.add_argument("--every", type=int, default=60, help="seconds between fixes")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
    parser.add_argument("--baseline-fixes", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    out = Path(tempfile.mkdtemp(prefix="lantern-gps-"))
    try:
        return _run(args, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _run(args: argparse.Namespace, out: Path) -> int:
    world = build_world(orders=args.tags, cameras=2_000, zones=500)
    day = world.first_day + timedelta(days=4)  # a Friday: weekend-only windows apply too
    truth = write_fixes(world, out, args.tags, day, every_s=args.every)
    files = files_under(out / "tracks")
    rules = compile_rules(world.orders)
    backend = make_backend(args.engine)
    timings = []
    with PeakRSS() as memory:
        for _ in range(args.repeat):
            started = time.perf_counter()
            hits = screen_fixes(rules, files, backend)
            timings.append(time.perf_counter() - started)
    seconds = min(timings)
    found = set(hits.column("evidence_id").to_pylist())
    planted = set(truth["fix_ids"])
    inside = sum(1 for m in hits.column("match").to_pylist() if m == "inside")
    print(
        f"{truth['fixes']:,} fixes from {args.tags:,} tags (one every {args.every} s), {os.cpu_count()} cores"
    )
    rate = truth["fixes"] / seconds
    print(f"screen ({args.engine}, best of {args.repeat}): {seconds:.2f} s, {rate / 1e6:,.1f} ", end="")
    print(f"million fixes/s; {hits.num_rows:,} hits ({inside:,} inside, the rest within their accuracy)")
    print(f"planted fixes found: {len(found & planted)}/{len(planted)}; ", end="")
    print(f"peak memory {memory.peak / 2**20:,.0f} MiB")
    base_rate, agrees = _baseline(world, files[0], args.baseline_fixes, rules, found)
    print(f"baseline (fix by fix, {args.baseline_fixes:,}-fix sample): {base_rate:,.0f} fixes/s; ", end="")
    print(f"agrees on the sample: {agrees}; ratio {rate / base_rate:,.0f}x")
    met = "met" if seconds < TARGET_SECONDS else "NOT met"
    print(f"target: a national day under {TARGET_SECONDS:.0f} s: {met}; cores: {os.cpu_count()}")
    return 0 if planted <= found and agrees else 1


def _baseline(world, path: str, sample: int, rules, found: set[str]) -> tuple[float, bool]:
    """Fix by fix: a Python row, the subject's zones from a dict, zoneinfo, a shapely Point in metres."""
    london = ZoneInfo("Europe/London")
    table = pq.read_table(path).slice(0, sample)
    zones: dict[str, list] = {}
    for zone in rules.zones:
        flat, to_flat = flat_zone(zone.geometry)
        for record in rules.orders[zone.order].subject_records:
            zones.setdefault(record, []).append((flat, to_flat, zone.windows))
    started = time.perf_counter()
    hits = set()
    for fix in table.to_pylist():
        for flat, to_flat, windows in zones.get(fix["subject_record_id"], ()):
            if not naive_in_windows(fix["fixed_at"].astimezone(london), windows):
                continue
            x, y = to_flat(fix["lon"], fix["lat"])
            if shapely.distance(flat, Point(x, y)) <= (fix["accuracy_m"] or 0):
                hits.add(f"{fix['device_id']}@{int(fix['fixed_at'].timestamp())}")
    seconds = time.perf_counter() - started
    devices, times = table["device_id"].to_pylist(), table["fixed_at"].to_pylist()
    sample_ids = {f"{d}@{int(t.timestamp())}" for d, t in zip(devices, times, strict=True)}
    return len(table) / seconds, (found & sample_ids) == hits


if __name__ == "__main__":
    sys.exit(main())
