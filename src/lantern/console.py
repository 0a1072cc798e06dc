"""Progress for long commands: a Rich bar on a terminal, a line every tenth of the way in a log."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
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

Advance = Callable[[int], None]


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Advance]:
    """Yield ``advance(n)``; shows done/total, elapsed time and an estimate of the time left."""
    out = console(stderr=True)
    if not out.is_terminal:
        yield _log_lines(out, description, total)
        return
    columns = (
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("left"), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=out) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def _log_lines(out: Console, description: str, total: int) -> Advance:
    """Without a terminal (CI, a log file) a live bar cannot draw: print each tenth done instead."""
    started, state = time.monotonic(), {"done": 0, "tenth": 0}

    def advance(n: int = 1) -> None:
        state["done"] += n
        tenth = state["done"] * 10 // max(total, 1)
        if tenth > state["tenth"]:
            state["tenth"] = tenth
            elapsed = time.monotonic() - started
            left = elapsed * (total - state["done"]) / max(state["done"], 1)
            out.print(
                f"{description}: {state['done']:,}/{total:,} ({tenth * 10}%), "
                f"{elapsed:.0f} s, about {left:.0f} s left"
            )

    return advance
