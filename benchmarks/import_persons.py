"""Time `lantern import persons` on a generated persons file, on SQLite and on PostgreSQL.

    python benchmarks/import_persons.py [--rows 1000000] [--databases sqlite,postgres]
                                        [--format csv|parquet|xlsx] [--bad 0.02] [--baseline-rows 2000]

Builds its own data: the demo generator's bulk persons (source-style noise, several records per
person, shared phones), written in the persons file format, with a share (--bad) of rows spoiled
the way real files are (impossible dates, short phone numbers, unknown genders, no name) so the
quarantine is exercised. For each database it starts from an empty, migrated database (a temporary
SQLite file; a throwaway PostgreSQL database on 127.0.0.1:5432), imports the file through the
same code path as the command, and, in the same run, files a sample (--baseline-rows) through
the per-record services (`person_with_contacts_record`, the path a form uses). It prints rows per
second, the quarantined share, and the ratio of the bulk path's rate to the baseline's.
Target (issue 3): at least 10,000 rows a second on 2 cores, on both databases.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
TARGET = 10_000


def main() -> int:
    args = _parse()
    if args.child:
        return _child(args)
    work = Path(tempfile.mkdtemp(prefix="lantern-import-bench-"))
    data = _build_file(work, args)
    print(f"{args.rows:,} rows in {data.name} ({data.stat().st_size / 1e6:,.1f} MB), {os.cpu_count()} cores")
    results = {}
    for database in args.databases.split(","):
        results[database] = _run_child(database, data, work, args)
    print()
    print(
        f"{'database':<10} {'rows/s':>10} {'baseline/s':>11} {'ratio':>7} {'quarantined':>12} {'target':>8}"
    )
    for database, r in results.items():
        verdict = "met" if r["rows_per_s"] >= TARGET else "MISSED"
        print(
            f"{database:<10} {r['rows_per_s']:>10,.0f} {r['baseline_per_s']:>11,.0f} "
            f"{r['rows_per_s'] / r['baseline_per_s']:>6.1f}x {r['quarantined_share']:>11.2%} {verdict:>8}"
        )
    return 0


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--format", choices=("csv", "parquet", "xlsx"), default="csv")
    parser.add_argument("--bad", type=float, default=0.02, help="share of rows spoiled")
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)  # database name, in the child process
    parser.add_argument("--file", help=argparse.SUPPRESS)
    return parser.parse_args()


def _build_file(work: Path, args: argparse.Namespace) -> Path:
    """The generator's bulk persons, cut to --rows, with --bad of them spoiled; columns as documented."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    sys.path.insert(0, str(REPO / "src"))
    from lantern.demo.world_bulk import iter_person_batches

    scale = "large" if args.rows > 100_000 else "medium" if args.rows > 1_000 else "small"
    started = time.perf_counter()
    batches, total = [], 0
    for batch in iter_person_batches(args.seed, scale):
        batches.append(batch.slice(0, args.rows - total))
        total += batches[-1].num_rows
        if total >= args.rows:
            break
    table = pa.Table.from_batches(batches).drop_columns(["truth_id"])
    table = table.set_column(4, "dob", pc.cast(table.column("dob"), pa.string()))
    rng = np.random.default_rng(args.seed)
    spoiled = rng.random(table.num_rows) < args.bad
    how = rng.integers(0, 4, table.num_rows)
    spoil = {
        "dob": ("31/02/1990", 0),
        "phone": ("12345", 1),
        "gender": ("unsure", 2),
    }
    for column, (bad_value, code) in spoil.items():
        mask = pa.array(spoiled & (how == code))
        table = table.set_column(
            table.schema.get_field_index(column), column, pc.if_else(mask, bad_value, table.column(column))
        )
    no_name = pa.array(spoiled & (how == 3))
    for column in ("first_name", "surname"):
        table = table.set_column(
            table.schema.get_field_index(column), column, pc.if_else(no_name, None, table.column(column))
        )
    path = work / f"persons.{args.format}"
    if args.format == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, path)
    elif args.format == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path, compression="zstd")
    else:
        import polars as pl

        pl.from_arrow(table).write_excel(path)
    print(f"built the file in {time.perf_counter() - started:.1f} s")
    return path


def _run_child(database: str, data: Path, work: Path, args: argparse.Namespace) -> dict:
    env = dict(
        os.environ,
        LANTERN_VAR_DIR=str(work / f"var-{database}"),
        DJANGO_SETTINGS_MODULE="lantern.config.settings",
    )
    name = ""
    if database == "postgres":
        name = f"lantern_bench_{uuid.uuid4().hex[:8]}"
        _pg_admin(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    else:
        env.pop("DATABASE_URL", None)
    try:
        command = [sys.executable, __file__, "--child", database, "--file", str(data)]
        command += ["--baseline-rows", str(args.baseline_rows)]
        out = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        sys.stderr.write(out.stderr[-2000:])
        print(out.stdout.strip())
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{name}"')


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from lantern.demo.world_places import default_gazetteer_path
    from lantern.intake.bulk.runner import ImportRequest, import_file
    from lantern.intel.importers import import_postcodes

    call_command("migrate", verbosity=0)
    import_postcodes(Path(default_gazetteer_path()))
    path = Path(args.file)
    started = time.perf_counter()
    run = import_file(ImportRequest(kind="persons", path=path, via="benchmark"))
    seconds = time.perf_counter() - started
    baseline_per_s = _baseline(path, args.baseline_rows)
    result = {
        "database": args.child,
        "rows": run.rows_done,
        "seconds": round(seconds, 2),
        "rows_per_s": run.rows_done / seconds,
        "filed": run.filed,
        "known": run.known,
        "quarantined": run.quarantined,
        "quarantined_share": run.quarantined / max(run.rows_done, 1),
        "baseline_rows": args.baseline_rows,
        "baseline_per_s": baseline_per_s,
    }
    print(
        f"{args.child}: {run.rows_done:,} rows in {seconds:.1f} s = {result['rows_per_s']:,.0f} rows/s; "
        f"{run.filed:,} filed, {run.known:,} already known, {run.quarantined:,} quarantined "
        f"({result['quarantined_share']:.2%}); per-record services: {baseline_per_s:,.0f} rows/s"
    )
    print(json.dumps(result))
    return 0


def _baseline(path: Path, rows: int) -> float:
    """The first ``rows`` valid rows through the per-record services, under other source codes."""
    from django.utils import timezone

    from lantern.engine.bulk_rows import RowReader, guess_mapping, read_person
    from lantern.engine.tabular import open_table
    from lantern.intel.services import Actor, PersonContacts, person_with_contacts_record, source_ensure

    table = open_table(path)
    reader = RowReader(guess_mapping("persons", table.headers), table.headers, today=timezone.localdate())
    records = []
    for chunk in table.chunks(rows * 2):
        for number, row in enumerate(chunk, start=1):
            record, _ = read_person(reader, row, number)
            if record is not None:
                records.append(record)
        break
    records = records[:rows]
    actor = Actor(via="benchmark baseline")
    started = time.perf_counter()
    for r in records:
        source = source_ensure(code=f"{r.source}-baseline", name=r.source, kind="police")
        person_with_contacts_record(
            source=source,
            record_id=r.record_id,
            given_names=r.given_names,
            family_name=r.family_name,
            date_of_birth=r.date_of_birth,
            gender=r.gender,
            contacts=PersonContacts(
                address=r.address, postcode=r.postcode_as_written, phone=r.phone_as_written,
                vrm=r.vrm_as_written, email=r.email_as_written,
            ),
            actor=actor,
        )  # fmt: skip
    return len(records) / (time.perf_counter() - started)


if __name__ == "__main__":
    sys.exit(main())
