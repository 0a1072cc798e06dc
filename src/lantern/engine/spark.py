"""Spark for screening and resolution: which Spark, with what settings, and where it finds the lake.

Lantern's process is always Spark's driver: it lists the lake, builds the watch list and files the
alerts; only the plate join (screening) and Splink's pairs (resolution) run on Spark. Locally that
is ``local[2]``; on a cluster either ``LANTERN_SPARK_MASTER`` names the master, or ``spark-submit``
started this Python (``lantern/spark_submit.py``) and its session, with the submitted conf, is
reused. No Django here: settings read the same variables and may pass a ``SparkConfig`` in.
See docs/spark.md.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath

DEFAULT_MASTER = "local[2]"
# spark-submit (and the pyspark shell) start the JVM first and tell Python where it listens.
SUBMITTED_ENV = "PYSPARK_GATEWAY_PORT"


@dataclass(frozen=True)
class SparkConfig:
    master: str = DEFAULT_MASTER
    conf: tuple[tuple[str, str], ...] = ()  # extra Spark conf, in the order given
    lake_uri: str = ""  # e.g. s3a://bucket/lantern/lake; empty: Spark reads the local lake files
    checkpoint_dir: str = ""  # Splink's checkpoints; on a cluster a shared folder (s3a://, hdfs://)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> SparkConfig:
        """The ``LANTERN_SPARK_*`` variables; a malformed one raises ValueError naming it."""
        return cls(
            master=environ.get("LANTERN_SPARK_MASTER", "").strip() or DEFAULT_MASTER,
            conf=parse_conf(environ.get("LANTERN_SPARK_CONF", ""), "LANTERN_SPARK_CONF"),
            lake_uri=_lake_uri(environ.get("LANTERN_SPARK_LAKE_URI", "").strip()),
            checkpoint_dir=environ.get("LANTERN_SPARK_CHECKPOINT_DIR", "").strip(),
        )


def parse_conf(text: str, name: str = "conf") -> tuple[tuple[str, str], ...]:
    """``key=value`` pairs separated by commas. A piece with no ``=`` continues the previous value,
    so lists keep their commas: ``spark.jars.packages=a:b:1,c:d:2,spark.executor.memory=4g``."""
    pairs: list[list[str]] = []
    for piece in (p.strip() for p in text.split(",")):
        if not piece:
            continue
        key, sep, value = piece.partition("=")
        if sep and key.strip().startswith("spark."):
            pairs.append([key.strip(), value.strip()])
        elif not sep and pairs:
            pairs[-1][1] += "," + piece
        else:
            raise ValueError(f"{name}: {piece!r} is not spark.<key>=<value> (pairs are separated by commas).")
    return tuple((key, value) for key, value in pairs)


def _lake_uri(uri: str) -> str:
    if uri and "://" not in uri:
        raise ValueError(f"LANTERN_SPARK_LAKE_URI={uri!r}: give a URI, e.g. s3a://bucket/lantern/lake.")
    return uri.rstrip("/")


def lake_file_uri(path: str | os.PathLike, lake_uri: str) -> str:
    """A lake file's address for Spark. The lake's layout is ``<kind>/date=<D>/<name>.parquet``
    wherever it lives, so the local file's last three parts name the same file under the URI."""
    if not lake_uri:
        return str(path)
    kind, day, name = PurePath(path).parts[-3:]
    if not day.startswith("date="):
        raise ValueError(f"{path}: not a lake file (<kind>/date=<D>/<name>.parquet).")
    return f"{lake_uri}/{kind}/{day}/{name}"


def submitted() -> bool:
    """True when spark-submit started this Python: its JVM and its conf are already there."""
    return SUBMITTED_ENV in os.environ


def session_options(config: SparkConfig, jar: str, under_submit: bool) -> tuple[str | None, dict[str, str]]:
    """The master to ask for (None: the submitted one) and the conf to start a session with.

    Under spark-submit its ``--master``, name and conf win; ``LANTERN_SPARK_CONF`` still applies.
    Local mode gets settings for a small machine; a cluster keeps Spark's own defaults."""
    options: dict[str, str] = {}
    master = None
    if not under_submit:
        master = config.master
        options["spark.app.name"] = "lantern"
        options["spark.jars"] = jar  # Splink's string similarity functions, needed at JVM start
        if master.startswith("local"):
            options.update(LOCAL_DEFAULTS)
    for key, value in config.conf:
        if key == "spark.jars" and options.get(key):
            value = f"{options[key]},{value}"
        options[key] = value
    return master, options


LOCAL_DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "4",
    "spark.local.dir": tempfile.gettempdir(),
}
# SQL settings that may change on a running session, so they hold for a submitted one too.
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def spark_session(config: SparkConfig | None = None):
    """The process's Spark session: started from ``config`` (the environment's when None), or the
    one spark-submit (or an earlier call) started, which is reused as it is."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    config = config or SparkConfig.from_environ()
    master, options = session_options(config, similarity_jar_location(), submitted())
    builder = SparkSession.builder
    if master:
        builder = builder.master(master)
    for key, value in options.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key, value in SESSION_CONF.items():
        session.conf.set(key, value)
    return session


def has_similarity_jar(session) -> bool:
    """Splink's jar is on the class path (spark-submit needs ``--jars``; see docs/spark.md)."""
    return "scala-udf-similarity" in session.sparkContext.getConf().get("spark.jars", "")


def checkpoint_dir(config: SparkConfig, session) -> str:
    """Where Splink checkpoints: the configured folder, else a local one in local mode."""
    if config.checkpoint_dir:
        return config.checkpoint_dir
    if not session.sparkContext.master.startswith("local"):
        raise ValueError(
            "Set LANTERN_SPARK_CHECKPOINT_DIR to a folder every executor can reach "
            "(s3a://bucket/lantern/checkpoints or hdfs:///tmp/lantern): Splink checkpoints there."
        )
    return os.path.join(tempfile.gettempdir(), "lantern-spark-checkpoints")
