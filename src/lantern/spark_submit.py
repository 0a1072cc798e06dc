"""spark-submit's entry point: ``lantern screen`` or ``lantern resolve`` on the submitted Spark.

    spark-submit --master spark://host:7077 --jars "$(python -m lantern.spark_submit --jar)" \\
        "$(python -m lantern.spark_submit --path)" screen --since 2026-11-01

This file runs as the driver (client mode: on the Lantern host, with its database and lake). It
takes the session spark-submit started, with the submitted master and conf, then runs the command
with ``--engine spark`` through the ``lantern`` command line, so errors read the same. ``--jar``
prints the path of Splink's similarity jar (resolution needs it on the class path), ``--path`` this
file's. See docs/spark.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

COMMANDS = ("screen", "resolve")
USAGE = (
    "usage: spark-submit [spark options] lantern/spark_submit.py {screen|resolve} [command options]\n"
    "       python -m lantern.spark_submit --jar | --path"
)


def _own_folder_off_path() -> None:
    """Run as a file, Python puts this file's folder (the lantern package) first on the import path,
    where ``config`` or ``context`` would shadow other packages' modules; import lantern as installed."""
    if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
        del sys.path[0]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--jar"]:
        from splink.backends.spark import similarity_jar_location

        print(similarity_jar_location())
        return 0
    if args == ["--path"]:
        print(Path(__file__).resolve())
        return 0
    if not args or args[0] not in COMMANDS or "--engine" in args:
        print(USAGE, file=sys.stderr)
        return 2
    from lantern.engine.spark import spark_session, submitted

    # Started (or taken from spark-submit) before Django, so nothing else picks the master first.
    session = spark_session()
    how = "submitted" if submitted() else "started"
    print(f"Spark {session.version}: master {session.sparkContext.master} ({how}).", file=sys.stderr)
    from lantern.cli import main as lantern

    return lantern(["lantern", args[0], "--engine", "spark", *args[1:]])


if __name__ == "__main__":
    _own_folder_off_path()
    sys.exit(main())
