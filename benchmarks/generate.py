"""Time the demo world generator at a scale: World records, bulk persons Parquet, the ANPR lake.

    python benchmarks/generate.py [--scale large] [--seed 1] [--out DIR] [--reads N] [--keep]

Prints rows per second for each part and overall, the peak memory (sampled RSS via psutil and
the kernel's ru_maxrss) against the 2 GB target, and the core count. The baseline, run in the same
process on a sample (--baseline-reads, default 200,000), writes reads the straightforward way: one
Python dict per read, then one Parquet file; the ratio is the lake writer's reads/s over it.
Writes to a temporary directory, removed afterwards unless --keep or --out is given.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from _measure import PeakRSS
from lantern.demo.lake import write_reads
from lantern.demo.world import SCALES, build_world, write_persons_parquet, write_truth
from lantern.demo.world_places import load_default_gazetteer

TARGET_BYTES = 2 * 1024**3
LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="lantern-generate-"))
    keep = args.keep or bool(args.out)
    print(f"scale {args.scale}, seed {args.seed}, {os.cpu_count()} cores, output {out}")
    try:
        with PeakRSS() as peak:
            parts = _run(args, out)
        _report(parts, peak.peak)
    finally:
        if not keep:
            shutil.rmtree(out, ignore_errors=True)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="output directory (kept); default a temporary one, removed")
    parser.add_argument("--reads", type=int, help="total ANPR reads (default: the scale's)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--chunk-rows", type=int, default=2_000_000)
    parser.add_argument("--workers", type=int, default=None, help="threads for the lake (default: cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary output")
    parser.add_argument("--baseline-reads", type=int, default=200_000, help="sample size of the baseline")
    return parser.parse_args(argv)


@dataclass
class Part:
    name: str
    rows: int
    seconds: float  # wall clock
    cpu: float  # CPU seconds of this process, all threads: comparable on a busy machine
    note: str = ""


class Timer:
    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def _run(args: argparse.Namespace, out: Path) -> list[Part]:
    gazetteer = load_default_gazetteer()
    with Timer() as t:
        world = build_world(seed=args.seed, scale=args.scale, gazetteer=gazetteer)
    kinds = ("persons", "vehicles", "phones", "identities", "locations", "events", "relationships", "cameras")
    records = sum(len(getattr(world, kind)) for kind in kinds)
    parts = [Part("world records", records, t.wall, t.cpu, f"{len(world.persons):,} persons")]
    with Timer() as t:
        rows = write_persons_parquet(args.seed, args.scale, out / "persons.parquet", gazetteer=gazetteer)
    size = (out / "persons.parquet").stat().st_size
    parts.append(Part("bulk persons", rows, t.wall, t.cpu, f"{size / 1e6:,.1f} MB"))
    per_day = args.reads // args.days if args.reads else None
    with Timer() as t:
        summary = write_reads(
            world,
            out,
            days=args.days,
            reads_per_day=per_day,
            chunk_rows=args.chunk_rows,
            workers=args.workers,
        )
    note = f"{summary.files} files, {summary.bytes / 1e6:,.0f} MB, {summary.bytes / summary.rows:.1f} B/read"
    parts.append(Part("ANPR reads", summary.rows, t.wall, t.cpu, note))
    with Timer() as t:
        baseline_rows = _baseline_reads(world, out / "baseline.parquet", args.baseline_reads, args.seed)
    parts.append(Part("baseline", baseline_rows, t.wall, t.cpu, "row-by-row sample (not in overall)"))
    with Timer() as t:
        write_truth(world, out / "truth.json")
    parts.append(Part("truth", 1, t.wall, t.cpu, f"{len(world.truth['breach_read_ids'])} breach reads"))
    return parts


def _baseline_reads(world, path: Path, count: int, seed: int) -> int:
    """Reads generated one at a time in Python, as a first version would, then written in one go."""
    rng = random.Random(seed)
    plates = [
        f"A{rng.choice('ABCDEFGHJKLMN')}{rng.randint(10, 75)}{''.join(rng.choices(LETTERS, k=3))}"
        for _ in range(50_000)
    ]
    cameras = [camera.camera_id for camera in world.cameras]
    start = datetime(2026, 10, 1, tzinfo=UTC)
    rows = [
        {
            "read_id": n,
            "vrm": rng.choice(plates),
            "camera_id": rng.choice(cameras),
            "seen_at": start + timedelta(seconds=rng.randrange(30 * 86_400)),
            "confidence": round(rng.random(), 2),
        }
        for n in range(count)
    ]
    pq.write_table(pa.Table.from_pylist(rows), path, compression="zstd")
    return count


def _report(parts: list[Part], peak_rss: int) -> None:
    print(f"{'part':<14} {'rows':>14} {'wall s':>8} {'rows/s':>12} {'CPU s':>8} {'rows/CPU-s':>12}")
    baseline = next(p for p in parts if p.name == "baseline")
    lake = next(p for p in parts if p.name == "ANPR reads")
    parts = [p for p in parts if p is not baseline]
    rows, wall, cpu = (sum(getattr(p, f) for p in parts) for f in ("rows", "seconds", "cpu"))
    for p in [*parts, Part("overall", rows, wall, cpu), baseline]:
        print(
            f"{p.name:<14} {p.rows:>14,} {p.seconds:8.2f} {p.rows / max(p.seconds, 1e-9):>12,.0f} "
            f"{p.cpu:8.2f} {p.rows / max(p.cpu, 1e-9):>12,.0f}  {p.note}"
        )
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    peak = max(peak_rss, max_rss)
    verdict = "under" if peak < TARGET_BYTES else "OVER"
    print(
        f"peak memory: {peak_rss / 2**20:,.0f} MiB sampled RSS (psutil), "
        f"{max_rss / 2**20:,.0f} MiB ru_maxrss; {verdict} the 2 GiB target"
    )
    ratio = (lake.rows / lake.seconds) / (baseline.rows / baseline.seconds)
    print(
        f"ANPR reads: {ratio:,.1f}x the row-by-row baseline's reads/s "
        f"(baseline on a {baseline.rows:,}-read sample)"
    )
    print(f"cores: {os.cpu_count()}; load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
