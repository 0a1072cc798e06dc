"""The analyses `lantern demo` runs after building the world.

Each later engine (screening, resolution, risk, hotspots) registers a callable here that runs it
over the store and returns a one-line summary; the orders app registers screening (`orders/apps.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

ANALYSES: list[tuple[str, Callable[[], str]]] = []


def run_all() -> Iterator[str]:
    if not ANALYSES:
        yield "Analyses: none are installed yet."
    for name, run in ANALYSES:
        yield f"{name}: {run()}"
