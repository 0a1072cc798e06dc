# ruff: noqa: S608 -- SQL here is built from this module's constants and quoted file paths only.
"""Where the heavy part of screening runs: the joins that cut millions of rows to a few candidates.

Both backends run the same two joins and return the same Arrow columns; everything after them
(time in force, windows, zones, episodes) is shared Python in ``screen.py``, so DuckDB and Spark
cannot disagree. The SQL is written once in DuckDB's dialect and transpiled for Spark by sqlglot.
``read_id`` is read as text whatever type a file stored it as (the demo lake uses integers).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Protocol

import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot

from lantern.engine.spark import SparkConfig, lake_file_uri, spark_session

log = logging.getLogger(__name__)

READ_CANDIDATES = """
SELECT CAST(r.read_id AS VARCHAR) AS read_id, r.vrm AS vrm, CAST(r.camera_id AS VARCHAR) AS camera_id,
       r.seen_at AS seen_at, CAST(r.confidence AS DOUBLE) AS confidence, w.watch AS watch
FROM reads AS r JOIN watch AS w ON r.vrm = w.key
"""

# A fix is a candidate when it falls in its own subject's zone's box widened by its accuracy
# (1 degree of latitude is about 111,320 m; a degree of longitude shrinks with the cosine, so the
# box uses the smallest degree the UK has, at 61 N: 111,320 * cos(61) = 53,970 m).
FIX_CANDIDATES = """
SELECT f.device_id AS device_id, f.subject_record_id AS subject_record_id, f.lat AS lat, f.lon AS lon,
       f.fixed_at AS fixed_at, CAST(f.accuracy_m AS DOUBLE) AS accuracy_m, b.zone AS zone
FROM fixes AS f JOIN boxes AS b ON f.subject_record_id = b.record
WHERE f.lat BETWEEN b.miny - COALESCE(f.accuracy_m, 0) / 111320.0
                AND b.maxy + COALESCE(f.accuracy_m, 0) / 111320.0
  AND f.lon BETWEEN b.minx - COALESCE(f.accuracy_m, 0) / 53970.0
                AND b.maxx + COALESCE(f.accuracy_m, 0) / 53970.0
"""

READ_COLUMNS = ("read_id", "vrm", "camera_id", "seen_at", "confidence")
FIX_COLUMNS = ("device_id", "subject_record_id", "lat", "lon", "fixed_at", "accuracy_m")


class Backend(Protocol):
    name: str

    def read_candidates(self, files: Sequence[str], watch: pa.Table) -> pa.Table: ...

    def fix_candidates(self, files: Sequence[str], boxes: pa.Table) -> pa.Table: ...


@cache  # Arrow tables are immutable; the live matcher asks for an empty one per quiet batch
def empty_reads() -> pa.Table:
    return pa.table(
        {
            "read_id": pa.array([], pa.string()),
            "vrm": pa.array([], pa.string()),
            "camera_id": pa.array([], pa.string()),
            "seen_at": pa.array([], pa.timestamp("us", tz="UTC")),
            "confidence": pa.array([], pa.float64()),
            "watch": pa.array([], pa.int32()),
        }
    )


@cache
def empty_fixes() -> pa.Table:
    return pa.table(
        {
            "device_id": pa.array([], pa.string()),
            "subject_record_id": pa.array([], pa.string()),
            "lat": pa.array([], pa.float64()),
            "lon": pa.array([], pa.float64()),
            "fixed_at": pa.array([], pa.timestamp("us", tz="UTC")),
            "accuracy_m": pa.array([], pa.float64()),
            "zone": pa.array([], pa.int32()),
        }
    )


def normalise_candidates(table: pa.Table, empty: pa.Table) -> pa.Table:
    """The same column types from either backend (Spark's timestamps and ints differ slightly)."""
    columns = []
    for name in empty.column_names:
        column = table.column(name)
        wanted = empty.schema.field(name).type
        if column.type != wanted:  # a cast, even to the same type, costs a live batch its time
            if pa.types.is_timestamp(wanted):
                column = column.cast(pa.timestamp("us", tz="UTC"))
            column = column.cast(wanted)
        columns.append(column)
    return pa.table(dict(zip(empty.column_names, columns, strict=True)))


class DuckDBBackend:
    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None):
        import duckdb

        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
        # Candidates are put in order afterwards; not keeping the files' order lets threads finish freely.
        self.con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self.con.execute("SET memory_limit = ?", [memory_limit])

    def read_candidates(self, files: Sequence[str], watch: pa.Table) -> pa.Table:
        if not files or watch.num_rows == 0:
            return empty_reads()
        self.con.register("watch_arrow", watch)
        self.con.execute("CREATE OR REPLACE TEMP TABLE watch AS SELECT * FROM watch_arrow")
        self.con.unregister("watch_arrow")
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW reads AS SELECT * FROM {_parquet(files)}")
        result = self.con.sql(READ_CANDIDATES).to_arrow_table()
        return normalise_candidates(result, empty_reads())

    def fix_candidates(self, files: Sequence[str], boxes: pa.Table) -> pa.Table:
        if not files or boxes.num_rows == 0:
            return empty_fixes()
        self.con.register("boxes", boxes)
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW fixes AS SELECT * FROM {_parquet(files)}")
        result = self.con.sql(FIX_CANDIDATES).to_arrow_table()
        return normalise_candidates(result, empty_fixes())


def _parquet(files: Sequence[str]) -> str:
    """read_parquet over the files, each path a quoted SQL string literal."""
    paths = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"read_parquet([{paths}], union_by_name = true)"


class SparkBackend:
    """Spark in local mode by default; a cluster's master, conf and the lake's object-storage URI come
    from ``config`` (the ``LANTERN_SPARK_*`` environment when None; see docs/spark.md)."""

    name = "spark"

    def __init__(self, master: str | None = None, session=None, config: SparkConfig | None = None):
        config = config or SparkConfig.from_environ()
        if master:
            config = replace(config, master=master)
        self.lake_uri = config.lake_uri
        self.spark = session or spark_session(config)

    def read_candidates(self, files: Sequence[str], watch: pa.Table) -> pa.Table:
        if not files or watch.num_rows == 0:
            return empty_reads()
        self._files_view("reads", files, READ_COLUMNS)
        self.spark.createDataFrame(watch).createOrReplaceTempView("watch")
        return self._run(READ_CANDIDATES, empty_reads())

    def fix_candidates(self, files: Sequence[str], boxes: pa.Table) -> pa.Table:
        if not files or boxes.num_rows == 0:
            return empty_fixes()
        self._files_view("fixes", files, FIX_COLUMNS)
        self.spark.createDataFrame(boxes).createOrReplaceTempView("boxes")
        return self._run(FIX_CANDIDATES, empty_fixes())

    def _files_view(self, name: str, files: Sequence[str], columns: Sequence[str]) -> None:
        """Files grouped by schema and unioned by name, so an integer read_id file joins a text one.
        The schema is read from Lantern's own copy of the lake; Spark reads the files at the lake URI."""
        groups: dict[str, list[str]] = {}
        for path in files:
            groups.setdefault(str(pq.read_schema(path)), []).append(lake_file_uri(path, self.lake_uri))
        log.info(
            "Spark reads %d lake file(s) of %s from %s.", len(files), name, self.lake_uri or "the lake folder"
        )
        frames = [_selected(self._read(paths), columns) for paths in groups.values()]
        union = frames[0]
        for frame in frames[1:]:
            union = union.unionByName(frame)
        union.createOrReplaceTempView(name)

    def _read(self, paths: list[str]):
        try:
            return self.spark.read.parquet(*paths)
        except Exception as exc:  # pyspark's AnalysisException; a missing file is the likely cause
            if self.lake_uri and "PATH_NOT_FOUND" in str(exc):
                raise FileNotFoundError(
                    f"Spark cannot find lake files under {self.lake_uri} ({paths[0]} ...): "
                    "sync the lake to object storage before screening (docs/spark.md)."
                ) from exc
            raise

    def _run(self, sql: str, empty: pa.Table) -> pa.Table:
        spark_sql = sqlglot.transpile(sql, read="duckdb", write="spark")[0]
        result = self.spark.sql(spark_sql).toArrow()
        if result.num_rows == 0:
            return empty
        return normalise_candidates(result, empty)


def _selected(frame, columns: Sequence[str]):
    """The columns screening needs, ids as text, a missing optional column as nulls."""
    present = set(frame.columns)
    return frame.selectExpr(
        *[
            (f"CAST({c} AS STRING) AS {c}" if c in ("read_id", "camera_id") else c)
            if c in present
            else f"CAST(NULL AS DOUBLE) AS {c}"
            for c in columns
        ]
    )


def make_backend(name: str, spark: SparkConfig | None = None) -> Backend:
    """The named backend; ``spark`` is Django's ``settings.LANTERN_SPARK`` (the environment when None)."""
    if name == "duckdb":
        return DuckDBBackend()
    if name == "spark":
        return SparkBackend(config=spark)
    raise ValueError(f"engine {name!r}: choose duckdb or spark.")
