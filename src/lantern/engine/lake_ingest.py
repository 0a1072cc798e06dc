# ruff: noqa: S608 -- SQL here is built from this module's constants and quoted file paths only;
# every value from a file reaches DuckDB as data in a registered Arrow table.
"""Bulk files of ANPR reads and GPS fixes into the date-partitioned Parquet lake, with quarantine.

``reads/date=YYYY-MM-DD/part-<tag>.parquet`` (``read_id, vrm, camera_id, seen_at, confidence``) and
``tracks/date=YYYY-MM-DD/part-<tag>.parquet`` (``device_id, subject_record_id, lat, lon, fixed_at,
accuracy_m``), partitioned by the UTC date. Rows are read as text (``engine.tabular``: any common
CSV dialect or encoding, XLSX, Parquet), checked in DuckDB over each chunk, and:

- a valid row is staged, then written once the whole file is read, sorted by time, skipping a
  read id already in the lake or earlier in the file (a duplicate, counted, not an error);
- an invalid row is quarantined with its row number, columns and a reason a person can act on.

Times must carry a UTC offset (``Z`` or ``+01:00``): a time without one is ambiguous for an hour
every October, and a camera system's local or UTC clock cannot be guessed. A plate as read may be
a misread, so it is only required to look like a plate (2-8 letters and digits, one a digit).
Files are written under a temporary name and renamed, so screening never sees half a file.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lantern.engine.tabular import open_table

CHUNK_ROWS = 100_000
# A file's clock may run a little ahead; a day is as far ahead as a time may be. A live feed is
# held closer (see ``check_reads``): its reads are minutes old.
FILE_FUTURE_US = 86_400_000_000
OFFSET = r"(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$"

SYNONYMS = {
    "read_id": ("read_id", "readid", "id", "read id", "read_ref"),
    "vrm": ("vrm", "plate", "registration", "reg", "vrn", "reg_no", "registration_mark"),
    "camera_id": ("camera_id", "camera", "camera id", "site_id", "site", "cameraid"),
    "seen_at": ("seen_at", "timestamp", "read_at", "datetime", "time", "read_time", "date_time"),
    "confidence": ("confidence", "conf", "score", "read_confidence"),
    "device_id": ("device_id", "device", "tag_id", "tag"),
    "subject_record_id": ("subject_record_id", "subject", "record_id", "person_record_id", "subject_id"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "fixed_at": ("fixed_at", "timestamp", "fix_time", "datetime", "time", "recorded_at"),
    "accuracy_m": ("accuracy_m", "accuracy", "hdop_m", "error_m"),
}


@dataclass(frozen=True)
class Kind:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    time: str
    key: str  # the column that makes a row unique in the lake
    stored_key: str  # the same key computed from a file already in the lake
    checks: str  # SQL: a CASE expression giving the reason (NULL when valid) over the text columns
    values: str  # SQL: the typed columns of a valid row


def _case(rules: list[tuple[str, str]]) -> str:
    """A CASE giving 'columns|reason' for the first failed check (NULL when the row is valid)."""
    return "CASE " + " ".join(f"WHEN {test} THEN {reason}" for test, reason in rules) + " END"


def _time_checks(column: str) -> list[tuple[str, str]]:
    text = f"left({column}, 40)"
    return [
        (f"{column} IS NULL", f"'{column}|the time is empty'"),
        (
            f"NOT regexp_matches({column}, '{OFFSET}')",
            f"'{column}|' || {text} || ' has no UTC offset; write it as 2026-10-25T23:04:05+01:00 "
            "or 2026-10-25T22:04:05Z'",
        ),
        ("at_us IS NULL", f"'{column}|' || {text} || ' is not a date and time (YYYY-MM-DDTHH:MM:SS+HH:MM)'"),
        (
            "at_us < 946684800000000 OR at_us > now_us + future_us",
            f"'{column}|' || {text} || ' is before 2000 or in the future'",
        ),
    ]


IN_UK = "latitude BETWEEN 49 AND 61 AND longitude BETWEEN -9 AND 2.5"
SWAPPED = "longitude BETWEEN 49 AND 61 AND latitude BETWEEN -9 AND 2.5"

READS = Kind(
    name="reads",
    required=("read_id", "vrm", "camera_id", "seen_at"),
    optional=("confidence",),
    time="seen_at",
    key="read_id",
    stored_key="read_id",
    checks=_case(
        [
            ("read_id IS NULL", "'read_id|read_id is empty'"),
            ("length(read_id) > 64", "'read_id|read_id is longer than 64 characters'"),
            ("vrm IS NULL", "'vrm|the plate is empty'"),
            (
                "NOT regexp_full_match(plate, '[A-Z0-9]{2,8}') OR NOT regexp_matches(plate, '[0-9]')",
                "'vrm|' || left(vrm, 40) || ' is not a plate (2 to 8 letters and digits, '"
                "|| 'at least one digit)'",
            ),
            ("camera_id IS NULL", "'camera_id|the camera is empty'"),
            (
                "NOT known_camera",
                "'camera_id|camera ' || left(camera_id, 40) || ' is not known: import it with "
                "`lantern import cameras`, then import this file again (rows already filed are skipped)'",
            ),
            *_time_checks("seen_at"),
            (
                "confidence IS NOT NULL AND (conf IS NULL OR conf < 0 OR conf > 100)",
                "'confidence|' || left(confidence, 20) || ' is not a number from 0 to 1 (or a percentage)'",
            ),
        ]
    ),
    values="""read_id, plate AS vrm, camera_id, make_timestamptz(at_us) AS seen_at,
      CAST(CASE WHEN conf > 1 THEN conf / 100 ELSE conf END AS FLOAT) AS confidence""",
)

TRACKS = Kind(
    name="tracks",
    required=("device_id", "subject_record_id", "lat", "lon", "fixed_at"),
    optional=("accuracy_m",),
    time="fixed_at",
    key="fix_key",
    stored_key="device_id || '@' || CAST(epoch_us(fixed_at) // 1000000 AS VARCHAR)",
    checks=_case(
        [
            ("device_id IS NULL", "'device_id|the device is empty'"),
            ("length(device_id) > 64", "'device_id|the device id is longer than 64 characters'"),
            ("subject_record_id IS NULL", "'subject_record_id|the subject record id is empty'"),
            ("length(subject_record_id) > 100", "'subject_record_id|longer than 100 characters'"),
            (
                "latitude IS NULL OR longitude IS NULL",
                "'lat,lon|' || coalesce(left(lat, 20), '') || ', ' || coalesce(left(lon, 20), '') "
                "|| ' is not a position in decimal degrees'",
            ),
            (
                f"NOT ({IN_UK}) AND ({SWAPPED})",
                "'lat,lon|latitude and longitude look swapped (' || lat || ', ' || lon || ')'",
            ),
            (f"NOT ({IN_UK})", "'lat,lon|' || lat || ', ' || lon || ' is not in the UK'"),
            *_time_checks("fixed_at"),
            (
                "accuracy_m IS NOT NULL AND (acc IS NULL OR acc < 0 OR acc > 10000)",
                "'accuracy_m|' || left(accuracy_m, 20) || ' is not a distance from 0 to 10,000 metres'",
            ),
        ]
    ),
    values="""device_id, subject_record_id, latitude AS lat, longitude AS lon,
      make_timestamptz(at_us) AS fixed_at, CAST(acc AS FLOAT) AS accuracy_m,
      device_id || '@' || CAST(at_us // 1000000 AS VARCHAR) AS fix_key""",
)

KINDS = {"reads": READS, "tracks": TRACKS}


class IngestError(ValueError):
    """The file as a whole cannot be read (missing columns, unreadable format)."""


@dataclass
class Quarantined:
    row_number: int
    columns: str
    reason: str
    raw: dict


@dataclass
class IngestResult:
    rows: int = 0
    written: int = 0
    duplicates: int = 0
    files: list[str] = field(default_factory=list)
    quarantined: list[Quarantined] = field(default_factory=list)


def match_columns(headers: list[str], kind: Kind) -> dict[str, int]:
    """Lantern field -> column index, by name or synonym, case and spacing ignored."""
    folded = {h.strip().lower().replace("-", "_"): i for i, h in enumerate(headers)}
    mapping = {}
    for name in (*kind.required, *kind.optional):
        for synonym in SYNONYMS[name]:
            if synonym in folded and folded[synonym] not in mapping.values():
                mapping[name] = folded[synonym]
                break
    missing = [name for name in kind.required if name not in mapping]
    if missing:
        raise IngestError(
            f"the file has no column for {', '.join(missing)} (its columns: {', '.join(headers) or 'none'}); "
            f"name them {', '.join(kind.required)}."
        )
    return mapping


def ingest(
    kind_name: str,
    path: str | Path,
    lake: str | Path,
    *,
    known_cameras: set[str] | None = None,
    now_us: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestResult:
    kind = KINDS[kind_name]
    table = open_table(path)
    mapping = match_columns(table.headers, kind)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("cameras", pa.table({"camera_id": pa.array(sorted(known_cameras or ()), pa.string())}))
    now = now_us if now_us is not None else int(time.time() * 1_000_000)
    result = IngestResult()
    staged = False
    row_number = 0
    for chunk in table.chunks(CHUNK_ROWS):
        columns = {
            name: pa.array([_cell(row, i) for row in chunk], pa.string()) for name, i in mapping.items()
        }
        for name in kind.optional:
            columns.setdefault(name, pa.nulls(len(chunk), pa.string()))
        columns["row_number"] = pa.array(range(row_number + 1, row_number + len(chunk) + 1), pa.int64())
        con.register("chunk", pa.table(columns))
        con.execute(f"CREATE OR REPLACE TEMP TABLE checked AS {_checked_sql(kind, now)}")
        rejected = con.execute(
            "SELECT row_number, reason FROM checked WHERE reason IS NOT NULL ORDER BY row_number"
        ).fetchall()
        for number, reason in rejected:
            cols, text = reason.split("|", 1)
            raw = dict(zip(table.headers, chunk[number - row_number - 1], strict=False))
            result.quarantined.append(Quarantined(number, cols, text, raw))
        select = f"SELECT row_number, {kind.values} FROM checked WHERE reason IS NULL"
        if staged:
            con.execute(f"INSERT INTO staged {select}")
        else:
            con.execute(f"CREATE TEMP TABLE staged AS {select}")
            staged = True
        row_number += len(chunk)
        if progress:
            progress(row_number)
    result.rows = row_number
    if staged:
        _write(con, kind, Path(lake), result)
    return result


def _cell(row: list, i: int) -> str | None:
    value = row[i] if i < len(row) else None
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _checked_sql(kind: Kind, now_us: int, future_us: int = FILE_FUTURE_US) -> str:
    now = f"{int(now_us)} AS now_us, {int(future_us)} AS future_us"
    if kind is READS:
        prepared = f"""SELECT *, upper(regexp_replace(coalesce(vrm, ''), '[\\s.\\-_]', '', 'g')) AS plate,
            camera_id IN (SELECT camera_id FROM cameras) AS known_camera,
            epoch_us(TRY_CAST(seen_at AS TIMESTAMPTZ)) AS at_us, TRY_CAST(confidence AS DOUBLE) AS conf,
            {now} FROM chunk"""
    else:
        prepared = f"""SELECT *, TRY_CAST(lat AS DOUBLE) AS latitude, TRY_CAST(lon AS DOUBLE) AS longitude,
            epoch_us(TRY_CAST(fixed_at AS TIMESTAMPTZ)) AS at_us, TRY_CAST(accuracy_m AS DOUBLE) AS acc,
            {now} FROM chunk"""
    return f"SELECT *, {kind.checks} AS reason FROM ({prepared})"


def _write(con: duckdb.DuckDBPyConnection, kind: Kind, lake: Path, result: IngestResult) -> None:
    """Drop duplicates (earlier in the file, or already in the lake), then one file per UTC date."""
    con.execute(
        f"""CREATE TEMP TABLE fresh AS SELECT * EXCLUDE (rn) FROM (
              SELECT *, row_number() OVER (PARTITION BY {kind.key} ORDER BY row_number) AS rn FROM staged
            ) WHERE rn = 1"""
    )
    staged = con.execute("SELECT count(*) FROM staged").fetchone()[0]
    days = [
        d
        for (d,) in con.execute(f"SELECT DISTINCT CAST({kind.time} AS DATE) FROM fresh ORDER BY 1").fetchall()
    ]
    existing = [str(p) for d in days for p in (lake / kind.name / f"date={d.isoformat()}").glob("*.parquet")]
    if existing:
        key = kind.stored_key
        files = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in existing) + "]"
        con.execute(
            f"DELETE FROM fresh WHERE {kind.key} IN "
            f"(SELECT CAST({key} AS VARCHAR) FROM read_parquet({files}, union_by_name = true))"
        )
    written = con.execute("SELECT count(*) FROM fresh").fetchone()[0]
    result.duplicates = staged - written
    result.written = written
    tag = uuid.uuid4().hex[:12]
    columns = (
        "read_id, vrm, camera_id, seen_at, confidence"
        if kind is READS
        else ("device_id, subject_record_id, lat, lon, fixed_at, accuracy_m")
    )
    for day in days:
        folder = lake / kind.name / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"part-{tag}.parquet"
        temporary = folder / f".part-{tag}.parquet.tmp"
        con.execute(
            f"""COPY (SELECT {columns} FROM fresh WHERE CAST({kind.time} AS DATE) = ? ORDER BY {kind.time})
                TO '{str(temporary).replace("'", "''")}' (FORMAT parquet, COMPRESSION zstd)""",
            [day],
        )
        if con.execute(
            f"SELECT count(*) FROM read_parquet('{str(temporary).replace(chr(39), chr(39) * 2)}')"
        ).fetchone()[0]:
            os.replace(temporary, final)
            result.files.append(str(final))
        else:
            temporary.unlink()


# ---- reads as they arrive (the live feed) ------------------------------------------------------

READ_SCHEMA = pa.schema(
    [
        ("read_id", pa.string()),
        ("vrm", pa.string()),
        ("camera_id", pa.string()),
        ("seen_at", pa.timestamp("us", tz="UTC")),
        ("confidence", pa.float32()),
    ]
)


@dataclass
class CheckedReads:
    valid: pa.Table  # READ_SCHEMA plus row_number (1 = the first row given)
    rejected: list[Quarantined]


def check_reads(
    columns: dict[str, list[str | None]], *, known_cameras: set[str], now_us: int, future_us: int
) -> CheckedReads:
    """Rows given as text, checked by the very rules ``lantern import reads`` applies to a file
    (the plate normalised, the camera known, the time with its offset, at most ``future_us`` ahead
    of ``now_us``), typed as the lake stores them."""
    n = len(columns["read_id"])
    names = (*READS.required, *READS.optional)
    table = pa.table(
        {
            **{name: pa.array(columns.get(name) or [None] * n, pa.string()) for name in names},
            "row_number": pa.array(range(1, n + 1), pa.int64()),
        }
    )
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.register("cameras", pa.table({"camera_id": pa.array(sorted(known_cameras), pa.string())}))
    con.register("chunk", table)
    con.execute(f"CREATE TEMP TABLE checked AS {_checked_sql(READS, now_us, future_us)}")
    rejected = [
        Quarantined(number, *reason.split("|", 1), raw={})
        for number, reason in con.execute(
            "SELECT row_number, reason FROM checked WHERE reason IS NOT NULL ORDER BY row_number"
        ).fetchall()
    ]
    valid = con.sql(
        f"SELECT {READS.values}, row_number FROM checked WHERE reason IS NULL ORDER BY row_number"
    ).to_arrow_table()
    con.close()
    return CheckedReads(valid.cast(READ_SCHEMA.append(pa.field("row_number", pa.int64()))), rejected)


def write_read_partitions(reads: pa.Table, lake: str | Path, name: str) -> list[str]:
    """``reads/date=D/<name>.parquet`` for each UTC date, in time order, with the columns
    ``lantern import reads`` writes. Each file is written aside and renamed over its final name,
    so writing the same reads under the same name again replaces the file: never a second copy."""
    if not name or not all(ch.isalnum() or ch in "-_" for ch in name):
        raise ValueError(f"lake file name {name!r}: letters, digits, - and _ only")
    reads = reads.select(READ_SCHEMA.names).cast(READ_SCHEMA).sort_by("seen_at")
    days = pc.strftime(reads.column("seen_at"), format="%Y-%m-%d")
    written = []
    for day in sorted(set(days.to_pylist())):
        folder = Path(lake) / "reads" / f"date={day}"
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{name}.parquet"
        temporary = folder / f".{name}.{uuid.uuid4().hex[:8]}.parquet.tmp"
        pq.write_table(reads.filter(pc.equal(days, day)), temporary, compression="zstd")
        os.replace(temporary, final)
        written.append(str(final))
    return written
