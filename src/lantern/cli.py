"""The ``lantern`` command: Django's management commands with Lantern's settings preset.

Failures print what went wrong and what to do, never a bare traceback (set ``LANTERN_TRACEBACK=1``
to see one when debugging).
"""

from __future__ import annotations

import errno
import os
import sys

from rich.console import Console

_HINTS = {
    "OperationalError": "Is the database reachable? Check DATABASE_URL, or run `lantern migrate` first.",
    "ProgrammingError": "The database schema may be out of date: run `lantern migrate`.",
    "ConfigError": "Fix the environment variable named above and run the command again.",
    "PermissionError": "Check that the file or folder is readable and writable by this user.",
    "FileNotFoundError": "Check the path; relative paths are taken from the current folder.",
}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lantern.config.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "lantern"
    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(argv)
    except KeyboardInterrupt:
        Console(stderr=True, soft_wrap=True).print(
            "[yellow]Interrupted.[/] Work already committed is kept; run again to resume."
        )
        return 130
    except Exception as exc:
        if os.environ.get("LANTERN_TRACEBACK"):
            raise
        _report(exc)
        return 1
    return 0


def _report(exc: Exception) -> None:
    console = Console(stderr=True, soft_wrap=True)  # no hard line breaks inside messages
    name = type(exc).__name__
    console.print(f"[bold red]Error[/] ({name}): ", end="")
    console.print(str(exc) or "no detail was given.", markup=False, highlight=False)
    console.print(f"[dim]What to do:[/] {_hint(exc)}")


def _hint(exc: Exception) -> str:
    if _disk_full(exc):
        return (
            "The disk is full: free space (or grow the disk), then run the same command again; "
            "work already committed is kept."
        )
    name = type(exc).__name__
    return _HINTS.get(name, "Run again with LANTERN_TRACEBACK=1 to see the full traceback, and report it.")


def _disk_full(exc: BaseException) -> bool:
    """ENOSPC from the operating system, or a database saying the same in its own words."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    text = str(exc).lower()
    return "disk is full" in text or "no space left on device" in text


if __name__ == "__main__":
    sys.exit(main())
