"""Rich progress bars and one-line summaries for long commands (the engine never imports this)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False)


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Progress]:
    """A bar that shows done/total, elapsed and an estimate of time left; ``advance(task, n)`` it."""
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=False,
    )
    with bar:
        bar.add_task(description, total=total)
        yield bar
